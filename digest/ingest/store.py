"""Ingest at the edges: read page files, parse them, and write articles into ``content/``.

The rules kept here (from the ingest issue):

* One file per article at ``content/YYYY/MM/<slug>.md`` (see :func:`digest.content.article_path`).
* The same story (same title and source, case and spacing ignored) seen twice, in one page or
  several, is one article: the fuller body wins; ``related``, ``origin`` and ``tags`` are merged.
* Ingesting the same page again changes nothing.
* A content file edited by hand (its text differs from what ingest last wrote, or ingest never
  wrote it) is never overwritten; the report says so.
* Slugs come from python-slugify (non-Latin titles transliterate); a clash between different stories
  gives the later one a stable suffix from a hash of its title and source.

The content store and its state file are :mod:`digest.ingest.state`; sidecar files are
:mod:`digest.ingest.sidecar`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path

from slugify import slugify

from digest.config import Config, site_timezone
from digest.content import article_path, content_lock, markdown_paragraph
from digest.errors import PageError
from digest.files import visible_files
from digest.ingest.decode import decode_page
from digest.ingest.items import BODY_BULLET
from digest.ingest.parse import parse_page
from digest.ingest.sidecar import Sidecar, read_sidecar
from digest.ingest.state import ContentStore, data_hash, story_key
from digest.model import Article, ParsedPage, Story

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".txt",)
"""File kinds picked up when a folder is ingested (explicitly named files are always read)."""
SLUG_MAX_LENGTH = 80
NO_ARTICLES = "no articles found"
FILE_TIME_NOTE = ("ages like '2 hours ago' were counted from the file's modification time; give "
                  "--captured-at or a sidecar (NAME.meta.yaml with captured_at:) if that is not when "
                  "the page was saved")
KEPT_EDIT_HINT = "the saved page has other text now; delete the file to take it, or merge by hand"
SLUG_REPLACEMENTS = [["£", ""], ["€", ""], ["$", ""], ["¥", ""]]
"""Applied before python-slugify, which would spell ``£1m`` as ``ps1m``."""


@dataclass(slots=True, kw_only=True)
class PageReport:
    """What ingesting one page did."""

    path: Path
    found: int = 0
    """Articles the page holds."""
    written: list[str] = field(default_factory=list)
    """Slugs of the articles whose file was created or changed."""
    kept_edits: list[Path] = field(default_factory=list)
    """Files left alone because they were edited by hand."""
    skipped: list[str] = field(default_factory=list)
    """``"title: reason"`` for each story the page names but that is not an article."""
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    """Why the page was rejected (binary, unreadable), or None."""

    def summary(self) -> str:
        """Return one line for the CLI, e.g. ``pages/a.txt: 4 articles (2 written)``."""
        if self.error:
            return f"{self.path}: rejected: {self.error}"
        found = (f"{self.found} article{'s' if self.found != 1 else ''} ({len(self.written)} written)"
                 if self.found else NO_ARTICLES)
        parts = [f"{self.path}: {found}"]
        parts += [f"skipped {s}" for s in self.skipped]
        parts += [f"kept hand edit in {p} ({KEPT_EDIT_HINT})" for p in self.kept_edits]
        parts += [w for w in self.warnings if w != NO_ARTICLES]
        return "; ".join(parts)


@dataclass(slots=True, kw_only=True)
class IngestReport:
    """What one ingest run did, page by page."""

    pages: list[PageReport] = field(default_factory=list)
    content_errors: list[str] = field(default_factory=list)
    """Existing content files that could not be read (left alone)."""

    @property
    def ok(self) -> bool:
        """True when every page was read (none rejected)."""
        return not any(p.error for p in self.pages)

    @property
    def warnings(self) -> list[str]:
        """Every problem worth a look: rejected pages, page warnings, kept edits, bad content files."""
        out = [f"{p.path}: {p.error}" for p in self.pages if p.error]
        out += [f"{p.path}: {w}" for p in self.pages for w in p.warnings]
        out += [f"{k}: edited by hand, not overwritten ({KEPT_EDIT_HINT})"
                for p in self.pages for k in p.kept_edits]
        return out + self.content_errors

    def summary(self) -> str:
        """Return the closing line for the CLI."""
        found = sum(p.found for p in self.pages)
        written = len({s for p in self.pages for s in p.written})
        rejected = sum(1 for p in self.pages if p.error)
        return (f"ingested {len(self.pages)} page(s): {found} article(s) found, {written} file(s) "
                f"written, {rejected} page(s) rejected")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageInput:
    """One page to ingest: where it is and the name recorded in articles' ``origin``."""

    path: Path
    origin: str


