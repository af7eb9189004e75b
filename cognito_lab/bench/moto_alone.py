"""GetUser against moto alone (no emulator in front): the same-run baseline for the lab's.

The lesson calls the lab's GetUser a lower bound for Cognito's, so the lab must not cost
much more than the directory it wraps. This starts moto's own threaded server on
127.0.0.1 (a free port), makes a pool, a client and a user there, and times GetUser
through boto3 exactly as the lab's is timed.
"""

from __future__ import annotations

import secrets
from types import TracebackType
from typing import Any


class MotoAlone:
    """moto's server with one signed-in user; ``get_user()`` is one timed call."""

    def __enter__(self) -> MotoAlone:
        import boto3
        from botocore.config import Config
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self._idp = boto3.client(
            "cognito-idp", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}))
        pool = self._idp.create_user_pool(PoolName="bench-moto-alone")["UserPool"]["Id"]
        client = self._idp.create_user_pool_client(
            UserPoolId=pool, ClientName="bench",
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        password = "Aa1!" + secrets.token_urlsafe(12)
        self._idp.admin_create_user(UserPoolId=pool, Username="bench", MessageAction="SUPPRESS",
                                    TemporaryPassword=password)
        self._idp.admin_set_user_password(UserPoolId=pool, Username="bench", Password=password,
                                          Permanent=True)
        self._token = self._idp.admin_initiate_auth(
            UserPoolId=pool, ClientId=client, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "bench", "PASSWORD": password},
        )["AuthenticationResult"]["AccessToken"]
        self._pool = pool
        return self

    def get_user(self) -> Any:
        return self._idp.get_user(AccessToken=self._token)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            self._idp.delete_user_pool(UserPoolId=self._pool)
        finally:
            self._server.stop()
