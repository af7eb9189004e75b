"""Import every module that registers operations or routes (order does not matter)."""

from . import auth, hosted_ui, token_operations, well_known  # noqa: F401
from .identity import credentials, identities, roles  # noqa: F401  (identity pools)

# isort: off
from . import admin_users, client_rules, mfa, pool_ids, pool_settings, recovery, revocation, signup, usernames  # noqa
# isort: on
