# Solution to notebook 02, exercise 1.
# SECRET_HASH = Base64(HMAC-SHA256(key=client secret, message=username + client id)).
import base64
import hashlib
import hmac


def my_secret_hash(username, client_id, client_secret):
    digest = hmac.new(client_secret.encode("utf-8"),
                      (username + client_id).encode("utf-8"),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