# --- finding pages --------------------------------------------------------------------------------

def find_pages(paths: Iterable[Path]) -> list[PageInput]:
    """Expand files and folders (recursively) into the pages to read, in a stable order.

    A named file is always read; inside folders only ``*.txt`` files that are not hidden are.
    ``origin`` is the path relative to the named folder (the file name for a named file).
    """
    pages: list[PageInput] = []
    for path in paths:
        if path.is_dir():
            pages += [PageInput(path=p, origin=p.relative_to(path).as_posix())
                      for p in visible_files(path, suffixes=PAGE_SUFFIXES)]
        else:
            pages.append(PageInput(path=path, origin=path.name))
    return pages


# --- stories -> articles --------------------------------------------------------------------------

def make_slug(title: str, key: tuple[str, str],
              owner_of: Callable[[str], tuple[str, str] | None]) -> str:
    """Return a URL-safe, non-empty slug for a new story that no other story holds.

    The base slug is python-slugify's (transliterating non-Latin scripts). A clash with a different
    story (``owner_of`` names the story holding a slug, or None) adds ``-<6 hex>`` from a hash of
    this story's key, so the result does not depend on the order stories are read in; a title
    with no letters or digits at all (``🎄🎄🎄``) gets ``story-<6 hex>``.
    """
    base = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True,
                   replacements=SLUG_REPLACEMENTS)
    digest_hex = hashlib.sha1("|".join(key).encode()).hexdigest()
    stem = base or "story"
    candidates = ([base] if base else []) + [f"{stem}-{digest_hex[:6]}", f"{stem}-{digest_hex}"]
    for candidate in candidates:
        if owner_of(candidate) in (None, key):
            return candidate
    raise AssertionError(f"two stories share the SHA-1 {digest_hex}")  # pragma: no cover


def merge_articles(old: Article, new: Article) -> Article:
    """Merge two sightings of one story: the fuller body wins; links, origins and tags are unioned.

    The slug of ``old`` is kept. A date read from a page beats an estimated one, and a known
    source beats none.
    """
    fuller = new if len(new.body) > len(old.body) else old
    dated = old if not old.date_estimated or new.date_estimated else new
    return replace(
        fuller,
        slug=old.slug,
        date=dated.date,
        date_estimated=dated.date_estimated,
        related=_union(old.related, new.related),
        origin=tuple(sorted(set(old.origin) | set(new.origin))),
        tags=_union(old.tags, new.tags),
        further_reading=_union(old.further_reading, new.further_reading),
        category=fuller.category or old.category or new.category,
        source=old.source or new.source,
        url=fuller.url or old.url or new.url,
        captured_at=old.captured_at or new.captured_at,
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(first + second))


def markdown_body(paragraphs: Iterable[str]) -> str:
    """Return a story's paragraphs as a Markdown body: blocks separated by blank lines.

    Each paragraph renders back as its own text (:func:`digest.content.markdown_paragraph`),
    except lists: a run of bullet paragraphs (``- text``, as the parser gives list lines of a
    body) becomes one bullet list, and a run of two or more numbered ones (``1. text``) one
    ordered list.
    """
    blocks: list[str] = []
    for kind, run in groupby(paragraphs, key=_list_kind):
        items = list(run)
        if kind == "bullet":
            blocks.append("\n".join(BODY_BULLET + markdown_paragraph(i[len(BODY_BULLET):]) for i in items))
        elif kind == "number" and len(items) > 1:
            blocks.append("\n".join(_numbered_item(i) for i in items))
        else:
            blocks += map(markdown_paragraph, items)
    return "\n\n".join(blocks)


