"""The key a written name is looked up by: width-, case- and space-insensitive."""

from __future__ import annotations

import unicodedata


def key(text: str) -> str:
    """Width-, case- and space-insensitive form of a name."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).lower().replace("（", "(").replace("）", ")")
