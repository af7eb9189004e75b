"""Plays Amazon Cognito IDENTITY POOLS: logins become temporary AWS credentials.

moto stores the identity pools; the lab adds what moto only pretends: checked logins
(``logins``), stable identities (``identities``), roles and role mappings (``roles``),
credentials issued through STS for a role that trusts the pool (``credentials``, ``trust``),
and IAM enforcement of those credentials by moto's IAM engine, policy variables included
(``iam_gate``, ``policy_variables``, ``enforcement``).
"""

from .state import identity_state

__all__ = ["identity_state"]
