"""Benchmark: generate a synthetic site of N articles, then time related stories and builds.

Usage::

    python bench/build.py --articles 10000 [--seed 1] [--keep DIR]

Prints one line per figure, e.g. ``full build: 12.3 s``. Targets for 10,000 articles: full build
< 20 s, rebuild with nothing changed < 3 s, peak memory < 1 GB.

The articles are deterministic for a seed: titles of 8-14 words, bodies of 3-12 paragraphs and
250-600 words, drawn from a vocabulary of a few thousand made-up words in topic clusters (so that
text similarity means something), ~30 sources, dates over two years, and about one in ten with
explicit related slugs. Each article's topic is its category, so the share of "similar" links
within one topic measures how good the links are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import itertools
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from slugify import slugify

from digest.config import Config
from digest.content import article_path, dump_article
from digest.model import Article
from digest.related import RelatedLink, related_links

T = TypeVar("T")

TOPICS = 60
TOPIC_WORDS = 100
GENERAL_WORDS = 4000
SOURCES = 30
START = dt.date(2023, 7, 1)
DAYS = 730
_FUNCTION_TEXT = (
    "the of and to in a is that for on was with he it as at by from his be have are has an "
    "this but not they were had their which been its who after would will also more said "
    "about over into than when there one new two up out we all could she her"
)
FUNCTION_WORDS = tuple(_FUNCTION_TEXT.split())
ODD_WORDS = ("caf\u00e9", "it\u2019s", "\u201csaid\u201d", "Z\u00fcrich", "S\u00e3o")
"""Words with accents or curly quotes, as real news text has."""
SYLLABLES = ("ka", "lo", "mi", "ne", "ra", "to", "vu", "sa", "de", "ri", "po", "la", "ge", "ba",
             "zu", "ti", "mo", "fe", "an", "or", "el", "is", "un", "ar", "en", "ko", "ha", "wi")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Made-up words: a general pool and per-topic clusters, each drawn with Zipf-like weights
    (stored cumulated, for ``random.choices(cum_weights=...)``)."""

    general: tuple[str, ...]
    general_weights: tuple[float, ...]
    topics: tuple[tuple[str, ...], ...]
    topic_weights: tuple[float, ...]


def make_vocabulary(rng: random.Random) -> Vocabulary:
    """Return ``GENERAL_WORDS`` general words and ``TOPICS`` clusters of ``TOPIC_WORDS`` words."""
    words: set[str] = set()
    while len(words) < GENERAL_WORDS + TOPICS * TOPIC_WORDS:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    pool = sorted(words)
    rng.shuffle(pool)
    general = tuple(pool[:GENERAL_WORDS])
    rest = pool[GENERAL_WORDS:]
    topics = tuple(tuple(rest[t * TOPIC_WORDS:(t + 1) * TOPIC_WORDS]) for t in range(TOPICS))
    weights = tuple(itertools.accumulate(1.0 / (rank + 10) for rank in range(GENERAL_WORDS)))
    topic_weights = tuple(itertools.accumulate(1.0 / (rank + 3) for rank in range(TOPIC_WORDS)))
    return Vocabulary(general=general, general_weights=weights, topics=topics,
                      topic_weights=topic_weights)


def _words(rng: random.Random, vocab: Vocabulary, topic: int, n: int) -> list[str]:
    """Return ``n`` words: ~12% from the topic, ~40% function words, the rest general; about one
    in 200 with an accent or a curly apostrophe, as in real news text."""
    general = rng.choices(vocab.general, cum_weights=vocab.general_weights, k=n)
    themed = rng.choices(vocab.topics[topic], cum_weights=vocab.topic_weights, k=n)
    common = rng.choices(FUNCTION_WORDS, k=n)
    kinds = rng.choices(range(4), cum_weights=(0.12, 0.52, 0.995, 1.0), k=n)
    pools = (themed, common, general)
    return [pools[kind][i] if kind < 3 else rng.choice(ODD_WORDS) for i, kind in enumerate(kinds)]


