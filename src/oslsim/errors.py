"""The project's own error for bad input: reported as one line with exit status 2."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input from a user: a file, a key or a value that is not allowed.

    The message is one line naming the file (when there is one), the key and the allowed
    values. The command line prints it without a traceback and exits with status 2.
    """
