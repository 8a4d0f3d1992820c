"""YAML front matter: read ``content/**/*.md`` into :class:`Article` records and write them back.

File format (Hugo/Jekyll style)::

    ---
    title: ...
    date: 2025-05-08
    ...
    ---
    Body paragraphs as Markdown, separated by blank lines.

Writing is deterministic: keys in a fixed order, YAML from a serializer, same article -> same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from filelock import FileLock, Timeout

from digest.errors import ContentError, IngestBusy
from digest.files import visible_files
from digest.model import Article

try:  # libyaml's C loader/dumper are ~8x faster; fall back to pure Python.
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

FENCE = "---"
INGEST_STATE_NAME = ".digest-state.json"
"""Ingest's record in ``content/``: hashes of the files it wrote and the pages it read."""
INGEST_LOCK_NAME = ".digest-ingest.lock"
"""Lock file in ``content/`` held while one ingest writes there (see :func:`content_lock`)."""
LOCK_TIMEOUT = 60.0
"""Seconds to wait for another digest process to finish with ``content/``."""
_REQUIRED = ("title", "date")
_SLUG = re.compile(r"[\w-][\w.-]*")
"""A slug is one URL segment and folder name: word characters (Unicode letters, digits, ``_``),
``-`` and ``.``, not starting with ``.`` (so never ``..``, ``/`` or a hidden folder)."""


_BLOCK_START = re.compile(
    r"^(?:"
    r"(?P<heading>#{1,6})(?=\s|$)"                # ATX heading
    r"|(?P<rule>[-*_])(?=(?:\s*(?P=rule)){2,}\s*$)"  # thematic break: --- *** ___
    r"|(?P<quote>>)"                               # block quote
    r"|(?P<bullet>[-+*])(?=\s|$)"                  # bullet list item
    r"|(?P<number>\d{1,9})(?P<delim>[.)])(?=\s|$)"  # ordered list item
    r"|(?P<fence>`{3,}|~{3,})"                     # fenced code
    r"|(?P<ref>\[)(?=[^\]]*\]:)"                   # link reference definition
    r")"
)
"""The CommonMark block starts a line of plain text can open by accident (spec 0.31, ch. 4-5)."""


def markdown_paragraph(text: str) -> str:
    """Return one paragraph of plain text as Markdown that renders back to that text.

    Only what would change the block structure is escaped (``# x`` would be a heading, ``---``
    a rule, ``1. x`` a list, ``[a]: b`` would vanish as a link definition); leading spaces, which
    would make an indented code block, are dropped. Inline text is left alone: raw HTML is off
    when rendering, so ``<script>`` shows as text.
    """
    text = text.strip()
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match["number"]:
        return f"{match['number']}\\{text[len(match['number']):]}"
    return "\\" + text


@contextmanager
def content_lock(content_dir: Path) -> Iterator[None]:
    """Hold the content folder's lock (a file lock): one ingest writes there at a time, and a
    build reads the articles only between ingests.

    ``digest serve`` and ``digest build`` may run at once; without it, two ingests would each
    write the state file and the later one would make the other's files look hand-edited, and a
    build could read a folder an ingest is halfway through.
    Waits up to :data:`LOCK_TIMEOUT` seconds.

    Raises:
        IngestBusy: another digest process held the lock all that time.
    """
    content_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(content_dir / INGEST_LOCK_NAME), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout as e:
        raise IngestBusy(f"another digest process has been ingesting for over {LOCK_TIMEOUT:.0f} s; "
                         "try again when it is done", path=lock.lock_file) from e
    try:
        yield
    finally:
        lock.release()


def article_path(article: Article) -> Path:
    """Return the path of ``article``'s file relative to ``content/``: ``YYYY/MM/<slug>.md``."""
    return Path(f"{article.date:%Y}", f"{article.date:%m}", f"{article.slug}.md")


def dump_article(article: Article) -> str:
    """Serialise ``article`` to the text of its Markdown file (front matter, then body)."""
    meta: dict[str, Any] = {
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "date_estimated": article.date_estimated,
        "slug": article.slug,
        "related": list(article.related),
        "origin": list(article.origin),
    }
    optional = {
        "further_reading": list(article.further_reading),
        "category": article.category,
        "tags": list(article.tags),
        "captured_at": article.captured_at.isoformat() if article.captured_at else None,
        "url": article.url,
        "lang": article.lang,
        "truncated": article.truncated,
    }
    meta.update({k: v for k, v in optional.items() if v})
    front = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return f"{FENCE}\n{front}{FENCE}\n{article.body.strip()}\n"


