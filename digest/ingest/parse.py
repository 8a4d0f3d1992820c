"""Read one saved Daily8 page (plain text) into stories: :func:`parse_page`.

Pure: no I/O, never raises on any text. The page is read by its structure:

* **article page**: ``logo``, the title (usually twice), a header ``<Source><DD-MM-YYYY or age>``
  (sometimes missing, sometimes on two lines: ``<Source>`` / ``<age>`` or ``<Source>`` /
  ``Updated <stamp>``; an ``Updated <stamp>`` line alone is furniture, not a header), the body one
  paragraph per line (a bullet line is a list item), then the boilerplate block
  (:mod:`~digest.ingest.boilerplate`), ``Related Articles`` and related items
  (:mod:`~digest.ingest.items`), and the app-download footer. A header-less page starts with the
  title. ``Further Reading`` inside the body starts a list of headlines (links, not body).
* **listing page**: ``Latest news with #Tag`` and then items only; every item is tagged ``Tag``.

Dates are resolved last, once the capture moment is known or bounded (:mod:`~digest.ingest.dates`).
Each story's ``lang`` is that of its own text, the page's boilerplate language when the text is too
short to tell (:mod:`~digest.ingest.language`). A story's tags are the listing's tag and its own
(the middle bullets of its header). Whatever the reader leaves out is named in
``ParsedPage.warnings``, except page furniture (debris, credits, ``Updated`` lines: debug log).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.ingest.boilerplate import (
    is_ambiguous_boilerplate,
    is_boilerplate,
    is_further_reading,
    is_related_marker,
    is_truncated_boilerplate,
    normalise,
    page_language,
)
from digest.ingest.dates import (
    Stamp,
    bound_capture,
    parse_anchor,
    parse_stamp_line,
    resolve_date,
    split_source_stamp,
)
from digest.ingest.debris import is_debris_line
from digest.ingest.items import (
    Draft,
    Items,
    clean_title,
    is_header_source,
    parse_items,
    read_body,
)
from digest.ingest.language import text_language
from digest.model import ParsedPage, SkippedStory, Story

log = logging.getLogger(__name__)

LISTING_RE = re.compile(r"^latest news with\s*#\s*(?P<tag>\S.*?)\s*$", re.IGNORECASE)
"""The heading of a listing page: ``Latest news with #Tag``."""

NO_BODY = "no body text"
""":class:`SkippedStory` reason for a story that has a title and nothing else."""


