"""Import every module that registers operations or routes (order does not matter)."""

from . import auth, token_operations, well_known  # noqa: F401
