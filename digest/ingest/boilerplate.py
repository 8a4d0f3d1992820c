"""The Daily8 page furniture: which whole lines are boilerplate, and what they say about the page.

Every saved Daily8 page carries the same block between the main story and its related items
(``Orange background`` ... ``Related Articles``) and an app-download footer, in English or in
French. The vocabulary lives in the tables below, compared as *normalised whole lines*
(:func:`normalise`), so a sentence that merely contains "Comments" is never dropped.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

BOILERPLATE_EN = frozenset({
    "try our ai features",
    "explore what daily8 ai can do for you:",
    "comments",
    "no comments yet...",
    "related articles",
    "download the app",
    "get started now: download the app",
    "ready to dive into a world of global content with local flavor? download daily8 app today "
    "from your preferred app store and start exploring.",
})
"""English boilerplate lines (normalised); seeing them makes a page ``lang="en"``."""

BOILERPLATE_FR = frozenset({
    "essayez nos fonctionnalités ia",
    "découvrez ce que daily8 ia peut faire pour vous :",
    "commentaires",
    "aucun commentaire pour le moment...",
    "articles connexes",
    "téléchargez l'application",
})
"""French boilerplate lines (normalised); seeing them makes a page ``lang="fr"``."""

BOILERPLATE_NEUTRAL = frozenset({
    "orange background",
    "hashtags",
    "app-storeplay-store",
})
"""Boilerplate lines that appear in every language's pages alike."""

BOILERPLATE = BOILERPLATE_EN | BOILERPLATE_FR | BOILERPLATE_NEUTRAL
"""Every boilerplate line, EN + FR + neutral: the one table the parser drops lines by."""

BOILERPLATE_AMBIGUOUS = frozenset({"comments", "commentaires"})
"""Boilerplate lines that read as body text too (a one-word heading, ``Comments``). Such a line is
boilerplate only inside a block, next to another boilerplate line; alone it is body text (QA
pages, 2025-11: a lone ``Comments`` had ended a body and lost the lines after it)."""

RELATED_MARKERS = frozenset({"related articles", "articles connexes"})
"""Boilerplate lines after which the related items start."""

FURTHER_READING = frozenset({"further reading"})
"""A heading inside a main body: the lines after it are links to other stories, not body."""

_MIN_TRUNCATED_PREFIX = 5
"""Shortest cut-off line taken as a boilerplate prefix without boilerplate right before it."""


def normalise(line: str) -> str:
    """Return ``line`` in the form the tables hold: NFKC, ``…`` as ``...``, single spaces, casefolded."""
    text = unicodedata.normalize("NFKC", line).replace("\u2026", "...")
    return " ".join(text.split()).casefold()


def is_boilerplate(line: str) -> bool:
    """Return True when ``line`` as a whole is a boilerplate line (any spacing, any case)."""
    return normalise(line) in BOILERPLATE


def is_ambiguous_boilerplate(line: str) -> bool:
    """Return True for a boilerplate line that is boilerplate only next to another one."""
    return normalise(line) in BOILERPLATE_AMBIGUOUS


def is_related_marker(line: str) -> bool:
    """Return True for the ``Related Articles`` heading (or its translation)."""
    return normalise(line) in RELATED_MARKERS


def is_further_reading(line: str) -> bool:
    """Return True for the ``Further Reading`` heading."""
    return normalise(line) in FURTHER_READING


def is_truncated_boilerplate(line: str, *, after_boilerplate: bool) -> bool:
    """Return True when ``line`` (the page's cut-off last line) is the start of a boilerplate line.

    Args:
        line: the last non-blank line of a page that was saved incompletely.
        after_boilerplate: whether the previous non-blank line is boilerplate; then any
            non-empty prefix counts, else it must be at least 5 characters so that a body cut
            after "Com" is not mistaken for "Comments".
    """
    key = normalise(line)
    if not key or key in BOILERPLATE:
        return bool(key)
    if not after_boilerplate and len(key) < _MIN_TRUNCATED_PREFIX:
        return False
    return any(entry.startswith(key) for entry in BOILERPLATE)


def page_language(lines: Iterable[str]) -> str | None:
    """Return ``"en"`` or ``"fr"`` from the language of a page's boilerplate, or None when it has none.

    The language whose boilerplate lines are the more numerous wins; a tie goes to English.
    """
    votes: Counter[str] = Counter()
    for line in lines:
        key = normalise(line)
        if key in BOILERPLATE_EN:
            votes["en"] += 1
        elif key in BOILERPLATE_FR:
            votes["fr"] += 1
    if not votes:
        return None
    return "fr" if votes["fr"] > votes["en"] else "en"
