"""Front matter: written with a YAML serializer, read back identically, bad files named with line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from digest.content import article_path, dump_article, load_articles, markdown_paragraph, parse_article
from digest.errors import ContentError
from digest.model import Article

ARTICLE = Article(
    title="Council \"><script>alert(1)</script> row: part 2",
    source="Coastal Herald",
    date=dt.date(2025, 6, 8),
    slug="council-row-part-2",
    body="First paragraph.\n\nSecond: with a colon # and a hash.",
    date_estimated=True,
    related=("other-story",),
    origin=("pages/a.txt", "pages/b.txt"),
    tags=("Eastmouth",),
    captured_at=dt.datetime(2025, 6, 8, 9, 30, tzinfo=dt.UTC),
    truncated=True,
)


def test_round_trip_is_exact() -> None:
    text = dump_article(ARTICLE)
    assert parse_article(text, Path("x.md")) == ARTICLE
    assert dump_article(parse_article(text, Path("x.md"))) == text


def test_front_matter_layout() -> None:
    text = dump_article(ARTICLE)
    assert text.startswith("---\ntitle: ")
    assert "\ndate: 2025-06-08\n" in text
    assert text.endswith("---\nFirst paragraph.\n\nSecond: with a colon # and a hash.\n")


def test_path_is_year_month_slug() -> None:
    assert article_path(ARTICLE) == Path("2025/06/council-row-part-2.md")


def test_crlf_and_bom_are_accepted() -> None:
    text = "\ufeff" + dump_article(ARTICLE).replace("\n", "\r\n")
    assert parse_article(text, Path("x.md")) == ARTICLE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter\n", r"x.md:1: no front matter"),
        ("---\ntitle: a\n", r"x.md:1: front matter is not closed"),
        ("---\ntitle: a\ndate: 12/03\nslug: a\n---\nbody\n", r"x.md:3: front matter: 'date' must be"),
        ("---\ntitle: a\nslug: a\n---\nbody\n", r"x.md:2: front matter: 'date' is required"),
        ("---\ntitle: [a\n---\nbody\n", r"x.md:\d+: front matter is not valid YAML"),
    ],
)
def test_bad_files_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ContentError, match=message):
        parse_article(text, Path("x.md"))


def test_load_articles_keeps_good_files_and_reports_bad_ones(tmp_path: Path) -> None:
    newer = Article(title="B", source=None, date=dt.date(2025, 7, 1), slug="b", body="x")
    for article in (ARTICLE, newer):
        path = tmp_path / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_article(article), encoding="utf-8")
    (tmp_path / "broken.md").write_text("---\ntitle: x\n", encoding="utf-8")
    articles, errors = load_articles(tmp_path)
    assert [a.slug for a in articles] == ["b", "council-row-part-2"]
    assert len(errors) == 1 and "broken.md:1:" in str(errors[0])


def test_a_hand_written_article_needs_only_title_and_date() -> None:
    article = parse_article("---\ntitle: My own story\ndate: 2025-01-02\n---\nText.\n",
                            Path("content/2025/01/my-own-story.md"))
    assert (article.slug, article.title, article.source, article.body) == (
        "my-own-story", "My own story", None, "Text.")


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("---", "\\---"),
        ("# Not a heading really", "\\# Not a heading really"),
        ("1. First point", "1\\. First point"),
        ("> quoted", "\\> quoted"),
        ("- a dash", "\\- a dash"),
        ("[a]: https://example.org", "\\[a]: https://example.org"),
        ("#hashtag and 1.5 million people", "#hashtag and 1.5 million people"),
        ("  indented text", "indented text"),
    ],
)
def test_plain_text_paragraph_renders_back_as_itself(text: str, markdown: str) -> None:
    assert markdown_paragraph(text) == markdown
    html = MarkdownIt("commonmark", {"html": False}).render(markdown).strip()
    assert html == f"<p>{text.strip().replace('>', '&gt;')}</p>"
