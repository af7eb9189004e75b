"""Plays Amazon Cognito IDENTITY POOLS: logins become temporary AWS credentials.

moto stores the identity pools; the lab adds what moto only pretends: checked logins
(``logins``: a user pool's tokens; an external provider's ID token, verified with its
published keys by ``provider_tokens``, from an IAM OIDC provider, ``oidc_logins``, or
from Google, ``google_logins``), stable identities (``identities``), roles and role
mappings (``roles``), credentials issued through STS for a role that trusts the pool
(``credentials``, ``trust``), and IAM enforcement of those credentials by moto's IAM
engine, policy variables included (``iam_gate``, ``policy_variables``, ``enforcement``; the
gate's parts: ``iam_probe``, ``signed_request``, ``aws_error_bodies``, ``shared_lock``,
``wsgi_answer``).

The Emulator owns this part's per-lab state (``emulator.identity``, an ``IdentityState``)
and its IAM switch (``emulator.iam``, an ``IamEnforcement``); ``operations.py`` is the table
of the identity pools API operations answered here.
"""