def parse_article(text: str, path: Path) -> Article:
    """Parse the text of one content file into an :class:`Article`.

    Args:
        text: the whole file, LF or CRLF line endings.
        path: used in error messages only.

    Raises:
        ContentError: no front matter, invalid YAML, a missing required key (title, date),
            or a value of the wrong type; the message names ``path`` and the line.

    A missing ``slug`` is taken from the file name (``content/2025/06/my-story.md`` -> ``my-story``),
    as Hugo and Jekyll do, so a hand-written article needs only a title and a date.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.startswith(FENCE + "\n"):
        raise ContentError("no front matter: the file must start with a '---' line", path=path, line=1)
    end = text.find(f"\n{FENCE}\n", len(FENCE))
    if end < 0 and text.endswith(f"\n{FENCE}"):
        end = len(text) - len(FENCE) - 1
    if end < 0:
        raise ContentError("front matter is not closed by a '---' line", path=path, line=1)
    front, body = text[len(FENCE) + 1 : end + 1], text[end + len(FENCE) + 2 :]
    try:
        meta = yaml.load(front, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ContentError(f"front matter is not valid YAML: {getattr(e, 'problem', e)}",
                           path=path, line=line) from e
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values", path=path, line=2)
    return _article_from_meta(meta, body.strip(), path, front)


def _line_of(front: str, key: str) -> int:
    """Return the file line of ``key:`` in the front matter (2 when not found)."""
    for number, line in enumerate(front.splitlines(), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 2


def _article_from_meta(meta: dict[str, Any], body: str, path: Path, front: str) -> Article:
    """Check the front-matter mapping and build the :class:`Article`."""
    def fail(key: str, problem: str) -> ContentError:
        return ContentError(f"front matter: {problem}", path=path, line=_line_of(front, key))

    for key in _REQUIRED:
        if meta.get(key) in (None, ""):
            raise fail(key, f"'{key}' is required")
    date = meta["date"]
    if isinstance(date, dt.datetime):
        date = date.date()
    if not isinstance(date, dt.date):
        raise fail("date", f"'date' must be YYYY-MM-DD, got {date!r}")
    captured = meta.get("captured_at")
    if isinstance(captured, str):
        try:
            captured = dt.datetime.fromisoformat(captured)
        except ValueError as e:
            raise fail("captured_at", f"'captured_at' must be ISO 8601, got {captured!r}") from e
    for key in ("related", "origin", "tags", "further_reading"):
        if not isinstance(meta.get(key) or [], list):
            raise fail(key, f"'{key}' must be a list")
    slug = str(meta.get("slug") or path.stem)
    if _SLUG.fullmatch(slug) is None:
        raise fail("slug", "'slug' must be letters, digits, '-', '_' or '.' (not first), since it "
                   f"names the article's folder in the site; got {slug!r}")
    return Article(
        title=str(meta["title"]),
        source=_opt_str(meta.get("source")),
        date=date,
        date_estimated=bool(meta.get("date_estimated", False)),
        slug=slug,
        body=body,
        related=tuple(str(s) for s in meta.get("related") or ()),
        origin=tuple(str(s) for s in meta.get("origin") or ()),
        further_reading=tuple(str(s) for s in meta.get("further_reading") or ()),
        category=_opt_str(meta.get("category")),
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        captured_at=captured if isinstance(captured, dt.datetime) else None,
        url=_opt_str(meta.get("url")),
        lang=_opt_str(meta.get("lang")),
        truncated=bool(meta.get("truncated", False)),
    )


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def content_files(content_dir: Path) -> Iterator[Path]:
    """Yield every ``*.md`` file under ``content_dir``, sorted, skipping hidden files and folders."""
    yield from visible_files(content_dir, suffixes=(".md",))


def read_article(path: Path) -> Article:
    """Read and parse one content file. Raises :class:`ContentError` (also for unreadable files)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ContentError(f"cannot read file: {e}", path=path) from e
    return parse_article(text, path)


def read_articles(content_dir: Path) -> tuple[list[tuple[Article, Path]], list[ContentError]]:
    """Read every article under ``content_dir``, in file order, keeping each one's file.

    Returns:
        ``([(article, file), ...], errors)``: one :class:`ContentError` per bad file (left out;
        the rest still load). A missing folder gives two empty lists.
    """
    loaded: list[tuple[Article, Path]] = []
    errors: list[ContentError] = []
    if not content_dir.is_dir():
        return loaded, errors
    for path in content_files(content_dir):
        try:
            loaded.append((read_article(path), path))
        except ContentError as e:
            errors.append(e)
    return loaded, errors


def load_articles(content_dir: Path) -> tuple[list[Article], list[ContentError]]:
    """Read every article under ``content_dir`` (see :func:`read_articles`).

    Returns:
        ``(articles, errors)``: the good articles sorted by (date desc, slug), and one
        :class:`ContentError` per bad file.
    """
    loaded, errors = read_articles(content_dir)
    return sort_articles(article for article, _ in loaded), errors


def sort_articles(articles: Iterable[Article]) -> list[Article]:
    """Return ``articles`` newest first; ties broken by slug for a deterministic order."""
    return sorted(sorted(articles, key=lambda a: a.slug), key=lambda a: a.date, reverse=True)
