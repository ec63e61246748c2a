"""Deterministic identifiers: 32-char lowercase hex ids and uuid strings, derived from
stable text (never from the clock or from generation order)."""

from __future__ import annotations

import hashlib
import uuid


def hex_id(*parts: object) -> str:
    """32 lowercase hex characters: the md5 of the parts joined by ':'."""
    return hashlib.md5(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def uuid_id(*parts: object) -> str:
    """A version-4-shaped uuid string made from the md5 of the parts."""
    return str(uuid.UUID(hex=hex_id(*parts), version=4))