def _body(rng: random.Random, vocab: Vocabulary, topic: int) -> str:
    """Return 3-12 paragraphs of 250-600 words in all, separated by blank lines."""
    total = rng.randint(250, 600)
    paragraphs = rng.randint(3, 12)
    cuts = sorted(rng.sample(range(1, total), paragraphs - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    out = []
    for size in sizes:
        words = _words(rng, vocab, topic, size)
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def make_articles(n: int, seed: int) -> list[Article]:
    """Return ``n`` synthetic articles, the same for the same ``(n, seed)``."""
    rng = random.Random(seed)
    vocab = make_vocabulary(rng)
    sources = [f"The {w.capitalize()} {rng.choice(['Times', 'Post', 'Herald', 'Wire'])}"
               for w in vocab.general[:SOURCES]]
    articles: list[Article] = []
    by_topic: dict[int, list[str]] = {}
    for i in range(n):
        topic = rng.randrange(TOPICS)
        title_words = _words(rng, vocab, topic, rng.randint(8, 14))
        title = " ".join(title_words).capitalize()
        slug = f"{slugify(' '.join(title_words[:6]))}-{i}"
        peers = by_topic.setdefault(topic, [])
        related = tuple(rng.sample(peers, min(len(peers), rng.randint(1, 3))))
        articles.append(Article(
            title=title,
            source=rng.choice(sources),
            date=START + dt.timedelta(days=rng.randrange(DAYS)),
            slug=slug,
            body=_body(rng, vocab, topic),
            related=related if rng.random() < 0.1 else (),
            origin=(f"page-{i // 20}.html",),
            category=f"Topic {topic}",
        ))
        peers.append(slug)
    return articles


def same_topic_share(articles: Sequence[Article], links: dict[str, tuple[RelatedLink, ...]]) -> float:
    """Return the share (0..1) of "similar" links whose two articles have the same topic."""
    topic = {a.slug: a.category for a in articles}
    pairs = [(slug, link.slug) for slug, found in links.items() for link in found
             if link.kind == "similar"]
    return sum(topic[a] == topic[b] for a, b in pairs) / max(1, len(pairs))


def write_site(root: Path, articles: Sequence[Article]) -> None:
    """Write ``articles`` as content files under ``root/content``."""
    content = root / "content"
    for article in articles:
        path = content / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_article(article), encoding="utf-8")


def timed(label: str, call: Callable[[], T]) -> T:
    """Run ``call``, print ``label: X s`` and return its result."""
    start = time.perf_counter()
    result = call()
    print(f"{label}: {time.perf_counter() - start:.2f} s", flush=True)
    return result


def peak_mib() -> float:
    """Return this process's peak resident memory in MiB (``ru_maxrss`` is KiB on Linux)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def bench_builds(root: Path) -> None:
    """Time a full build and a no-change rebuild of the site at ``root``, if digest.build exists."""
    if importlib.util.find_spec("digest.build") is None:
        print("build: skipped (digest.build is not there yet)")
        return
    build = importlib.import_module("digest.build")
    config = Config(root=root)
    timed("full build", lambda: build.build_site(config, ingest=False))
    timed("rebuild, nothing changed", lambda: build.build_site(config, ingest=False))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="how many articles")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the site here and keep it")
    args = parser.parse_args(argv)
    articles = timed(f"generate {args.articles} articles", lambda: make_articles(args.articles,
                                                                                args.seed))
    links = timed(f"related_links ({args.articles} articles)", lambda: related_links(articles))
    similar = sum(1 for v in links.values() for link in v if link.kind == "similar")
    print(f"similar links: {similar} ({similar / max(1, len(links)):.2f} per article), "
          f"{same_topic_share(articles, links):.1%} within the article's own topic")
    print(f"peak memory after related_links: {peak_mib():.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        root = args.keep or Path(tmp)
        timed("write content files", lambda: write_site(root, articles))
        bench_builds(root)
    print(f"peak memory: {peak_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
