"""Decoding saved pages: UTF-8, BOM, CRLF, Latin-1, binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.errors import PageError
from digest.ingest.decode import decode_page


def test_bom_and_crlf_are_removed() -> None:
    assert decode_page("\ufefflogo\r\nTitle\r\n".encode(), Path("p.txt")) == "logo\nTitle\n"


def test_latin1_is_decoded() -> None:
    data = "Café owner fined £500".encode("latin-1")
    assert decode_page(data, Path("p.txt")) == "Café owner fined £500"


def test_binary_is_rejected_naming_the_file() -> None:
    with pytest.raises(PageError, match=r"bin.txt: not a text page"):
        decode_page(bytes(range(256)), Path("bin.txt"))


def test_control_characters_without_nul_are_rejected() -> None:
    with pytest.raises(PageError, match="not a text page"):
        decode_page(bytes(range(1, 32)) * 10, Path("ctl.txt"))


def test_empty_is_empty_text() -> None:
    assert decode_page(b"", Path("e.txt")) == ""
