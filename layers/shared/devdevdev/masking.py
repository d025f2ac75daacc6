"""How members' emails are shown to others (docs/rules.md#conv-email-masking)."""

from __future__ import annotations


def mask_email(email: str | None) -> str | None:
    """The local part with every character after the third turned into ``*``: ``alsdudr97@naver.com`` →
    ``als******``. A local part of three characters or fewer is shown as is."""
    if email is None:
        return None
    local = email.split("@", 1)[0]
    return local if len(local) <= 3 else local[:3] + "*" * (len(local) - 3)
