"""Related stories: pure, takes articles, returns links.

For each article, in this order:

1. ``"linked"``: the article's own :attr:`~digest.model.Article.related` slugs (the links its input
   page gave), in page order, only those that exist;
2. ``"backlink"``: the articles whose ``related`` names this one, newest first, then by slug;
3. ``"similar"``: articles close in text (title + body), most similar first, ties by slug, filling
   up to ``count`` links in all. Linked and backlinks are always all kept, even beyond ``count``.

Never the article itself, never twice, never a near-duplicate of it (same title, or text similarity
of at least :data:`DUPLICATE_SIMILARITY`: that is the same story ingested twice).

Text similarity is the cosine of TF-IDF vectors (scikit-learn's :class:`TfidfVectorizer`), and the
nearest neighbours come from scikit-learn's brute-force sparse :class:`NearestNeighbors`, queried a
chunk of rows at a time so memory stays bounded (about :data:`_CHUNK_CELLS` floats per chunk).
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from digest.model import Article

log = logging.getLogger(__name__)

SIMILARITY_FLOOR = 0.15
"""Least cosine similarity (0..1) for a "similar" link.

Below it two stories share only common news words, not a subject, so an article with no real
neighbour gets no "similar" links rather than arbitrary ones. Measured: in the synthetic corpus of
``bench/build.py`` pairs from different topics score 0.02 (median) to 0.06 (max) and pairs from one
topic 0.27 (median); the hand-written flood stories in the tests score 0.22-0.34 with each other
and 0.0 with the football one.
"""

DUPLICATE_SIMILARITY = 0.9
"""Cosine similarity (0..1) at or above which two articles are the same story (a re-ingested or
lightly edited copy) and are never linked to each other."""

_MAX_DF = ((100, 1.0), (1000, 0.5), (None, 0.2))
"""``(fewer than this many articles, max_df)``: the most of the articles a term may be in and still
count. In a small site one subject can fill most of it, so every term is kept; in thousands of
stories a term in a fifth of them ("said", "year", "government") names no subject, and dropping
those halves the cost of the neighbour search (10,000 articles: 3.9 s -> 2.2 s CPU)."""
_EXTRA_NEIGHBOURS = 6
"""Neighbours asked for beyond what is needed, to make up for dropped near-duplicates."""
_CHUNK_CELLS = 4_000_000
"""Query rows x articles per kneighbors call: bounds the dense distance block (~32 MB)."""
_DECIMALS = 6
"""Similarities are rounded to this many places before sorting, so float32 noise (7th place) cannot
beat the slug tie-break."""

_RULES_VERSION = "1"
"""Bump when the rules or constants here change, so cached results keyed by :func:`related_key`
are not reused."""
_THREADS = 2
"""Chunks queried at once; scipy's sparse product releases the GIL, so threads share the work."""
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

Kind = Literal["linked", "backlink", "similar"]


@dataclass(frozen=True, slots=True, kw_only=True)
class RelatedLink:
    """One "Related stories" link from an article to another."""

    slug: str
    """Slug of the article linked to; always a slug of the input."""
    kind: Kind
    """``"linked"`` (the page linked it), ``"backlink"`` (it links here) or ``"similar"`` (text)."""


_KINDS: dict[str, Kind] = {"linked": "linked", "backlink": "backlink", "similar": "similar"}


def links_to_json(links: dict[str, tuple[RelatedLink, ...]]) -> dict[str, list[list[str]]]:
    """Return ``links`` as JSON data, ``{slug: [[slug, kind], ...]}`` (for the build cache)."""
    return {slug: [[link.slug, link.kind] for link in found] for slug, found in links.items()}


def links_from_json(data: object) -> dict[str, tuple[RelatedLink, ...]] | None:
    """Return the links in JSON ``data`` made by :func:`links_to_json`; None when not that shape."""
    if not isinstance(data, dict):
        return None
    try:
        return {str(slug): tuple(RelatedLink(slug=str(other), kind=_KINDS[kind])
                                 for other, kind in found)
                for slug, found in data.items()}
    except (TypeError, ValueError, KeyError):
        return None


