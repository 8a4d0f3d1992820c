"""Test helper: write a small content folder and build it into a site (shared by the build tests)."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

from digest.build import BuildReport, build_site
from digest.config import Config
from digest.content import article_path, dump_article
from digest.model import Article

HOSTILE_TITLE = "<script>alert(1)</script> Hostile headline"
HOSTILE_BODY = ("<script>alert(1)</script>\n\n[click me](javascript:alert(1))\n\n"
                "<img src=x onerror=alert(1)>\n\n\"></a><a href='javascript:alert(2)'>x</a>")

ARTICLES = (
    Article(title="Markets rally as rates hold", source="The Guardian", date=dt.date(2025, 5, 8),
            slug="markets-rally", body="Stocks rose on Thursday.\n\nAnalysts expect rates to hold.",
            related=("rates-hold",), origin=("guardian-page.txt",), tags=("Economy",),
            category="Business", url="https://example.com/markets"),
    Article(title="Central bank holds rates", source="BBC News", date=dt.date(2025, 5, 8),
            slug="rates-hold", body="The central bank held its rate at 4 per cent.",
            origin=("bbc-page.txt",)),
    Article(title="Storm hits the coast", source="BBC News", date=dt.date(2025, 5, 7),
            slug="storm-hits", body="A storm hit the coast overnight and the ferries stopped.",
            truncated=True, date_estimated=True),
    Article(title="Who wrote this", source=None, date=dt.date(2025, 5, 7), slug="who-wrote",
            body="A story whose page names no source."),
    Article(title=HOSTILE_TITLE, source="The Guardian", date=dt.date(2025, 5, 7),
            slug="hostile", body=HOSTILE_BODY, tags=("<b>Tag</b>",)),
    Article(title="Le président en visite", source="Le Monde", date=dt.date(2025, 4, 30),
            slug="visite", body="Le président était en visite officielle.", lang="fr"),
)
"""Six articles over three sources and the unknown one, three days in two months."""


def write_content(root: Path, articles: tuple[Article, ...] = ARTICLES) -> Path:
    """Write ``articles`` as content files under ``root/content``; return that folder."""
    content = root / "content"
    for article in articles:
        path = content / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_article(article), encoding="utf-8")
    return content


def make_config(root: Path, **overrides: object) -> Config:
    """Return a config rooted at ``root`` with small pages (2 per page) unless overridden."""
    values: dict[str, object] = {"root": root, "items_per_page": 2, "timezone": "Europe/Paris",
                                 "base_url": "https://news.example.org/"}
    values.update(overrides)
    return Config(**values)  # type: ignore[arg-type]


def build(root: Path, *, base_url: str | None = None, **overrides: object) -> BuildReport:
    """Write the sample content under ``root`` (once) and build it into ``root/site``."""
    if not (root / "content").exists():
        write_content(root)
    return build_site(make_config(root, **overrides), base_url=base_url, ingest=False)


class Elements(HTMLParser):
    """Collect every start tag with its attributes, and the text inside ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def elements(path: Path) -> Elements:
    """Parse the HTML file at ``path``."""
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def html_files(site: Path) -> list[Path]:
    """Every ``*.html`` file of a built site, sorted."""
    return sorted(site.rglob("*.html"))
