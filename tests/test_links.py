"""Every internal href/src of a built site resolves to a file, at a domain root and under a subpath."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

import pytest
from sitekit import build, elements, html_files


def broken_links(site: Path, base_url: str) -> list[str]:
    """Return ``"page: href"`` for every internal link of ``site`` that does not reach a file.

    Internal means root-relative or on ``base_url``'s host; a root-relative link outside
    ``base_url``'s path is broken too (it would leave the site on a project page).
    """
    base = urlsplit(base_url)
    broken: list[str] = []
    for page in html_files(site):
        for tag, attrs in elements(page).tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                if value is None or (tag == "link" and attrs.get("rel") == "canonical"):
                    continue
                if not resolves(site, base, value):
                    broken.append(f"{page.relative_to(site)}: <{tag} {name}={value!r}>")
    return broken


def resolves(site: Path, base: SplitResult, href: str) -> bool:
    """True when ``href`` is external, or internal and names a file (a folder's index.html)."""
    url = urlsplit(href)
    if url.scheme in ("http", "https") and url.netloc != base.netloc:
        return True  # external
    if url.scheme not in ("", "http", "https") or not url.path.startswith("/"):
        return False  # relative links and other schemes are not what digest writes
    if not url.path.startswith(base.path):
        return False
    target = site / unquote(url.path[len(base.path):])
    if url.path.endswith("/"):
        target = target / "index.html"
    return target.is_file()


@pytest.mark.parametrize("base_url", ["https://news.example.org/", "https://user.github.io/repo/"])
def test_every_internal_link_resolves(tmp_path: Path, base_url: str) -> None:
    build(tmp_path, base_url=base_url)
    site = tmp_path / "site"
    assert broken_links(site, base_url) == []
    # the checker is not vacuous: it sees many links, and a missing file is caught
    links = sum(len(elements(p).tags) for p in html_files(site))
    assert links > 200
    (site / "sources/bbc-news/index.html").unlink()
    assert any("sources/bbc-news/" in b for b in broken_links(site, base_url))


def test_links_under_a_subpath_all_carry_it(tmp_path: Path) -> None:
    build(tmp_path, base_url="https://user.github.io/repo/")
    for page in html_files(tmp_path / "site"):
        for _, attrs in elements(page).tags:
            for name in ("href", "src"):
                value = attrs.get(name) or ""
                if value.startswith("/"):
                    assert value.startswith("/repo/"), (page, value)
