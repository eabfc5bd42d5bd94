"""The one rule for characters that user text may hold.

Text typed into a form, read from an HR roster or written into an export must survive every
place it goes: PostgreSQL refuses NUL, XML (so XLSX, and openpyxl) refuses the other C0
controls and U+FFFE/U+FFFF, and UTF-8 cannot encode a lone surrogate. A vertical tab pasted into
a free-text answer once made that survey's XLSX export fail for good. None of these characters
carries meaning anyone typed on purpose, so they are removed rather than refused: the person's
words are kept and nothing downstream can break on them.

Kept: tab, line feed and carriage return (multi-line answers). Removed: the other C0 controls,
DEL, the C1 controls (U+0080-U+009F, e.g. NEL U+0085 from pasted Windows-1252 text), lone
surrogates and the two XML non-characters.
"""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without the characters no storage or export can hold."""
    return UNSTORABLE.sub("", value)


def has_unstorable(value: str) -> bool:
    return UNSTORABLE.search(value) is not None


def clean_value(value: Any) -> Any:
    """clean_text for strings; every other value (numbers, dates, None) as it is."""
    return clean_text(value) if isinstance(value, str) else value
