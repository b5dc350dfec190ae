"""Errors meant for the user: one clear line, and nothing was changed."""


class UserError(ValueError):
    """A problem the user can fix; str() is the message to show."""


class ValidationError(UserError):
    """What was typed or imported does not fit; nothing was written."""
