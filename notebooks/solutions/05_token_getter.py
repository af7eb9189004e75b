"""Notebook 05, exercise 1: reuse a machine token until a minute before it expires."""

REFRESH_BEFORE = 60  # seconds


def make_token_getter(fetch, clock):
    token = None
    expires_at = 0.0

    def get():
        nonlocal token, expires_at
        now = clock.now()
        if token is None or now >= expires_at - REFRESH_BEFORE:
            response = fetch()                      # a TokenResponse
            token = response.access_token
            expires_at = now + response.expires_in
        return token

    return get
