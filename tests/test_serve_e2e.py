"""``digest serve`` end to end: a real server process and a real headless Chromium tab.

Edits on disk must show in the open tab without a manual reload; a broken config shows a banner
above the site header (closable from the keyboard) until it is fixed; a missing URL gets the site's
themed 404 page; a page dropped into the input folder appears; SIGINT stops cleanly.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import pytest

from digest.content import article_path, dump_article
from digest.model import Article

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[1]
DEMO_PAGE = REPO / "pages" / "school-roof.txt"

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
if importlib.util.find_spec("playwright") is None:
    pytest.skip("playwright (Python) is not installed", allow_module_level=True)
if importlib.util.find_spec("digest.build") is None:
    pytest.skip("digest/build.py does not exist yet", allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from digest.config import load_config  # noqa: E402
from digest.serve import SiteBuilder  # noqa: E402

ARTICLES = [
    Article(title="Harbour wall repairs begin", source="Brackwater Post", date=dt.date(2025, 6, 2),
            slug="harbour-wall-repairs-begin", body="Work on the harbour wall started on Monday."),
    Article(title="Ferry timetable changes", source="Island Courier", date=dt.date(2025, 6, 1),
            slug="ferry-timetable-changes", body="The summer timetable starts next week."),
]
CONFIG = "title: Test Digest\ntimezone: Europe/London\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def write_site(root: Path) -> None:
    (root / "digest.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "pages").mkdir()
    for article in ARTICLES:
        path = root / "content" / article_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_article(article), encoding="utf-8")


def pump(stream: IO[str], into: queue.Queue[str], keep: list[str]) -> None:
    """Copy lines from ``stream`` into ``into`` (and ``keep``) until it closes."""
    for line in stream:
        keep.append(line)
        into.put(line)


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    root: Path
    tmp: Path
    stdout: list[str]
    stderr: list[str]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root, tmp = tmp_path / "site", tmp_path / "tmp"
    root.mkdir()
    tmp.mkdir()
    write_site(root)
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "digest.cli", "serve", "--port", str(free_port())],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    out: list[str] = []
    err: list[str] = []
    assert process.stdout is not None and process.stderr is not None
    threading.Thread(target=pump, args=(process.stdout, lines, out), daemon=True).start()
    threading.Thread(target=pump, args=(process.stderr, queue.Queue(), err), daemon=True).start()
    url = ""
    deadline = time.monotonic() + 20
    while not url and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            assert process.poll() is None, f"digest serve exited: {''.join(err)}"
            continue
        if line.startswith("serving at "):
            url = line.split()[2]
    assert url.startswith("http://127.0.0.1:"), f"no URL announced: {out} {err}"
    yield Server(process, url, root, tmp, out, err)
    if process.poll() is None:
        process.kill()
        process.wait(5)


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser.new_page()
        browser.close()


def title_reload_seconds(page: Page, server: Server) -> float:
    """Edit the first article's title on disk; return how long until the open tab shows it."""
    marker: Any = page.evaluate("() => { window.__marker = 42; return window.__marker; }")
    assert marker == 42
    edited = replace(ARTICLES[0], title="Harbour wall repairs finished early")
    started = time.monotonic()
    (server.root / "content" / article_path(edited)).write_text(dump_article(edited), encoding="utf-8")
    expect(page.locator("body")).to_contain_text("Harbour wall repairs finished early", timeout=5000)
    seconds = time.monotonic() - started
    # The page was reloaded by the server, not patched: the old window state is gone.
    assert page.evaluate("() => window.__marker === undefined")
    return seconds


def assert_banner_is_above_the_header(page: Page) -> None:
    """The error banner takes its own space: it ends where the site header begins."""
    banner = page.locator("#digest-build-error").bounding_box()
    header = page.locator(".site-header").bounding_box()
    assert banner is not None and header is not None
    assert banner["y"] == 0 and banner["height"] > 0
    assert header["y"] >= banner["y"] + banner["height"] - 0.5