_NUMBERED = re.compile(r"^(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)$")
"""A numbered list line of a body, ``1. First buses leave at 5.30am.``."""


def _list_kind(paragraph: str) -> str:
    if paragraph.startswith(BODY_BULLET):
        return "bullet"
    return "number" if _NUMBERED.match(paragraph) else "text"


def _numbered_item(paragraph: str) -> str:
    match = _NUMBERED.match(paragraph)
    assert match is not None
    return f"{match['number']}. {markdown_paragraph(match['text'])}"


def _article(story: Story, slug: str, origin: str, parsed: ParsedPage, url: str | None) -> Article:
    return Article(
        title=story.title, source=story.source, date=story.date, slug=slug,
        body=markdown_body(story.paragraphs),
        date_estimated=story.date_estimated,
        origin=(origin,), category=story.category, tags=story.tags,
        further_reading=story.further_reading,
        captured_at=parsed.captured_at, url=url if story.is_main else None,
        lang=story.lang, truncated=story.truncated,
    )


# --- one page -------------------------------------------------------------------------------------

def read_page(page: PageInput, captured_at: dt.datetime | None,
              timezone: dt.tzinfo) -> tuple[ParsedPage, Sidecar, bytes]:
    """Read, decode and parse one page file.

    Capture time, first found: ``captured_at`` (the ``--captured-at`` option), the sidecar, evidence
    in the page (the parser's job), the file's modification time.

    Raises:
        PageError: unreadable file, binary data, or a bad sidecar.
    """
    try:
        data = page.path.read_bytes()
    except OSError as e:
        raise PageError(f"cannot read page: {e.strerror}", path=page.path) from e
    text = decode_page(data, page.path)
    sidecar = read_sidecar(page.path)
    mtime = dt.datetime.fromtimestamp(page.path.stat().st_mtime, tz=dt.UTC)
    parsed = parse_page(text, captured_at=captured_at or sidecar.captured_at,
                        fallback_captured_at=mtime, timezone=timezone)
    if parsed.captured_at == mtime and any(s.date_estimated for s in parsed.stories):
        parsed = replace(parsed, warnings=(*parsed.warnings, FILE_TIME_NOTE))
    if sidecar.source:
        parsed = replace(parsed, stories=tuple(
            replace(s, source=s.source or sidecar.source) if s.is_main else s
            for s in parsed.stories))
    return parsed, sidecar, data


def ingest_page(page: PageInput, store: ContentStore, *, captured_at: dt.datetime | None,
                timezone: dt.tzinfo) -> PageReport:
    """Ingest one page into ``store``; a bad page gives a report with ``error`` set, never raises."""
    report = PageReport(path=page.path)
    try:
        parsed, sidecar, data = read_page(page, captured_at, timezone)
    except PageError as e:
        report.error = e.message
        return report
    except Exception as e:  # a parser bug on one page must not stop the other pages
        log.exception("%s: the parser failed on this page", page.path)
        report.error = f"digest could not parse this page ({type(e).__name__}: {e}); please report it"
        return report
    report.found = len(parsed.stories)
    report.skipped = [f"{s.title!r}: {s.reason}" for s in parsed.skipped]
    report.warnings = list(parsed.warnings)
    if not parsed.stories and NO_ARTICLES not in report.warnings:
        report.warnings.append(NO_ARTICLES)
    keys = [store.find(s.title, s.source) or story_key(s.title, s.source) for s in parsed.stories]
    slugs = _assign_slugs(zip(parsed.stories, keys, strict=True), store)
    by_title = {s.title: slugs[key] for s, key in zip(parsed.stories, keys, strict=True)}
    for story, key in zip(parsed.stories, keys, strict=True):
        linked = (by_title[t] for t in story.related_titles if t in by_title)
        related = tuple(dict.fromkeys(slug for slug in linked if slug != slugs[key]))
        article = replace(_article(story, slugs[key], page.origin, parsed, sidecar.url),
                          related=related)
        _store_article(article, key, store, report)
    store.page_hashes[page.origin] = data_hash(data)
    return report


