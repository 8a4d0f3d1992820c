"""Property tests for ingest as a whole: any text in, safe files out, front matter round-trips."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.content import dump_article, load_articles, parse_article
from digest.ingest.store import ingest_paths
from digest.model import Article

SAFE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOON = dt.datetime(2025, 6, 8, 12, tzinfo=dt.UTC)

header_lines = st.sampled_from([
    "logo", "", "Related Articles", "Comments", "timean hour ago", "  • Valley Times", "- Valley Times",
    "Coastal Herald08-06-2025", "Independenta day ago", "Latest news with #Tag", "../../etc/passwd",
    "Путин и Си", "<script>alert(1)</script>", "3", "02:45", "Try Our AI Features", "---", "title: x",
])
page_text = st.lists(st.one_of(header_lines, st.text(min_size=1, max_size=80)), max_size=40).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages=st.lists(page_text, min_size=1, max_size=3))
def test_any_pages_give_safe_articles_inside_content(pages: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for number, text in enumerate(pages):
            (root / "in").mkdir(exist_ok=True)
            (root / "in" / f"p{number}.txt").write_text(text, encoding="utf-8")
        ingest_paths([root / "in"], root / "content", captured_at=NOON)
        articles, errors = load_articles(root / "content")
        assert errors == []
        for path in (root / "content").rglob("*"):
            assert path.resolve().is_relative_to((root / "content").resolve())
        for article in articles:
            assert article.title.strip()
            assert SAFE_SLUG.match(article.slug), article.slug


single_line = st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1)
articles = st.builds(
    Article,
    title=single_line.filter(str.strip),
    source=st.none() | single_line,
    date=st.dates(dt.date(1900, 1, 1), dt.date(2999, 12, 31)),
    slug=st.from_regex(SAFE_SLUG, fullmatch=True),
    body=single_line.map(str.strip),
    date_estimated=st.booleans(),
    related=st.lists(st.from_regex(SAFE_SLUG, fullmatch=True), max_size=3).map(tuple),
    origin=st.lists(single_line, max_size=2).map(tuple),
    category=st.none() | single_line,
    tags=st.lists(single_line, max_size=3).map(tuple),
    captured_at=st.none() | st.datetimes(timezones=st.just(dt.UTC)),
    truncated=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(article=articles)
def test_front_matter_round_trips(article: Article) -> None:
    assert parse_article(dump_article(article), Path("x.md")) == article