def dismiss_banner_with_the_keyboard(page: Page) -> None:
    """Tab to the banner's close button (the first focusable element) and press Enter."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == (
        "Dismiss the build error")
    page.keyboard.press("Enter")
    expect(page.locator("#digest-build-error")).to_have_count(0)
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["y"] == 0


def test_serve_reloads_the_open_tab_and_stops_cleanly(server: Server, page: Page) -> None:
    page.goto(server.url)
    expect(page.locator("body")).to_contain_text("Harbour wall repairs begin")
    assert "EventSource" in page.content()
    seconds = title_reload_seconds(page, server)
    assert seconds < 5

    # A broken config: the last good site stays, with the error (file:line: message) on top.
    config = server.root / "digest.yaml"
    config.write_text(CONFIG + "colour: blue\n", encoding="utf-8")
    banner = page.locator("#digest-build-error")
    expect(banner).to_contain_text("digest.yaml:3: unknown key 'colour'", timeout=5000)
    expect(page.locator("body")).to_contain_text("Harbour wall repairs finished early")
    assert_banner_is_above_the_header(page)
    dismiss_banner_with_the_keyboard(page)
    page.evaluate("() => { window.__dismissed = true; }")
    config.write_text(CONFIG, encoding="utf-8")
    page.wait_for_function("() => window.__dismissed === undefined", timeout=5000)  # reloaded
    expect(banner).to_have_count(0)

    # A missing URL gets the site's own themed 404.html, with status 404 and live reload.
    response = page.goto(server.url + "no/such/page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator(".site-header")).to_be_visible()
    assert "EventSource" in page.content()
    page.goto(server.url)

    # A page dropped into the input folder is ingested and appears.
    shutil.copy(DEMO_PAGE, server.root / "pages" / DEMO_PAGE.name)
    shutil.copy(DEMO_PAGE.with_suffix(".meta.yaml"), server.root / "pages")
    expect(page.locator("body")).to_contain_text(
        "Brackwater primary school to reopen after roof repairs", timeout=10000)

    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(15) == 0
    time.sleep(0.1)  # let the pump threads read the last lines
    stderr = "".join(server.stderr)
    assert "Traceback" not in stderr, stderr
    assert "digest.yaml:3: unknown key 'colour'" in stderr  # the failed build was logged
    assert list(server.tmp.iterdir()) == []  # the temporary build folder is gone
    assert not (server.root / "site").exists()  # site/ is never written by serve
    assert any(line.startswith("rebuilt in ") for line in server.stdout)


def test_site_builder_watches_what_the_reloaded_config_names(tmp_path: Path) -> None:
    """After a build with an edited config, its folders are watched, not the ones at start."""
    root = tmp_path / "site"
    root.mkdir()
    write_site(root)
    (root / "static").mkdir()  # a root static/ is never published, so never watched
    config_path = root / "digest.yaml"
    builder = SiteBuilder(load_config(config_path), config_path, tmp_path / "out")
    before = {p.resolve() for p in builder.watched()}
    assert {root / "content", root / "templates", root / "pages", config_path} <= before
    assert root / "static" not in before

    (root / "content").rename(root / "news")
    config_path.write_text(CONFIG + "content_dir: news\ntemplates_dir: theme\n", encoding="utf-8")
    builder("http://127.0.0.1:8123/preview/")
    after = {p.resolve() for p in builder.watched()}
    assert {root / "news", root / "theme", config_path} <= after
    assert root / "content" not in after and root / "templates" not in after
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Harbour wall repairs begin" in index
    assert 'href="/preview/' in index or "http://127.0.0.1:8123/preview/" in index  # its base URL


def test_serve_watches_a_content_folder_named_by_an_edited_config(server: Server,
                                                                   page: Page) -> None:
    page.goto(server.url)
    expect(page.locator("body")).to_contain_text("Harbour wall repairs begin")
    (server.root / "content").rename(server.root / "news")
    moved = CONFIG.replace("Test Digest", "Moved Digest") + "content_dir: news\n"
    (server.root / "digest.yaml").write_text(moved, encoding="utf-8")
    # The tab reloads only after the build with the new config, and so after its watch refresh.
    expect(page.locator(".site-header")).to_contain_text("Moved Digest", timeout=5000)
    expect(page.locator("body")).to_contain_text("Harbour wall repairs begin")
    edited = replace(ARTICLES[0], title="Harbour wall repairs moved folders")
    (server.root / "news" / article_path(edited)).write_text(dump_article(edited), encoding="utf-8")
    expect(page.locator("body")).to_contain_text("Harbour wall repairs moved folders", timeout=5000)
