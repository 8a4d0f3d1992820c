"""Story items on Daily8 pages: the related items after ``Related Articles`` and listing items.

Every item is built around its date line (the *anchor*: ``time2 hours ago``, ``a day ago``,
``time02-06-2025``). Around it, the shapes seen so far::

    (a) Title / Title / Source / time<age> / • Source / Title / body...
    (b) Source / <age> / - Source / Title / body...
    (c) <age> / Title / body...                      (no source)
    listing: [Title / Title /] Source / <age> / • Category / • Source / Title / body...

Blank lines are not significant (items are separated by 0, 1 or 2 of them), so the parser
works on the non-blank lines only: it finds the anchors, reads each item's header outwards from
its anchor, and gives each item the lines between its title and the next item's header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.ingest.boilerplate import normalise
from digest.ingest.dates import DateEvidence, Stamp, is_partial_anchor, parse_anchor, parse_dateline
from digest.ingest.debris import clean_paragraph, ends_sentence

log = logging.getLogger(__name__)

BULLET_RE = re.compile(r"^\s*[\u2022\u00b7\u2013*-]\s+(?P<text>\S.*)$")
"""A bullet line: ``  • Business`` or ``- Valley Times``."""

_SOURCE_MAX_CHARS = 60
_SOURCE_MAX_WORDS = 8
_NOT_SOURCE_END = ".!?;:,\u2026\"'\u201d\u2019"


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A story as read from the page, before its date is resolved against the capture moment."""

    title: str
    source: str | None
    evidence: DateEvidence
    paragraphs: tuple[str, ...]
    category: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class _Head:
    start: int
    """Index of the header's first line (the first of the titles, or the source, or the anchor)."""
    end: int
    """Index just after the header (after the title line, or after the bullets when it has none)."""
    title: str | None
    source: str | None
    category: str | None
    stamp: Stamp


def clean_title(line: str) -> str:
    """Return ``line`` whitespace-normalised, the form every title and source takes."""
    return " ".join(line.split())


def _bullet(line: str) -> str | None:
    match = BULLET_RE.match(line)
    return clean_title(match.group("text")) if match else None


def _source_like(line: str) -> bool:
    """A publisher name: short, few words, not a sentence, not a date line."""
    text = line.strip()
    return (0 < len(text) <= _SOURCE_MAX_CHARS and len(text.split()) <= _SOURCE_MAX_WORDS
            and text[-1] not in _NOT_SOURCE_END and parse_anchor(text) is None
            and _bullet(text) is None)


def _source_and_category(candidate: str | None, bullets: list[str]) -> tuple[str | None, str | None]:
    """With two bullets the first is the category and the last the source; with one bullet that
    differs from the source line above the date, that bullet is the category."""
    if len(bullets) >= 2:
        return bullets[-1], bullets[0]
    if len(bullets) == 1:
        if candidate and normalise(candidate) != normalise(bullets[0]):
            return clean_title(candidate), bullets[0]
        return bullets[0], None
    return (clean_title(candidate) if candidate else None), None


def _read_head(lines: Sequence[str], anchor: int, floor: int, has_previous: bool) -> _Head:
    """Read the header around the anchor at ``anchor``, looking no further back than ``floor``."""
    parsed = parse_anchor(lines[anchor])
    stamp = parsed or Stamp()
    end, bullets = anchor + 1, []
    while end < len(lines) and (bullet := _bullet(lines[end])) is not None:
        bullets.append(bullet)
        end += 1
    title = None
    if end < len(lines) and parse_anchor(lines[end]) is None:
        title = clean_title(lines[end])
        end += 1
    start = anchor
    candidate = lines[anchor - 1] if anchor - 1 >= floor else None
    if candidate is not None:
        named = normalise(candidate) in {normalise(b) for b in bullets}
        keeps_body = anchor - 1 > floor or not has_previous
        # A source line always comes with bullets (shapes a, b); without them it is shape (c),
        # unless the date line was cut off and the bullets with it.
        could_be = bool(bullets) or parsed is None
        if named or (could_be and keeps_body and _source_like(candidate)):
            start = anchor - 1
        else:
            candidate = None
    start = _take_titles_above(lines, start, floor, title)
    source, category = _source_and_category(candidate, bullets)
    return _Head(start, end, title, source, category, stamp)


def _take_titles_above(lines: Sequence[str], start: int, floor: int, title: str | None) -> int:
    """Extend a header upwards over the title lines that open shape (a) (``Title / Title``)."""
    if title is None:
        if start - 2 >= floor and normalise(lines[start - 1]) == normalise(lines[start - 2]):
            return start - 2
        return start
    key = normalise(title)
    while start - 1 >= floor and normalise(lines[start - 1]) == key:
        start -= 1
    return start


def _anchors(lines: Sequence[str], *, reaches_end: bool) -> list[int]:
    found = [i for i, line in enumerate(lines) if parse_anchor(line) is not None]
    last = len(lines) - 1
    if reaches_end and last >= 0 and last not in found and is_partial_anchor(lines[last]):
        found.append(last)  # a date line cut off by the end of the page: an item with no title
    return found


def _heads(lines: Sequence[str], *, reaches_end: bool) -> list[_Head]:
    heads: list[_Head] = []
    floor = 0
    for anchor in _anchors(lines, reaches_end=reaches_end):
        if anchor < floor:
            continue
        head = _read_head(lines, anchor, floor, bool(heads))
        heads.append(head)
        floor = head.end
    return heads


def _draft(head: _Head, body: Sequence[str], *, at_page_end: bool) -> Draft | None:
    if head.title is None:
        log.debug("dropping an item cut off before its title (source %r)", head.source)
        return None
    paragraphs = tuple(p for p in map(clean_paragraph, body) if p)
    dateline = parse_dateline(paragraphs[0]) if paragraphs else None
    return Draft(
        title=head.title, source=head.source,
        evidence=DateEvidence(stamp=head.stamp, dateline=dateline),
        paragraphs=paragraphs, category=head.category,
        truncated=at_page_end and bool(paragraphs) and not ends_sentence(paragraphs[-1]))


def parse_items(lines: Sequence[str], *, reaches_end: bool) -> list[Draft]:
    """Read the items of a region of a page.

    Args:
        lines: the region's non-blank lines, boilerplate already cut off.
        reaches_end: True when the region runs to the end of the saved page, so its last item
            may be cut off (a body without terminal punctuation is then ``truncated``, and a
            date line cut short still starts an item).

    Returns drafts in page order. An item cut off before its title is dropped; an item with a
    title and no body is returned with no paragraphs (the caller skips it). Lines before the
    first item's header are ignored.
    """
    heads = _heads(lines, reaches_end=reaches_end)
    drafts: list[Draft] = []
    for k, head in enumerate(heads):
        stop = heads[k + 1].start if k + 1 < len(heads) else len(lines)
        draft = _draft(head, lines[head.end:stop], at_page_end=reaches_end and k + 1 == len(heads))
        if draft is not None:
            drafts.append(draft)
    return drafts