def related_links(
    articles: Sequence[Article], *, count: int = 5
) -> dict[str, tuple[RelatedLink, ...]]:
    """Return the related-story links of every article.

    Args:
        articles: every article of the site, in any order; slugs should be unique (for a repeated
            slug the first article in ``articles`` is used; the caller reports the clash).
        count: most links shown per article; "similar" links only fill up to it, "linked" and
            "backlink" links are all kept beyond it.

    Returns:
        ``{slug: links}`` with a key for every slug; links in the order described in the module
        docstring. The result does not depend on the order of ``articles``.

    Raises:
        ValueError: ``count`` is negative.

    Cost: one TF-IDF fit (~2 s CPU) and a chunked sparse nearest-neighbour search (~2 s CPU on
    two threads) for 10,000 articles of ~430 words: 3.7 s in all on 2 shared cores. Memory
    bounded by the chunk size.
    """
    if count < 0:
        raise ValueError(f"count must be at least 0, got {count}")
    corpus = _unique_by_slug(articles)
    index = {a.slug: i for i, a in enumerate(corpus)}
    titles = [_title_key(a.title) for a in corpus]
    vectors = _tfidf(corpus)
    explicit = _explicit_links(corpus, index, titles, vectors)
    wanted = [max(0, count - len(links)) for links in explicit]
    similar = _similar(corpus, titles, vectors, explicit, wanted)
    return {
        a.slug: tuple(explicit[i]) + tuple(RelatedLink(slug=corpus[j].slug, kind="similar")
                                           for j in similar[i])
        for i, a in enumerate(corpus)
    }


def related_key(articles: Sequence[Article], *, count: int = 5) -> str:
    """Return a fingerprint (32 hex digits) of everything :func:`related_links` depends on.

    Equal keys mean equal results, so a build can store the links under this key and skip the
    text analysis when nothing changed: hashing 10,000 articles takes about 50 ms, the analysis
    several seconds. Covers slug, title, body, date and related of every article in order, plus
    ``count``, these rules and the scikit-learn version.
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_RULES_VERSION}\0{sklearn.__version__}\0{count}\0".encode())
    for a in articles:
        fields = (a.slug, a.title, a.date.isoformat(), "\x1f".join(a.related), a.body)
        digest.update(("\0".join(fields) + "\x1e").encode())
    return digest.hexdigest()


def _unique_by_slug(articles: Iterable[Article]) -> list[Article]:
    """Return ``articles`` sorted by slug, keeping the first article of a repeated slug."""
    seen: dict[str, Article] = {}
    for article in articles:
        if article.slug in seen:
            log.debug("two articles share the slug %r; related stories use the first",
                      article.slug)
            continue
        seen[article.slug] = article
    return [seen[slug] for slug in sorted(seen)]


def _title_key(title: str) -> str:
    """Return ``title`` case-folded with whitespace collapsed: equal keys mean the same story."""
    return " ".join(title.casefold().split())


def _strip_accents(text: str) -> str:
    """Return ``text`` without accents (``"Zürich"`` -> ``"Zurich"``), as scikit-learn's
    ``strip_accents="unicode"`` does (NFKD, then drop combining marks), but with a regular
    expression instead of a per-character Python loop: 3x faster on text with any non-ASCII."""
    if text.isascii():
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))


def _max_df(n: int) -> float:
    """Return TfidfVectorizer's ``max_df`` (a fraction of the articles) for ``n`` articles."""
    return next(share for limit, share in _MAX_DF if limit is None or n < limit)


def _tfidf(corpus: Sequence[Article]) -> sparse.csr_matrix | None:
    """Return the L2-normalised TF-IDF rows (one per article, float32), or None without any terms.

    None when there are fewer than two articles, or when no article has a word that is not a stop
    word (``TfidfVectorizer`` raises ``ValueError`` on an empty vocabulary).
    """
    if len(corpus) < 2:
        return None
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        strip_accents=_strip_accents,
        stop_words="english",
        min_df=1,
        max_df=_max_df(len(corpus)),
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(f"{a.title}\n{a.body}" for a in corpus)
    except ValueError as e:  # empty vocabulary: nothing to compare
        log.info("no similar stories: %s", e)
        return None
    return sparse.csr_matrix(matrix)


def _explicit_links(
    corpus: Sequence[Article],
    index: dict[str, int],
    titles: Sequence[str],
    vectors: sparse.csr_matrix | None,
) -> list[list[RelatedLink]]:
    """Return each article's "linked" then "backlink" links (positions as in ``corpus``)."""
    linked: list[list[int]] = [[] for _ in corpus]
    backlinked: list[list[int]] = [[] for _ in corpus]
    for i, article in enumerate(corpus):
        for slug in article.related:
            j = index.get(slug)
            if j is not None:
                linked[i].append(j)
                backlinked[j].append(i)
    same = _same_story_pairs(linked, titles, vectors)
    # corpus is in slug order and the sort is stable (also with reverse): newest first, then slug
    by_age = sorted(range(len(corpus)), key=lambda j: corpus[j].date, reverse=True)
    rank = {j: r for r, j in enumerate(by_age)}
    links: list[list[RelatedLink]] = []
    for i in range(len(corpus)):
        taken = {i}
        mine = _take(linked[i], "linked", i, taken, same, corpus)
        mine += _take(sorted(backlinked[i], key=rank.__getitem__), "backlink", i, taken, same,
                      corpus)
        links.append(mine)
    return links


