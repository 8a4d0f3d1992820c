"""Turn the bytes of a saved page into text: encoding, byte-order mark, line endings."""

from __future__ import annotations

from pathlib import Path

from digest.errors import PageError

_CONTROL_OK = {"\n", "\r", "\t", "\f"}
_MAX_CONTROL_SHARE = 0.05
"""Share of control characters above which a page is binary, not text (text dumps have none)."""


def decode_page(data: bytes, path: Path) -> str:
    """Decode a saved page to text with LF line endings and no byte-order mark.

    UTF-8 (with or without BOM) is tried first; pages that are not valid UTF-8 are decoded as
    Windows-1252, then Latin-1 (seen in the wild: Latin-1 saved pages with ``£``/``é``).

    Args:
        data: the file's bytes.
        path: the page, for error messages.

    Returns:
        The text; ``""`` for an empty file.

    Raises:
        PageError: the bytes hold NUL bytes or many control characters (a binary file, not a page).
    """
    if b"\x00" in data:
        raise PageError("not a text page (it holds binary data: NUL bytes); save the page as text",
                        path=path)
    text = _decode(data)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _CONTROL_OK)
    if text and controls / len(text) > _MAX_CONTROL_SHARE:
        raise PageError("not a text page (it holds binary data: control characters); save the page "
                        "as text", path=path)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    """Decode ``data`` as UTF-8, else Windows-1252, else Latin-1 (which never fails)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
