"""Debris inside saved story bodies: what the page's widgets leave in the text, and how to remove it.

Whole lines that are debris (image counts ``3``, ``4 4``; video durations ``02:45``; ``Advertisement``;
``Credit: ...``; URL-encoded markup ``%3Cp%3E...``; inside a body, video captions such as
``Watch: runners cross the finish line`` and photo credits such as ``Photo: Jane Doe/PA Wire``) are
dropped; inside a line, a run of repeated
image counts after a sentence end (``said. 4 4 Members``) and a count trailing the last sentence
(``on Monday. 4``) are removed. Numbers that are part of a sentence ("voted 31 to 4",
"2.1 million", "1 Grooming injustice") stay.
"""

from __future__ import annotations

import re

from digest.ingest.boilerplate import normalise

DEBRIS_LINES = frozenset({
    "advertisement",
    "story continues below this ad",
    "copy the story link",
    "logo",
    "#",
})
"""Whole lines (normalised) that are page furniture, never body."""

DEBRIS_PREFIXES = ("credit:", "photo credit:", "image credit:", "video duration")
"""Lines starting with these (normalised) are photo credits and video player labels."""

CAPTION_PREFIXES = ("watch:", "video:")
"""A body line starting with these (normalised) and not ending a sentence is a video player's
caption (the user trial, 2025-11). Only inside a body: a page's title may start so."""

CREDIT_WORDS = frozenset({
    "photo", "photograph", "picture", "pic", "image", "image caption", "image source", "caption",
    "getty images", "pa wire", "pa media", "afp", "ap photo", "epa", "alamy", "shutterstock",
})
"""The vocabulary of photo credits (QA pages, 2025-11). Inside a body, a short line that is not a
sentence and either opens with one of these followed by ``:`` or ``,`` (``Photo: Jane Doe``,
``Image caption, The parade``) or is, or ends in, an agency name after ``/`` or ``via``
(``Getty Images``, ``Jane Doe/PA Wire``, ``AFP via Getty Images``) is a credit, not body."""

CREDIT_MAX_WORDS = 12
"""A credit line has fewer words than this; a longer line is read as a sentence."""

DEBRIS_PHRASES = ("Copy the Story Link", "STORY CONTINUES BELOW THIS AD")
"""Furniture phrases removed wherever they stand in a line (case-insensitive)."""

_END = r"[.!?\u2026]['\"\u2019\u201d)\]]*"
_NUMBERS_LINE = re.compile(r"^\d{1,3}(?:\s+\d{1,3})*$")
_DURATION_LINE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_PHRASES = re.compile("|".join(re.escape(p) for p in DEBRIS_PHRASES), re.IGNORECASE)
_REPEATED_COUNTS = re.compile(r"(?:(?<=[.!?\u2026'\"\u2019\u201d)\]])|^)\s*(\d{1,2})(?:\s+\1)+(?=\s|$)")
_TRAILING_COUNT = re.compile(rf"({_END})\s+\d{{1,2}}$")
_TERMINAL = re.compile(rf"{_END}$")
_MIN_ESCAPES = 3
_CREDIT = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in CREDIT_WORDS),
                          key=len, reverse=True))
_CREDIT_LINE = re.compile(rf"^(?:(?:{_CREDIT})\s*[:,]|(?:.*(?:/|\bvia\s))?\s*(?:{_CREDIT})$)",
                          re.IGNORECASE)


def is_debris_line(line: str) -> bool:
    """Return True when the whole of ``line`` is page debris (see the module docstring)."""
    text = line.strip()
    key = normalise(text)
    if key in DEBRIS_LINES or key.startswith(DEBRIS_PREFIXES):
        return True
    if _NUMBERS_LINE.match(text) or _DURATION_LINE.match(text):
        return True
    return " " not in text and len(_ESCAPE.findall(text)) >= _MIN_ESCAPES


def is_caption_line(line: str) -> bool:
    """Return True for a video caption inside a body: ``Watch: ...`` or ``Video: ...`` with no
    terminal punctuation (``Watch: the council's decision matters.`` is a sentence)."""
    return normalise(line).startswith(CAPTION_PREFIXES) and not ends_sentence(line)


def is_credit_line(line: str) -> bool:
    """Return True for a photo credit inside a body (:data:`CREDIT_WORDS`): short, no sentence."""
    text = " ".join(line.split())
    return (len(text.split()) < CREDIT_MAX_WORDS and not ends_sentence(text)
            and bool(_CREDIT_LINE.match(text)))


def clean_paragraph(line: str) -> str | None:
    """Return one body line cleaned of debris, whitespace-normalised, or None when nothing is left."""
    if is_debris_line(line) or is_caption_line(line) or is_credit_line(line):
        return None
    text = " ".join(line.split())
    text = _PHRASES.sub(" ", text)
    text = _REPEATED_COUNTS.sub("", text)
    text = _TRAILING_COUNT.sub(r"\1", " ".join(text.split()))
    text = " ".join(text.split())
    return text or None


def ends_sentence(text: str) -> bool:
    """Return True when ``text`` ends with terminal punctuation (``.``, ``!``, ``?``, ``…``, quotes after)."""
    return bool(_TERMINAL.search(text.rstrip()))
