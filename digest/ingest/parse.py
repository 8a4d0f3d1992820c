"""Read one saved Daily8 page (plain text) into stories: :func:`parse_page`.

Pure: no I/O, never raises on any text. The page is read by its structure:

* **article page**: ``logo``, the title (usually twice), a header ``<Source><DD-MM-YYYY or age>``
  (sometimes missing), the body one paragraph per line, then the boilerplate block
  (:mod:`~digest.ingest.boilerplate`), ``Related Articles`` and related items
  (:mod:`~digest.ingest.items`), and the app-download footer. A header-less page starts with the
  title. ``Further Reading`` inside the body starts a list of headlines (links, not body).
* **listing page**: ``Latest news with #Tag`` and then items only; every item is tagged ``Tag``.

Dates are resolved last, once the capture moment is known or bounded (:mod:`~digest.ingest.dates`).
Each story's ``lang`` is that of its own text, the page's boilerplate language when the text is too
short to tell (:mod:`~digest.ingest.language`). Whatever the reader leaves out is named in
``ParsedPage.warnings``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from digest.ingest.boilerplate import (
    is_boilerplate,
    is_further_reading,
    is_related_marker,
    is_truncated_boilerplate,
    normalise,
    page_language,
)
from digest.ingest.dates import (
    DateEvidence,
    Stamp,
    bound_capture,
    parse_dateline,
    resolve_date,
    split_source_stamp,
)
from digest.ingest.debris import ends_sentence, is_debris_line
from digest.ingest.items import Draft, Items, body_paragraphs, clean_title, parse_items
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
        text = tuple(page.removeprefix("\ufeff").splitlines())
        boiler = [is_boilerplate(line) for line in text]
        filled = [i for i, line in enumerate(text) if line.strip()]
        if filled and not boiler[filled[-1]]:
            before = len(filled) >= 2 and boiler[filled[-2]]
            boiler[filled[-1]] = is_truncated_boilerplate(text[filled[-1]], after_boilerplate=before)
        return cls(text, tuple(boiler))

    def filled(self, start: int, stop: int | None = None) -> list[str]:
        """Non-blank lines in ``[start, stop)``."""
        return [line for line in self.text[start:stop] if line.strip()]

    def next_boiler(self, start: int) -> int | None:
        """Index of the first boilerplate line at or after ``start``, or None."""
        return next((i for i in range(start, len(self.text)) if self.boiler[i]), None)

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
    stories = tuple(
        _story(d, resolve_date(d.evidence, capture, tz=timezone),
               lang=text_language((d.title, *d.paragraphs), fallback=page_lang), tags=layout.tags,
               related=related if d is layout.main else (), is_main=d is layout.main)
        for d in drafts if d.paragraphs)
    skipped = tuple(SkippedStory(title=d.title, reason=NO_BODY) for d in drafts if not d.paragraphs)
    warnings = layout.warnings + (() if stories else ("no articles found",))
    return ParsedPage(stories=stories, skipped=skipped, captured_at=capture.moment,
                      warnings=warnings)


def _story(draft: Draft, dated: tuple[dt.date, bool], *, lang: str | None, tags: tuple[str, ...],
           related: tuple[str, ...], is_main: bool) -> Story:
    """Make the :class:`Story` of a draft once its ``(date, date_estimated)`` is known."""
    day, estimated = dated
    return Story(title=draft.title, source=draft.source, date=day, date_estimated=estimated,
                 paragraphs=draft.paragraphs, related_titles=related, category=draft.category,
                 tags=tags, truncated=draft.truncated, lang=lang, is_main=is_main)


def _read_layout(lines: _Lines) -> _Layout:
    """Decide the page's layout from its first content line, and read it."""
    first = lines.first_content()
    if first is None:
        return _Layout()
    heading = LISTING_RE.match(lines.text[first].strip())
    if heading:
        listing = _read_region(lines, first + 1, label="listing item")
        return _Layout(items=listing.drafts, tags=(heading.group("tag"),), warnings=listing.warnings)
    return _read_article(lines, first)


def _read_region(lines: _Lines, start: int, *, label: str) -> Items:
    """Read the items from ``start`` up to the next boilerplate line (or the end of the page)."""
    while start < len(lines.text) and (lines.boiler[start] or not lines.text[start].strip()):
        start += 1
    stop = lines.next_boiler(start)
    return parse_items(lines.filled(start, stop), reaches_end=stop is None, label=label)


def _read_article(lines: _Lines, title_at: int) -> _Layout:
    """Read an article page whose title is line ``title_at``."""
    marker = next((i for i in range(title_at, len(lines.text))
                   if lines.boiler[i] and is_related_marker(lines.text[i])), None)
    related = _read_region(lines, marker + 1, label="related item") if marker is not None else Items()
    items = related.drafts
    if lines.boiler[title_at]:
        return _Layout(items=items, warnings=related.warnings)
    end = next((i for i in range(title_at + 1, len(lines.text))
                if lines.boiler[i] or is_further_reading(lines.text[i])), None)
    further: tuple[str, ...] = ()
    if end is not None and not lines.boiler[end]:
        further = tuple(clean_title(t) for t in lines.filled(end + 1, lines.next_boiler(end)))
    main_warnings: list[str] = []
    main = _read_main(lines.text[title_at], lines.filled(title_at + 1, end), main_warnings,
                      at_page_end=end is None)
    return _Layout(main=main, items=items, further=further,
                   warnings=(*main_warnings, *related.warnings))


def _read_main(title_line: str, rest: Sequence[str], warnings: list[str], *,
               at_page_end: bool) -> Draft:
    """Read the main story: the title repeated, the optional ``<Source><Date>`` header, the body.

    A bullet line left out of the body is named in ``warnings``."""
    title = clean_title(title_line)
    rest = list(rest)
    while rest and normalise(rest[0]) == normalise(title):
        rest.pop(0)
    source, stamp = None, Stamp()
    header = split_source_stamp(rest[0]) if rest else None
    if header is not None:
        (source, stamp), rest = header, rest[1:]
    paragraphs = body_paragraphs(rest, "the main story", warnings)
    dateline = parse_dateline(paragraphs[0]) if paragraphs else None
    return Draft(title=title, source=source, evidence=DateEvidence(stamp=stamp, dateline=dateline),
                 paragraphs=paragraphs,
                 truncated=at_page_end and bool(paragraphs) and not ends_sentence(paragraphs[-1]))


def _related_titles(layout: _Layout) -> tuple[str, ...]:
    """The main story's links: its related items in page order, those it names under
    ``Further Reading`` first (they stand higher on the page). Items without a body, and the
    main story itself, are left out."""
    if layout.main is None:
        return ()
    present = {normalise(d.title): d.title for d in layout.items if d.paragraphs}
    present.pop(normalise(layout.main.title), None)
    ordered = [present[k] for k in map(normalise, layout.further) if k in present]
    missing = [t for t in layout.further if normalise(t) not in present]
    if missing:
        log.debug("Further Reading names stories not on this page: %s", missing)
    ordered += present.values()
    return tuple(dict.fromkeys(ordered))