def _assign_slugs(stories: Iterable[tuple[Story, tuple[str, str]]],
                  store: ContentStore) -> dict[tuple[str, str], str]:
    """Return the slug of every ``(story, key)``: the stored article's, else a new unique one."""
    slugs: dict[tuple[str, str], str] = {}
    page_owners: dict[str, tuple[str, str]] = {}
    for story, key in stories:
        if key in slugs:
            continue
        if key in store.articles:
            slugs[key] = store.articles[key][1].slug
        else:
            slugs[key] = make_slug(story.title, key,
                                   lambda slug: page_owners.get(slug) or store.slug_owner(slug))
        page_owners[slugs[key]] = key
    return slugs


def _store_article(article: Article, key: tuple[str, str], store: ContentStore,
                   report: PageReport) -> None:
    """Merge ``article`` into the store and write it unless nothing changed or it was hand-edited."""
    old_path, old = store.articles.get(key, (None, None))
    merged = article if old is None else merge_articles(old, article)
    if merged == old:
        return
    target = store.root / article_path(merged)
    for path in {p for p in (old_path, target) if p is not None}:
        if store.is_hand_edited(path):
            report.kept_edits.append(path)
            return
    store.write(merged, old_path, also=key)
    report.written.append(merged.slug)


# --- entry points ---------------------------------------------------------------------------------

def ingest_paths(paths: Iterable[Path], content_dir: Path, *,
                 captured_at: dt.datetime | None = None, timezone: dt.tzinfo = dt.UTC,
                 on_page: Callable[[PageReport], None] | None = None) -> IngestReport:
    """Ingest page files and folders into ``content_dir``.

    Args:
        paths: page files, or folders read recursively (``*.txt``).
        content_dir: the content folder (created when missing).
        captured_at: when the pages were saved (aware datetime), for relative ages.
        timezone: the site's timezone; calendar dates are taken in it.
        on_page: called with each page's report as soon as it is done (for progress output).

    Returns:
        The run's :class:`IngestReport`; rejected pages are in it, never raised.
    """
    with content_lock(content_dir):
        return _ingest(find_pages(paths), ContentStore.open(content_dir), captured_at=captured_at,
                       timezone=timezone, on_page=on_page)


def _ingest(pages: list[PageInput], store: ContentStore, *, captured_at: dt.datetime | None,
            timezone: dt.tzinfo, on_page: Callable[[PageReport], None] | None) -> IngestReport:
    report = IngestReport(content_errors=list(store.errors))
    for page in pages:
        page_report = ingest_page(page, store, captured_at=captured_at, timezone=timezone)
        report.pages.append(page_report)
        if on_page:
            on_page(page_report)
    store.root.mkdir(parents=True, exist_ok=True)
    store.save_state()
    return report


def ingest_new_pages(config: Config, *, refresh: bool = False,
                     on_page: Callable[[PageReport], None] | None = None) -> IngestReport:
    """Ingest the pages of ``config.input_dir`` that are new or changed since they were last read.

    With ``refresh``, every page is read again and the articles ingest wrote from them alone are
    written afresh (after an upgrade of digest's parser); hand-edited files are kept.
    Returns an empty report (and reads no content) when nothing changed, so a no-change rebuild
    stays fast.
    """
    input_dir, content_dir = config.path(config.input_dir), config.path(config.content_dir)
    if not input_dir.is_dir():
        return IngestReport()
    store = ContentStore.open(content_dir, load_articles=False)
    pages = [p for p in find_pages([input_dir])
             if refresh or store.page_hashes.get(p.origin) != _page_hash(p.path)]
    if not pages:
        return IngestReport()
    with content_lock(content_dir):
        store = ContentStore.open(content_dir)
        released = store.release({p.origin for p in pages}) if refresh else []
        pages = [p for p in pages if store.page_hashes.get(p.origin) != _page_hash(p.path)]
        report = _ingest(pages, store, captured_at=None, timezone=site_timezone(config),
                         on_page=on_page)
        if refresh:
            stale = store.remove_unwritten(released)
            log.info("--refresh: read %d page(s) again; %d article file(s) no page gives any more "
                     "were removed", len(pages), len(stale))
            store.save_state()
        return report


def _page_hash(path: Path) -> str | None:
    try:
        return data_hash(path.read_bytes())
    except OSError:
        return None

