"""The one error a command raises for a problem the user can fix (exit code 2)."""


class UsageError(Exception):
    """Bad input or a missing prerequisite: the message says what to do."""
