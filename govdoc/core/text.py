"""Vietnamese text folding for diacritics-insensitive search.

"đ" is not a combining form, so it is mapped first; then combining marks are stripped.
"""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, drop Vietnamese diacritics and collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
