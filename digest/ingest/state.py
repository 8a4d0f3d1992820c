"""The content store: the articles in ``content/`` and ingest's record of what it wrote there.

Ingest state lives in ``content/.digest-state.json``: the SHA-256 of every file ingest wrote (a file
whose text differs was edited by hand and is never overwritten), of every input page it read (so
``digest build`` only re-reads new or changed pages), and the file each story went to (so a story
whose title was edited by hand is still found).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from digest.content import INGEST_STATE_NAME, article_path, content_files, dump_article, read_article
from digest.errors import ContentError
from digest.files import atomic_write
from digest.model import Article

log = logging.getLogger(__name__)

_NON_WORD = re.compile(r"[\W_]+")


def story_key(title: str, source: str | None) -> tuple[str, str]:
    """Return the identity of a story: the words of its title and source, case-folded.

    Punctuation and spacing are ignored, so ``Wind farm approved, despite objections`` and
    ``Wind farm approved despite objections`` from one source are one story (aggregators re-punctuate
    headlines between their article and listing pages).
    """
    return _words(title), _words(source or "")


def _words(text: str) -> str:
    return " ".join(_NON_WORD.split(text.casefold())).strip()


@dataclass(slots=True)
class ContentStore:
    """The articles in ``content/`` plus ingest state; all writes go through :meth:`save`."""

    root: Path
    articles: dict[tuple[str, str], tuple[Path, Article]] = field(default_factory=dict)
    written_hashes: dict[str, str] = field(default_factory=dict)
    page_hashes: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    slug_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Which story holds each slug."""
    story_paths: dict[str, str] = field(default_factory=dict)
    """The file ingest wrote each story to (by :func:`story_key`, joined by a tab), so a story
    whose title was edited by hand in ``content/`` is still found when its page is read again."""
    titles: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    """The keys of the stories with each title (its words, as in :func:`story_key`)."""
    rewritten: set[Path] = field(default_factory=set)
    """Files written since the store was opened."""

    @classmethod
    def open(cls, root: Path, *, load_articles: bool = True) -> ContentStore:
        """Read the state file and (unless told not to) every article under ``root``."""
        store = cls(root)
        state = _read_state(root / INGEST_STATE_NAME)
        store.written_hashes, store.page_hashes = state.get("files", {}), state.get("pages", {})
        store.story_paths = state.get("stories", {})
        if load_articles and root.is_dir():
            store._load_articles()
        return store

    def _load_articles(self) -> None:
        """Index every article file; then index each story ingest wrote under its ingested key too."""
        by_path: dict[str, tuple[Path, Article]] = {}
        for path in content_files(self.root):
            try:
                article = read_article(path)
            except ContentError as e:
                self.errors.append(str(e))
                continue
            self.add(path, article)
            by_path[self._rel(path)] = (path, article)
        for joined, rel in self.story_paths.items():
            key = tuple(joined.split("\t", 1))
            if len(key) == 2 and key not in self.articles and rel in by_path:
                path, article = by_path[rel]
                self.add(path, article, also=(key[0], key[1]))

    def add(self, path: Path, article: Article, *, also: tuple[str, str] | None = None) -> None:
        """Index ``article`` (stored at ``path``) by its story key, its title and its slug.

        ``also`` is another key the same story was found under (an unknown-source sighting), which
        then points at this article too.
        """
        key = story_key(article.title, article.source)
        for each in (key,) if also in (None, key) else (key, also):
            self.articles[each] = (path, article)
            self.titles.setdefault(each[0], set()).add(each)
        self.slug_keys[article.slug] = key

    def find(self, title: str, source: str | None) -> tuple[str, str] | None:
        """Return the key of the stored story that ``title`` and ``source`` name, or None.

        The same title and source is the same story. A sighting with no source (a header-less
        page) is also the one stored story of that title, whatever its source; and a sighting with
        a source is the stored no-source story of that title. (Observed in a user trial: a story
        saved as a header-less page and again as a listing item with its source.)
        """
        key = story_key(title, source)
        if key in self.articles:
            return key
        if source is None:
            only = self._only_story(title)
            return story_key(only.title, only.source) if only else None
        unknown = (key[0], "")
        return unknown if unknown in self.articles else None

    def _only_story(self, title: str) -> Article | None:
        """Return the stored story with ``title`` when exactly one file holds such a story."""
        found = {self.articles[k][0]: self.articles[k][1] for k in self.titles.get(_words(title), ())}
        return next(iter(found.values())) if len(found) == 1 else None

    def slug_owner(self, slug: str) -> tuple[str, str] | None:
        """Return the key of the article that holds ``slug``, or None."""
        return self.slug_keys.get(slug)

    def is_hand_edited(self, path: Path) -> bool:
        """True when ``path`` exists and ingest did not write its current text."""
        if not path.exists():
            return False
        recorded = self.written_hashes.get(self._rel(path))
        return recorded != data_hash(path.read_bytes())

    def write(self, article: Article, old_path: Path | None, *,
              also: tuple[str, str] | None = None) -> Path:
        """Write ``article`` to its path (atomically); remove ``old_path`` when the path moved.

        ``also``: another key the story is known by (see :meth:`add`)."""
        path = self.root / article_path(article)
        data = dump_article(article).encode("utf-8")
        atomic_write(path, data)
        self.rewritten.add(path)
        self.written_hashes[self._rel(path)] = data_hash(data)
        if old_path is not None and old_path != path and old_path.exists():
            old_path.unlink()
            self.written_hashes.pop(self._rel(old_path), None)
        self.add(path, article, also=also)
        self.story_paths["\t".join(story_key(article.title, article.source))] = self._rel(path)
        return path

    def release(self, origins: set[str]) -> list[Path]:
        """Forget the pages named in ``origins`` and the stories ingest wrote from them alone.

        For ``digest build --refresh``: the pages are then read afresh and their stories written
        over the same files (each write atomic, so a site built meanwhile never misses one); call
        :meth:`remove_unwritten` afterwards. A file edited by hand, or holding a story also seen on
        another page, is kept as it is and merged into.

        Returns:
            The released files.
        """
        released = {path for path, article in self.articles.values()
                    if set(article.origin) <= origins and not self.is_hand_edited(path)}
        self.articles = {k: v for k, v in self.articles.items() if v[0] not in released}
        self.slug_keys = {s: k for s, k in self.slug_keys.items() if k in self.articles}
        self.titles = {t: keys & self.articles.keys() for t, keys in self.titles.items()}
        gone = {self._rel(p) for p in released}
        self.story_paths = {k: v for k, v in self.story_paths.items() if v not in gone}
        self.page_hashes = {k: v for k, v in self.page_hashes.items() if k not in origins}
        return sorted(released)

    def remove_unwritten(self, released: list[Path]) -> list[Path]:
        """Delete the released files that no story was written to again (stories the pages no
        longer give); return them."""
        stale = [p for p in released if p not in self.rewritten and not self.is_hand_edited(p)]
        for path in stale:
            path.unlink(missing_ok=True)
            self.written_hashes.pop(self._rel(path), None)
        return stale

    def save_state(self) -> None:
        """Write the state file (sorted keys, so it is deterministic)."""
        state = {"files": self.written_hashes, "pages": self.page_hashes, "stories": self.story_paths}
        text = json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write(self.root / INGEST_STATE_NAME, text.encode("utf-8"))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _read_state(path: Path) -> dict[str, dict[str, str]]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        log.warning("%s: unreadable ingest state (%s); treating every file as hand-made", path, e)
        return {}
    return state if isinstance(state, dict) else {}


def data_hash(data: bytes) -> str:
    """Return the SHA-256 of ``data`` as 64 hex digits (what the state file records)."""
    return hashlib.sha256(data).hexdigest()
