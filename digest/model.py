"""The records that flow through digest: stories read from pages, and articles in ``content/``.

Standard library only; every record is a frozen, slotted, keyword-only dataclass.
Change one with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """One story as read from an input page, before it has a slug or a file.

    Produced by :func:`digest.ingest.parse.parse_page`, a pure function of the page text.
    """

    title: str
    """Headline, whitespace-normalised; never empty."""
    source: str | None
    """Publisher name as the page gives it (``"The Guardian"``), or None when the page does not say."""
    date: dt.date
    """Calendar date of publication in the site's timezone."""
    date_estimated: bool = False
    """True when ``date`` was derived from the capture time (a relative age), not read from the page."""
    paragraphs: tuple[str, ...] = ()
    """Cleaned body paragraphs, boilerplate and debris removed."""
    related_titles: tuple[str, ...] = ()
    """Titles of the stories the page links this one to, in page order."""
    further_reading: tuple[str, ...] = ()
    """Headlines the page lists under ``Further Reading`` that are not stories of the page itself;
    the build links them when the site has a story of that title."""
    category: str | None = None
    """Listing-page category bullet (``"Business"``), when given."""
    tags: tuple[str, ...] = ()
    """Tags from a listing page header (``Latest news with #Tag`` gives ``("Tag",)``)."""
    truncated: bool = False
    """True when the saved page was cut off inside this story's body."""
    lang: str | None = None
    """BCP 47 language code when the page says or shows it (``"fr"``), else None."""
    is_main: bool = False
    """True for the page's main story (the one the page is about)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SkippedStory:
    """A story a page names that does not become an article, and why."""

    title: str
    """The story's headline as the page gives it."""
    reason: str
    """Why it is not an article (``"no body text"``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedPage:
    """What :func:`digest.ingest.parse.parse_page` returns for one page."""

    stories: tuple[Story, ...]
    """Stories in page order, main story first."""
    skipped: tuple[SkippedStory, ...] = ()
    captured_at: dt.datetime | None = None
    """Capture moment used to resolve relative ages (timezone-aware), or None when none was needed."""
    warnings: tuple[str, ...] = ()
    """Human-readable notes about the page (e.g. ``"no articles found"``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One article: the record behind one ``content/**/*.md`` file and one site page."""

    title: str
    """Headline; never empty."""
    source: str | None
    """Publisher name (``"The Guardian"``); None when no page said (shown as "Unknown source")."""
    date: dt.date
    """Calendar date of publication in the site's timezone."""
    slug: str
    """URL-safe, non-empty, unique across the site; the permalink is ``/YYYY/MM/DD/<slug>/``."""
    body: str
    """Markdown body (paragraphs separated by blank lines)."""
    date_estimated: bool = False
    """True when ``date`` was worked out from the capture time (``2 hours ago``), not read."""
    related: tuple[str, ...] = ()
    """Slugs of the stories the input page linked this one to, in page order."""
    origin: tuple[str, ...] = ()
    """Names of the input pages this article was read from, sorted."""
    further_reading: tuple[str, ...] = ()
    """Headlines its page named under ``Further Reading`` but did not hold; linked at build time to
    the site's story of that title, if there is exactly one."""
    category: str | None = None
    """Category bullet of a listing page (``"Business"``): a taxonomy, ``/categories/<slug>/``."""
    tags: tuple[str, ...] = ()
    """Tags (``#Tag`` of a listing page): a taxonomy, ``/tags/<slug>/``."""
    captured_at: dt.datetime | None = None
    """When the page it came from was saved (timezone-aware), when known."""
    url: str | None = None
    """Web address of the original story (from a page's sidecar), when known."""
    lang: str | None = None
    """BCP 47 language of the text (``"fr"``), when known; the site's language otherwise."""
    truncated: bool = False
    """True when the saved page was cut off inside the body (the site shows a notice)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputFile:
    """One file of the built site, planned in memory before anything is written."""

    path: PurePosixPath
    """Path relative to the output folder (``2025/05/08/slug/index.html``); never absolute."""
    data: bytes
    """The file's exact bytes."""
    source: str = ""
    """What produced it (a content file, a template, a static file), named in collision errors."""
