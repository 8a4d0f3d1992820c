"""Story items on Daily8 pages: the related items after ``Related Articles`` and listing items.

Every item is built around its date line (the *anchor*: ``time2 hours ago``, ``a day ago``,
``time02-06-2025``). Around it, the shapes seen so far::

    (a) Title / Title / Source / time<age> / • Source / Title / body...
    (b) Source / <age> / - Source / Title / body...
    (c) <age> / Title / body...                      (no source)
    (d) Title / Title / time<age> / body...          (no source, no third title copy)
    listing: [Title / Title /] Source / <age> / • Category / • Source / Title / body...

Blank lines are not significant (items are separated by 0, 1 or 2 of them), so the parser
works on the non-blank lines only: it finds the anchors, reads each item's header outwards from
its anchor, and gives each item the lines between its title and the next item's header.

An anchor is also found by structure alone: ``Name / <short line> / - Name`` (a bullet repeating
the name above the line above it) is a source, a date line and its bullets, even when the date
line is in words the vocabulary does not know (the user trial, 2025-11: ``yesterday`` read as body
glued every later item onto the story before). Such an item gets the capture date, estimated,
and a warning naming the line. Nothing is dropped silently: every item left out, and every bullet
line kept out of a body, is named in a warning, except an item cut off by the end of the page
before its title (the spec drops those; logged at debug level).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.ingest.boilerplate import normalise
from digest.ingest.dates import (
    DateEvidence,
    Stamp,
    StampLine,
    is_partial_anchor,
    parse_anchor,
    parse_dateline,
    parse_stamp_line,
)
from digest.ingest.debris import clean_paragraph, ends_sentence

log = logging.getLogger(__name__)

BULLET_RE = re.compile(r"^\s*[\u2022\u00b7\u2013*-]\s+(?P<text>\S.*)$")
"""A bullet line: ``  • Business`` or ``- Valley Times``."""

_SOURCE_MAX_CHARS = 60
_SOURCE_MAX_WORDS = 8
_NOT_SOURCE_END = ".!?;:,\u2026\"'\u201d\u2019"
HEADER_SOURCE_MAX_WORDS = 6
"""The most words of a source line standing alone above a main story's date line (the user trial,
2025-11); a longer line there is body text."""
BODY_BULLET = "- "
"""How a bulleted sentence kept in a body is written: a Markdown list marker (QA pages, 2025-11)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A story as read from the page, before its date is resolved against the capture moment."""

    title: str
    source: str | None
    evidence: DateEvidence
    paragraphs: tuple[str, ...]
    category: str | None = None
    tags: tuple[str, ...] = ()
    """The item's own tags: the middle bullets of ``• Category / • Tag / • Source``."""
    truncated: bool = False

    @classmethod
    def of(cls, title: str, source: str | None, stamp: Stamp, body: Body, *, at_page_end: bool,
           category: str | None = None, tags: tuple[str, ...] = ()) -> Draft:
        """Make the draft of a story read as a header (``stamp``) and a ``body``.

        Its date evidence is the header's stamp, a dateline opening the first paragraph
        (:func:`~digest.ingest.dates.parse_dateline`) and the body's labelled furniture stamp. It
        is ``truncated`` when it runs to the end of a cut page (``at_page_end``) and its last
        paragraph ends without a sentence's end (:func:`~digest.ingest.debris.ends_sentence`).
        The one constructor of the main story and of every item.
        """
        paragraphs = body.paragraphs
        dateline = parse_dateline(paragraphs[0]) if paragraphs else None
        return cls(title=title, source=source,
                   evidence=DateEvidence(stamp=stamp, dateline=dateline, labelled=body.labelled),
                   paragraphs=paragraphs, category=category, tags=tags,
                   truncated=at_page_end and bool(paragraphs) and not ends_sentence(paragraphs[-1]))


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """A story's body as read: its paragraphs and its first ``Updated …`` furniture stamp."""

    paragraphs: tuple[str, ...] = ()
    labelled: StampLine | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Items:
    """What :func:`parse_items` read from a region: drafts in page order and warnings."""

    drafts: tuple[Draft, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Head:
    start: int
    """Index of the header's first line (the first of the titles, or the source, or the anchor)."""
    end: int
    """Index just after the header (after the title line, or after the bullets when it has none)."""
    title: str | None
    source: str | None
    category: str | None
    tags: tuple[str, ...]
    stamp: Stamp
    date_line: str
    """The anchor line's text."""
    understood: bool
    """False when the anchor was found by structure and its words are not a date."""


def clean_title(line: str) -> str:
    """Return ``line`` whitespace-normalised, the form every title and source takes."""
    return " ".join(line.split())


def _bullet(line: str) -> str | None:
    match = BULLET_RE.match(line)
    return clean_title(match.group("text")) if match else None


def is_bullet(line: str) -> bool:
    """Return True for a bullet line (``- Valley Times``, ``  • Business``): header, never body."""
    return _bullet(line) is not None


def _source_like(line: str) -> bool:
    """A publisher name: short, few words, not a sentence, not a date line."""
    text = line.strip()
    return (0 < len(text) <= _SOURCE_MAX_CHARS and len(text.split()) <= _SOURCE_MAX_WORDS
            and text[-1] not in _NOT_SOURCE_END and parse_anchor(text) is None
            and _bullet(text) is None)


def is_header_source(line: str) -> bool:
    """Return True when ``line`` may be a source standing on its own line above a date line.

    A publisher name: at most :data:`HEADER_SOURCE_MAX_WORDS` words, no terminal punctuation, not
    only digits, not a date, stamp, bullet or debris line (``The Upland Echo`` above ``Updated 3
    hours ago``; the user trial, 2025-11). A long line or a sentence is body text
    (``../shared/pages/logo-no-source-line.txt``).
    """
    text = clean_title(line)
    return (_source_like(text) and len(text.split()) <= HEADER_SOURCE_MAX_WORDS
            and not text.replace(" ", "").isdigit() and parse_stamp_line(text) is None
            and clean_paragraph(text) == text)


def _source_and_category(candidate: str | None, bullets: list[str]
                         ) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Return ``(source, category, tags)`` from the source line above the date and the bullets.

    With two or more bullets the first is the category, the last the source, and those between
    are the item's own tags (``• Sport / • Football / • BBC``: QA pages, 2025-11). With one bullet
    that differs from the source line above the date, that bullet is the category."""
    if len(bullets) >= 2:
        return bullets[-1], bullets[0], tuple(bullets[1:-1])
    if len(bullets) == 1:
        if candidate and normalise(candidate) != normalise(bullets[0]):
            return clean_title(candidate), bullets[0], ()
        return bullets[0], None, ()
    return (clean_title(candidate) if candidate else None), None, ()


def _read_head(lines: Sequence[str], anchor: int, floor: int, has_previous: bool) -> _Head:
    """Read the header around the anchor at ``anchor``, looking no further back than ``floor``."""
    parsed = parse_anchor(lines[anchor])
    stamp = parsed or Stamp()
    end, bullets = anchor + 1, []
    while end < len(lines) and (bullet := _bullet(lines[end])) is not None:
        bullets.append(bullet)
        end += 1
    pair = None if bullets else _title_pair_above(lines, anchor, floor)
    title = None
    if pair is not None and (end >= len(lines) or normalise(lines[end]) != normalise(lines[pair])):
        title = clean_title(lines[pair])  # shape (d): the body follows the date line
    elif end < len(lines) and (parse_anchor(lines[end]) is None or _dated_title(lines, end)):
        title = clean_title(lines[end])
        end += 1
    start = anchor
    candidate = lines[anchor - 1] if anchor - 1 >= floor else None
    if candidate is not None:
        named = normalise(candidate) in {normalise(b) for b in bullets}
        keeps_body = anchor - 1 > floor or not has_previous
        # A source line always comes with bullets (shapes a, b); without them it is shape (c),
        # unless the date line was cut off and the bullets with it.
        could_be = bool(bullets) or parsed is None or pair == anchor - 2
        if named or (could_be and keeps_body and _source_like(candidate)):
            start = anchor - 1
        else:
            candidate = None
    start = _take_titles_above(lines, start, floor, title)
    source, category, tags = _source_and_category(candidate, bullets)
    understood = parsed is not None or not bullets  # bullets: a structural anchor, not a cut one
    return _Head(start, end, title, source, category, tags, stamp, lines[anchor].strip(), understood)


def _dated_title(lines: Sequence[str], at: int) -> bool:
    """True when the date line ``at``, in the title place after a date line (and its bullets), is
    the title: the line after it is a sentence, so it cannot be the title of an item of its own.

    A listing item titled ``Yesterday`` (QA pages, 2025-11) had been read as a second date line;
    ``Shore FM / an hour ago / - Shore FM / 9 minutes ago / Ferry / Moves.`` stays an item with no
    title, then ``9 minutes ago / Ferry``."""
    return at + 1 < len(lines) and ends_sentence(lines[at + 1])


def _title_pair_above(lines: Sequence[str], anchor: int, floor: int) -> int | None:
    """Index of the lower line of a ``Title / Title`` pair right above the anchor, or above a
    source line right above it (shape (d), and shape (d) with a source); else None."""
    for lower in (anchor - 1, anchor - 2):
        if lower - 1 < floor:
            return None
        repeated = normalise(lines[lower]) == normalise(lines[lower - 1]) and not is_bullet(lines[lower])
        if repeated and (lower == anchor - 1 or _source_like(lines[anchor - 1])):
            return lower
    return None


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


def _structural_anchor(lines: Sequence[str], k: int) -> bool:
    """True when line ``k`` sits between a name and the bullets repeating it: ``Name / k / - Name``
    (or ``Name / k / • Category / • Name``), so it is a date line whatever its words."""
    if k < 1 or _bullet(lines[k]) is not None or _bullet(lines[k - 1]) is not None:
        return False
    if len(lines[k].strip()) > _SOURCE_MAX_CHARS:
        return False
    name = normalise(lines[k - 1])
    end = k + 1
    while end < len(lines) and (bullet := _bullet(lines[end])) is not None:
        if normalise(bullet) == name:
            return True
        end += 1
    return False


def _anchors(lines: Sequence[str], *, reaches_end: bool) -> list[int]:
    found = [i for i, line in enumerate(lines)
             if parse_anchor(line) is not None or _structural_anchor(lines, i)]
    last = len(lines) - 1
    if reaches_end and last >= 0 and last not in found and is_partial_anchor(lines[last]):
        found.append(last)  # a date line cut off by the end of the page: an item with no title
    return found


def _heads(lines: Sequence[str], *, reaches_end: bool) -> list[_Head]:
    heads: list[_Head] = []
    floor = 0
    for anchor in _anchors(lines, reaches_end=reaches_end):
        if anchor < floor:
            log.debug("date line %r read as part of the header before it", lines[anchor])
            continue
        head = _read_head(lines, anchor, floor, bool(heads))
        heads.append(head)
        floor = head.end
    return heads


def read_body(lines: Sequence[str], whose: str, warnings: list[str], *,
              headerless: bool = False) -> Body:
    """Clean body lines into paragraphs (:func:`~digest.ingest.debris.clean_paragraph`).

    A ``<label> <stamp>`` line (``Updated 18-11-2025``) is furniture: left out, the first one kept
    as date evidence (QA pages, 2025-11). A bullet line stays as a list item of the body, written
    ``- text`` (:data:`BODY_BULLET`; QA pages, 2025-11), when the body can hold no item header
    (``headerless``: the main story's body, before the boilerplate; the user trial, 2025-11:
    ``will include:`` / ``- a training room`` lost its list), when it is a sentence (terminal
    punctuation, or more than :data:`_SOURCE_MAX_WORDS` words: no source or category is), or when
    it is one of a run of bullets right after a body line ending in ``:`` (the user trial,
    2025-11). Any other bullet line is a header the reader did not see, left out and named in
    ``warnings`` (the user trial, 2025-11).
    """
    paragraphs: list[str] = []
    labelled: StampLine | None = None
    announced = False  # inside a run of bullets after a line ending in ":"
    for paragraph in filter(None, map(clean_paragraph, lines)):
        stamp_line = parse_stamp_line(paragraph)
        bullet = _bullet(paragraph)
        if stamp_line is not None:
            log.debug("left the furniture line %r out of the body of %s", paragraph, whose)
            labelled = labelled or stamp_line
        elif bullet is None:
            paragraphs.append(paragraph)
            announced = paragraph.endswith(":")
        elif headerless or announced or is_body_bullet(paragraph):
            paragraphs.append(BODY_BULLET + bullet)
        else:
            warnings.append(f"left the bullet line {paragraph!r} out of the body of {whose}")
    return Body(paragraphs=tuple(paragraphs), labelled=labelled)


def is_body_bullet(line: str) -> bool:
    """Return True for a bullet line that is a sentence, so body text: ``• Fares are unchanged.``"""
    text = _bullet(line)
    return text is not None and (ends_sentence(text) or len(text.split()) > _SOURCE_MAX_WORDS)


def _leading(lines: Sequence[str], heads: Sequence[_Head], *, reaches_end: bool, label: str
             ) -> list[str]:
    """Warn about lines before the first item's header: an item with no date line (or, when the
    lines run to a cut page's end and no sentence is complete, an item cut off: debug only)."""
    stop = heads[0].start if heads else len(lines)
    leading = lines[:stop]
    if not leading:
        return []
    title = clean_title(leading[0])
    if reaches_end and not heads and not any(ends_sentence(line) for line in leading):
        log.debug("dropping %s %r cut off by the end of the page", label, title)
        return []
    return [f"dropped {label} {title!r}: no date line"]


def parse_items(lines: Sequence[str], *, reaches_end: bool, label: str = "item") -> Items:
    """Read the items of a region of a page.

    Args:
        lines: the region's non-blank lines, boilerplate already cut off.
        reaches_end: True when the region runs to the end of the saved page, so its last item
            may be cut off (a body without terminal punctuation is then ``truncated``, and a
            date line cut short still starts an item).
        label: what the region's items are called in warnings (``"related item"``).

    Returns drafts in page order and warnings. An item cut off by the end of the page before its
    title is dropped (debug log); any other item left out, a date line found by structure but not
    understood, and a bullet line kept out of a body give a warning. An item with a title and no
    body is returned with no paragraphs (the caller skips it).
    """
    heads = _heads(lines, reaches_end=reaches_end)
    warnings = _leading(lines, heads, reaches_end=reaches_end, label=label)
    drafts: list[Draft] = []
    for k, head in enumerate(heads):
        last = k + 1 == len(heads)
        stop = heads[k + 1].start if not last else len(lines)
        if head.title is None:
            if last and reaches_end and head.end >= len(lines):
                log.debug("dropping an item cut off before its title (source %r)", head.source)
            else:
                warnings.append(f"dropped {label} from {head.source or 'an unnamed source'}: "
                                f"no title after its date line {head.date_line!r}")
            continue
        if not head.understood:
            warnings.append(f"{label} {head.title!r}: date line {head.date_line!r} not understood; "
                            f"dated the capture day (estimated)")
        body = read_body(lines[head.end:stop], f"{label} {head.title!r}", warnings)
        drafts.append(Draft.of(head.title, head.source, head.stamp, body,
                               at_page_end=reaches_end and last, category=head.category,
                               tags=head.tags))
    return Items(drafts=tuple(drafts), warnings=tuple(warnings))