def _take(
    candidates: Iterable[int],
    kind: Kind,
    i: int,
    taken: set[int],
    same: set[tuple[int, int]],
    corpus: Sequence[Article],
) -> list[RelatedLink]:
    """Return links of ``kind`` to ``candidates`` not yet ``taken`` and not the same story as ``i``.

    Adds the positions used to ``taken``.
    """
    out: list[RelatedLink] = []
    for j in candidates:
        if j in taken or (min(i, j), max(i, j)) in same:
            continue
        taken.add(j)
        out.append(RelatedLink(slug=corpus[j].slug, kind=kind))
    return out


def _same_story_pairs(
    linked: Sequence[Sequence[int]],
    titles: Sequence[str],
    vectors: sparse.csr_matrix | None,
) -> set[tuple[int, int]]:
    """Return the explicitly linked pairs ``(low, high)`` that are near-duplicates of each other."""
    pairs = sorted({(min(i, j), max(i, j)) for i, js in enumerate(linked) for j in js if i != j})
    same = {(i, j) for i, j in pairs if titles[i] == titles[j]}
    if vectors is None or not pairs:
        return same
    rows = np.fromiter((i for i, _ in pairs), dtype=np.intp, count=len(pairs))
    cols = np.fromiter((j for _, j in pairs), dtype=np.intp, count=len(pairs))
    cosine = np.asarray(vectors[rows].multiply(vectors[cols]).sum(axis=1)).ravel()
    same.update(p for p, c in zip(pairs, cosine, strict=True) if c >= DUPLICATE_SIMILARITY)
    return same


def _similar(
    corpus: Sequence[Article],
    titles: Sequence[str],
    vectors: sparse.csr_matrix | None,
    explicit: Sequence[Sequence[RelatedLink]],
    wanted: Sequence[int],
) -> list[list[int]]:
    """Return, per article, the positions of up to ``wanted[i]`` similar articles, best first."""
    result: list[list[int]] = [[] for _ in corpus]
    if vectors is None or max(wanted, default=0) == 0:
        return result
    n = len(corpus)
    # self + the explicit links + the similar ones wanted, plus room for near-duplicates
    need = max(w + len(links) for w, links in zip(wanted, explicit, strict=True) if w > 0)
    k = min(n, 1 + need + _EXTRA_NEIGHBOURS)
    index = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(vectors)
    todo = [i for i in range(n) if wanted[i] > 0]
    chunk = max(1, _CHUNK_CELLS // n)
    chunks = [todo[start:start + chunk] for start in range(0, len(todo), chunk)]

    def query(rows: list[int]) -> tuple[npt.NDArray[np.floating], npt.NDArray[np.intp]]:
        distance, neighbour = index.kneighbors(vectors[rows], n_neighbors=k)
        return distance, neighbour

    position = {a.slug: i for i, a in enumerate(corpus)}
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        for rows, (distance, neighbour) in zip(chunks, pool.map(query, chunks), strict=True):
            for row, i in enumerate(rows):
                taken = {i} | {position[link.slug] for link in explicit[i]}
                result[i] = _pick(i, neighbour[row], 1.0 - distance[row], taken, titles,
                                  wanted[i])
    return result


def _pick(
    i: int,
    neighbours: npt.NDArray[np.intp],
    similarity: npt.NDArray[np.floating],
    taken: set[int],
    titles: Sequence[str],
    wanted: int,
) -> list[int]:
    """Return up to ``wanted`` of ``neighbours`` for article ``i``: above the floor, not taken,
    not the same story; most similar first, ties by slug."""
    # positions follow slug order, so (-score, position) breaks ties by slug
    ranked = sorted(
        zip(np.round(similarity, _DECIMALS).tolist(), neighbours.tolist(), strict=True),
        key=lambda pair: (-pair[0], pair[1]),
    )
    out: list[int] = []
    for score, j in ranked:
        if len(out) == wanted or score < SIMILARITY_FLOOR:
            break
        if j in taken or score >= DUPLICATE_SIMILARITY or titles[j] == titles[i]:
            continue
        out.append(j)
    return out
