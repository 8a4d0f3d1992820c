"""The language of a story's own text: :func:`text_language`.

A page's boilerplate says which edition of the site it was saved from (``page_language`` in
:mod:`~digest.ingest.boilerplate`), not what its stories are written in: the user trial (2025-11)
found English stories on French pages and the reverse, and listing pages carry no boilerplate at
all. So each story's ``lang`` comes from its own title and body, identified by py3langid (a
naive-Bayes model over byte n-grams, shipped inside the package: offline and deterministic), and
falls back to the page's language when the text is too short or the model unsure.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Protocol

MIN_WORDS = 8
"""Fewer words than this (title and body together) are too few to identify a language by."""

MIN_CONFIDENCE = 0.9
"""The least normalised probability at which the model's answer replaces the fallback."""


class _Identifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


@functools.cache
def _identifier() -> _Identifier:
    """Load the model once (about a second), on first use only: pages without stories never pay."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    identifier: _Identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


def text_language(texts: Sequence[str], *, fallback: str | None) -> str | None:
    """Return the ISO 639-1 code of the language ``texts`` are written in, else ``fallback``.

    Args:
        texts: a story's title and paragraphs.
        fallback: the answer when there are fewer than :data:`MIN_WORDS` words or the model's
            confidence is below :data:`MIN_CONFIDENCE` (the page's boilerplate language, or None).
    """
    text = " ".join(texts)
    if len(text.split()) < MIN_WORDS:
        return fallback
    code, confidence = _identifier().classify(text)
    return code if confidence >= MIN_CONFIDENCE else fallback
