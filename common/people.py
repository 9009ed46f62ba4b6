"""Colleagues as the desk names them."""


def person_name(user, default=""):
    """A colleague as the desk calls her: her name, or her username; `default` for
    nobody (a save made by code, a user since deleted)."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