@dataclass(frozen=True, slots=True)
class _Lines:
    """A page as lines, with the boilerplate lines marked."""

    text: tuple[str, ...]
    boiler: tuple[bool, ...]

    @classmethod
    def of(cls, page: str) -> _Lines:
        """Split ``page`` into lines and mark its boilerplate: whole boilerplate lines, a cut-off
        last line that starts one, but not a lone ambiguous line (``Comments`` with no boilerplate
        line next to it is body text: QA pages, 2025-11)."""
        text = tuple(page.removeprefix("\ufeff").splitlines())
        boiler = [is_boilerplate(line) for line in text]
        filled = [i for i, line in enumerate(text) if line.strip()]
        if filled and not boiler[filled[-1]]:
            before = len(filled) >= 2 and boiler[filled[-2]]
            boiler[filled[-1]] = is_truncated_boilerplate(text[filled[-1]], after_boilerplate=before)
        lone = [i for k, i in enumerate(filled) if boiler[i] and is_ambiguous_boilerplate(text[i])
                and not any(boiler[filled[j]] for j in (k - 1, k + 1) if 0 <= j < len(filled))]
        for i in lone:
            boiler[i] = False
        return cls(text, tuple(boiler))

    def filled(self, start: int, stop: int | None = None) -> list[str]:
        """Non-blank lines in ``[start, stop)``."""
        return [line for line in self.text[start:stop] if line.strip()]

    def next_boiler(self, start: int) -> int | None:
        """Index of the first boilerplate line at or after ``start``, or None."""
        return next((i for i in range(start, len(self.text)) if self.boiler[i]), None)

    def left_out(self, read: Sequence[range]) -> tuple[str, ...]:
        """A warning naming the lines outside every ``read`` span that are neither blank,
        boilerplate nor debris (text after the boilerplate that no region took), else ()."""
        taken = {i for span in read for i in span}
        lost = [line.strip() for i, line in enumerate(self.text) if i not in taken
                and line.strip() and not self.boiler[i] and not is_debris_line(line)]
        if not lost:
            return ()
        return (f"left out {len(lost)} line(s) outside every story, after the boilerplate: "
                f"{lost[0]!r}",)

    def first_content(self) -> int | None:
        """Index of the first line that is neither blank nor ``logo`` / ``#`` furniture."""
        return next((i for i, line in enumerate(self.text)
                     if line.strip() and not is_debris_line(line)), None)


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the structural pass found, before dates are resolved."""

    main: Draft | None = None
    items: tuple[Draft, ...] = ()
    further: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def drafts(self) -> list[Draft]:
        """Every story draft in page order, main story first."""
        return ([self.main] if self.main else []) + list(self.items)


def parse_page(text: str, *, captured_at: dt.datetime | None = None,
               fallback_captured_at: dt.datetime | None = None,
               timezone: dt.tzinfo = dt.UTC) -> ParsedPage:
    """Parse the text of one saved page into its stories.

    Args:
        text: the decoded page (LF line endings; a leading BOM is ignored).
        captured_at: when the page was saved, if known (naive means UTC); ages count back from it.
        fallback_captured_at: used when ``captured_at`` is None and the page itself offers no
            evidence of its capture moment (the caller passes the file's mtime).
        timezone: the site timezone; dates are calendar dates there.

    Returns:
        A :class:`ParsedPage`: stories in page order (main story first, ``is_main``), stories
        named but skipped (title and no body), the capture moment used, and warnings. A page
        with no stories has the warning ``"no articles found"``. Never raises.
    """
    lines = _Lines.of(text)
    layout = _read_layout(lines)
    drafts = layout.drafts
    capture = bound_capture([d.evidence for d in drafts], captured_at=captured_at,
                            fallback=fallback_captured_at, tz=timezone)
    page_lang = page_language(lines.text)
    related = _related_titles(layout)
    further = _further_elsewhere(layout)
    stories = tuple(
        _story(d, resolve_date(d.evidence, capture, tz=timezone),
               lang=text_language((d.title, *d.paragraphs), fallback=page_lang),
               tags=tuple(dict.fromkeys((*layout.tags, *d.tags))),
               related=related if d is layout.main else (),
               further=further if d is layout.main else (), is_main=d is layout.main)
        for d in drafts if d.paragraphs)
    skipped = tuple(SkippedStory(title=d.title, reason=NO_BODY) for d in drafts if not d.paragraphs)
    warnings = layout.warnings + (() if stories else ("no articles found",))
    return ParsedPage(stories=stories, skipped=skipped, captured_at=capture.moment,
                      warnings=warnings)


def _story(draft: Draft, dated: tuple[dt.date, bool], *, lang: str | None, tags: tuple[str, ...],
           related: tuple[str, ...], further: tuple[str, ...], is_main: bool) -> Story:
    """Make the :class:`Story` of a draft once its ``(date, date_estimated)`` is known."""
    day, estimated = dated
    return Story(title=draft.title, source=draft.source, date=day, date_estimated=estimated,
                 paragraphs=draft.paragraphs, related_titles=related, further_reading=further,
                 category=draft.category,
                 tags=tags, truncated=draft.truncated, lang=lang, is_main=is_main)


def _read_layout(lines: _Lines) -> _Layout:
    """Decide the page's layout from its first content line, and read it."""
    first = lines.first_content()
    if first is None:
        return _Layout()
    heading = LISTING_RE.match(lines.text[first].strip())
    if heading:
        span = _region(lines, first + 1)
        listing = _read_region(lines, span, label="listing item")
        return _Layout(items=listing.drafts, tags=(heading.group("tag"),),
                       warnings=listing.warnings + lines.left_out([range(first + 1), span]))
    return _read_article(lines, first)


def _region(lines: _Lines, start: int) -> range:
    """The lines from ``start`` (past boilerplate and blank lines) up to the next boilerplate
    line, or the end of the page."""
    while start < len(lines.text) and (lines.boiler[start] or not lines.text[start].strip()):
        start += 1
    stop = lines.next_boiler(start)
    return range(start, len(lines.text) if stop is None else stop)


def _read_region(lines: _Lines, span: range, *, label: str) -> Items:
    """Read the items of the lines in ``span`` (a :func:`_region`)."""
    return parse_items(lines.filled(span.start, span.stop), reaches_end=span.stop == len(lines.text),
                       label=label)


def _read_article(lines: _Lines, title_at: int) -> _Layout:
    """Read an article page whose title is line ``title_at``."""
    marker = next((i for i in range(title_at, len(lines.text))
                   if lines.boiler[i] and is_related_marker(lines.text[i])), None)
    read = [range(title_at)]
    related = Items()
    if marker is not None:
        read.append(span := _region(lines, marker + 1))
        related = _read_region(lines, span, label="related item")
    items = related.drafts
    if lines.boiler[title_at]:
        return _Layout(items=items, warnings=related.warnings + lines.left_out(read))
    end = next((i for i in range(title_at + 1, len(lines.text))
                if lines.boiler[i] or is_further_reading(lines.text[i])), None)
    read.append(range(title_at, len(lines.text) if end is None else end))
    further: tuple[str, ...] = ()
    if end is not None and not lines.boiler[end]:
        stop = lines.next_boiler(end)
        read.append(range(end, len(lines.text) if stop is None else stop))
        further = tuple(clean_title(t) for t in lines.filled(end + 1, stop))
    main_warnings: list[str] = []
    main = _read_main(lines.text[title_at], lines.filled(title_at + 1, end), main_warnings,
                      at_page_end=end is None)
    return _Layout(main=main, items=items, further=further,
                   warnings=(*main_warnings, *related.warnings, *lines.left_out(read)))


def _read_main(title_line: str, rest: Sequence[str], warnings: list[str], *,
               at_page_end: bool) -> Draft:
    """Read the main story: the title repeated, the optional header, the body.

    The header is ``<Source><Date>`` on one line, or (:func:`_split_header`) a source line above a
    date line or a labelled stamp line. A line that is only a label and a stamp (``Updated 13
    hours ago``) is never the header: it is furniture, and dates the story only when nothing else
    does (QA pages, 2025-11). The body holds no item header, so every bullet line in it is a list
    item (:func:`~digest.ingest.items.read_body`, ``headerless``; the user trial, 2025-11)."""
    title = clean_title(title_line)
    rest = list(rest)
    repeated = False
    while rest and normalise(rest[0]) == normalise(title):
        rest.pop(0)
        repeated = True
    source, stamp = None, Stamp()
    header = split_source_stamp(rest[0]) if rest else None
    if header is not None:
        (source, stamp), rest = header, rest[1:]
    elif repeated:
        source, stamp, rest = _split_header(rest)
    body = read_body(rest, "the main story", warnings, headerless=True)
    return Draft.of(title, source, stamp, body, at_page_end=at_page_end)


def _split_header(rest: list[str]) -> tuple[str | None, Stamp, list[str]]:
    """Read a header on two lines after the repeated title: ``<Source>`` then a date line
    (``3 hours ago``, ``time18-11-2025``) or a labelled stamp line (``Updated 3 hours ago``).

    The source is a short line that is no sentence (:func:`~digest.ingest.items.is_header_source`);
    a date line is the header's stamp, a labelled stamp line stays for the body reader, which
    dates the story by its label (the user trial, 2025-11: ``The Upland Echo`` / ``Updated 3 hours
    ago`` had given no source and a first paragraph ``The Upland Echo``). Returns ``(source,
    stamp, rest of the lines)``; ``(None, Stamp(), rest)`` when there is no such header."""
    if len(rest) < 2 or not is_header_source(rest[0]):
        return None, Stamp(), rest
    source = clean_title(rest[0])
    anchor = parse_anchor(rest[1])
    if anchor is not None:
        return source, anchor, rest[2:]
    if parse_stamp_line(rest[1]) is not None:
        return source, Stamp(), rest[1:]
    return None, Stamp(), rest


def _related_titles(layout: _Layout) -> tuple[str, ...]:
    """The main story's links: its related items in page order, those it names under
    ``Further Reading`` first (they stand higher on the page). Items without a body, and the
    main story itself, are left out."""
    if layout.main is None:
        return ()
    present = {normalise(d.title): d.title for d in layout.items if d.paragraphs}
    present.pop(normalise(layout.main.title), None)
    ordered = [present[k] for k in map(normalise, layout.further) if k in present]
    ordered += present.values()
    return tuple(dict.fromkeys(ordered))


def _further_elsewhere(layout: _Layout) -> tuple[str, ...]:
    """The ``Further Reading`` headlines that are not stories of this page (nor the main story):
    links to stories saved elsewhere, resolved by title when the site is built."""
    if layout.main is None:
        return ()
    here = {normalise(d.title) for d in layout.drafts if d.paragraphs}
    return tuple(dict.fromkeys(t for t in layout.further if normalise(t) not in here))
