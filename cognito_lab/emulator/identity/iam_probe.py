"""A side-effect-free probe of an operation, for moto's IAM engine to judge.

The emulator answers some operations itself, so moto never sees them. To learn whether IAM
allows the caller, the gate sends moto the same operation with an empty body (refused
before anything happens, if allowed at all: it names no resource), signed with the caller's
credentials as an SDK would sign it (botocore's SigV4 signer).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .signed_request import Signed
    from .state import Grant


def probe_environ(environ: dict, signed: Signed, grant: Grant | None, account_id: str,
                  region: str) -> dict:
    """A WSGI environ for the probe of ``environ``'s operation, signed as its caller."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    host = f"{signed.service}.{region}.amazonaws.com"
    request = AWSRequest(method="POST", url=f"https://{host}/", data=b"{}", headers={
        "X-Amz-Target": environ.get("HTTP_X_AMZ_TARGET", ""),
        "Content-Type": "application/x-amz-json-1.1"})
    secret, token = (grant.secret_key, grant.session_token) if grant else ("unknown", None)
    SigV4Auth(Credentials(signed.access_key, secret, token), signed.service,
              region).add_auth(request)
    probe = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
             "SERVER_NAME": host, "SERVER_PORT": "443", "wsgi.url_scheme": "https",
             "wsgi.input": io.BytesIO(b"{}"), "CONTENT_LENGTH": "2",
             "CONTENT_TYPE": "application/x-amz-json-1.1", "HTTP_HOST": host,
             "HTTP_X_MOTO_ACCOUNT_ID": account_id}
    for name, value in request.headers.items():
        probe["HTTP_" + name.upper().replace("-", "_")] = value
    return probe
