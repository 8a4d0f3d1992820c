"""The generic live-reload server: debounced rebuilds from real file events, and its HTTP side.

Watcher tests do real file operations in ``tmp_path`` (plain writes, rename-over, vim's save
sequence, editor debris, a bulk copy) against a counting fake builder and assert the exact number
of builds. Request tests talk HTTP to a server on a free port of 127.0.0.1.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from digest.livereload import (
    EVENTS_PATH,
    BuildFailed,
    BuildState,
    LiveReload,
    Rebuilder,
    Watcher,
    bind_server,
    inject,
    is_editor_debris,
    resolve_request,
)

DELAY = 0.2
"""Debounce used in these tests (seconds)."""
QUIET = 0.7
"""How long a build count must stay put to count as final (seconds; > DELAY + event latency)."""


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` every 20 ms until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def settled_builds(rebuilder: Rebuilder, at_least: int) -> int:
    """Wait for ``at_least`` builds and no pending change, then for QUIET s; return the count."""
    wait_for(lambda: rebuilder.builds >= at_least and not rebuilder.state.pending)
    count = rebuilder.builds
    deadline = time.monotonic() + QUIET
    while time.monotonic() < deadline:
        time.sleep(0.02)
        if rebuilder.builds != count or rebuilder.state.pending:
            wait_for(lambda: not rebuilder.state.pending)
            count, deadline = rebuilder.builds, time.monotonic() + QUIET
    return count


@dataclass
class FakeBuilder:
    """Counts calls; writes ``index.html`` (with the call number) and a page into ``root``."""

    root: Path
    seconds: float = 0.0
    """How long each build takes."""
    fail_with: str | None = None
    writes: list[Path] = field(default_factory=list)
    """Files inside watched folders each build (re)writes and reports as its own."""
    calls: int = 0

    def __call__(self, url: str = "") -> list[Path]:
        self.calls += 1
        time.sleep(self.seconds)
        for path in self.writes:
            path.write_text(f"written by build {self.calls}\n", encoding="utf-8")
        if self.fail_with:
            raise BuildFailed(self.fail_with)
        (self.root / "sub").mkdir(parents=True, exist_ok=True)
        (self.root / "index.html").write_text(
            f"<!DOCTYPE html><html><body><h1>build {self.calls}</h1></body></html>\n",
            encoding="utf-8")
        (self.root / "sub" / "page.html").write_text(
            "<html><BODY><p>sub page</p></BODY></html>", encoding="utf-8")
        (self.root / "style.css").write_text("body { color: black }\n", encoding="utf-8")
        return list(self.writes)


# --------------------------------------------------------------------------- debris names


@pytest.mark.parametrize("name", [
    ".article.md.swp", ".article.md.swx", "article.md~", "4913", "5036", ".#article.md",
    "#article.md#", ".goutputstream-ZX81QB", "article.md.tmp", ".tmp-abc123.md",
    "article.md___jb_tmp___", "sedAb12Cd", "page.txt.crdownload", ".DS_Store",
])
def test_editor_debris_is_recognised(name: str) -> None:
    assert is_editor_debris(Path("/site/content/2025") / name)


@pytest.mark.parametrize("name", [
    "article.md", "digest.yaml", "base.html", "style.css", "page-4913.txt", "2025",
    "sedan-review.md",
])
def test_real_files_are_not_debris(name: str) -> None:
    assert not is_editor_debris(Path("/site/content") / name)


# --------------------------------------------------------------------------- watching


@dataclass
class Watched:
    src: Path
    builder: FakeBuilder
    rebuilder: Rebuilder


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[Watched]:
    """A watched ``src/`` folder (with one article) feeding a counting builder; no initial build."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    (src / "a.md").write_text("first\n", encoding="utf-8")
    builder = FakeBuilder(out)
    state = BuildState()
    rebuilder = Rebuilder(builder, state, delay=DELAY, announce=lambda message: None)
    watcher = Watcher([src], rebuilder)
    rebuilder.after_build = watcher.refresh
    rebuilder.start(build_now=False)
    watcher.start()
    time.sleep(0.05)
    yield Watched(src, builder, rebuilder)
    watcher.stop()
    rebuilder.stop()


def test_plain_write_gives_one_build(watched: Watched) -> None:
    (watched.src / "a.md").write_text("second\n", encoding="utf-8")
    assert settled_builds(watched.rebuilder, 1) == 1


def test_two_writes_for_one_save_give_one_build(watched: Watched) -> None:
    path = watched.src / "a.md"
    path.write_text("", encoding="utf-8")  # truncate, then write: two modify events
    with path.open("a", encoding="utf-8") as f:
        f.write("saved\n")
    assert settled_builds(watched.rebuilder, 1) == 1


def test_rename_over_gives_one_build(watched: Watched) -> None:
    temp = watched.src / "a.md.tmp"
    temp.write_text("atomic save\n", encoding="utf-8")
    os.replace(temp, watched.src / "a.md")
    assert settled_builds(watched.rebuilder, 1) == 1


def test_new_file_in_a_new_folder_gives_one_build(watched: Watched) -> None:
    folder = watched.src / "2025" / "06"
    folder.mkdir(parents=True)
    (folder / "new.md").write_text("new\n", encoding="utf-8")
    assert settled_builds(watched.rebuilder, 1) == 1


def test_vim_save_sequence_gives_one_build(watched: Watched) -> None:
    """vim with 'backupcopy=no': probe 4913, swap file, rename to a.md~, write, drop backup."""
    src = watched.src
    (src / ".a.md.swp").write_bytes(b"swap")
    probe = src / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    os.rename(src / "a.md", src / "a.md~")
    (src / "a.md").write_text("saved by vim\n", encoding="utf-8")
    (src / "a.md~").unlink()
    (src / ".a.md.swp").write_bytes(b"swap 2")
    assert settled_builds(watched.rebuilder, 1) == 1


def test_editor_debris_alone_gives_no_build(watched: Watched) -> None:
    src = watched.src
    probe = src / "4913"
    probe.write_bytes(b"")
    probe.unlink()
    for name in (".a.md.swp", ".a.md.swx", "a.md~", ".#a.md", ".goutputstream-QW12ER", "x.tmp"):
        (src / name).write_bytes(b"debris")
        (src / name).write_bytes(b"debris again")
    (src / ".a.md.swx").unlink()
    time.sleep(QUIET)
    assert watched.rebuilder.builds == 0
    assert not watched.rebuilder.state.pending


def test_bulk_copy_of_200_files_gives_one_build(watched: Watched, tmp_path: Path) -> None:
    outside = tmp_path / "download"
    outside.mkdir()
    for i in range(200):
        (outside / f"page-{i:03}.txt").write_text(f"page {i}\n" * 20, encoding="utf-8")
    shutil.copytree(outside, watched.src / "batch")
    assert settled_builds(watched.rebuilder, 1) == 1
    assert len(list((watched.src / "batch").iterdir())) == 200


def test_changes_during_a_build_queue_exactly_one_more(watched: Watched) -> None:
    watched.builder.seconds = 0.6
    (watched.src / "a.md").write_text("one\n", encoding="utf-8")
    wait_for(lambda: watched.builder.calls == 1)
    for i in range(5):
        (watched.src / f"during-{i}.md").write_text("x\n", encoding="utf-8")
        time.sleep(0.02)
    assert settled_builds(watched.rebuilder, 2) == 2


def test_files_the_build_writes_itself_give_no_extra_build(watched: Watched) -> None:
    """Like ingest writing content/*.md during a build: those events are the build's own."""
    watched.builder.writes = [watched.src / "ingested.md"]
    (watched.src / "a.md").write_text("edited\n", encoding="utf-8")
    assert settled_builds(watched.rebuilder, 1) == 1
    (watched.src / "ingested.md").write_text("edited by hand\n", encoding="utf-8")
    assert settled_builds(watched.rebuilder, 2) == 2


def test_watched_file_ignores_its_neighbours(tmp_path: Path) -> None:
    """A watched config file: sibling files do not count; a rename-over of it does."""
    config = tmp_path / "digest.yaml"
    config.write_text("title: A\n", encoding="utf-8")
    builder = FakeBuilder(tmp_path / "out")
    rebuilder = Rebuilder(builder, BuildState(), delay=DELAY, announce=lambda message: None)
    watcher = Watcher([config], rebuilder)
    rebuilder.start(build_now=False)
    watcher.start()
    try:
        (tmp_path / "README.md").write_text("notes\n", encoding="utf-8")
        time.sleep(QUIET)
        assert rebuilder.builds == 0
        (tmp_path / "digest.yaml.tmp").write_text("title: B\n", encoding="utf-8")
        os.replace(tmp_path / "digest.yaml.tmp", config)
        assert settled_builds(rebuilder, 1) == 1
    finally:
        watcher.stop()
        rebuilder.stop()


# --------------------------------------------------------------------------- worker survival


def raising_once(error: BaseException, then: Callable[[], object] = lambda: None) -> Callable[[], None]:
    """Return a function that raises ``error`` on its first call and calls ``then`` after."""
    calls = []

    def call() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise error
        then()

    return call


@pytest.mark.parametrize("breaks", ["after_build", "announce", "builder_result", "builder_exit"])
def test_the_worker_survives_a_failure_after_any_build_step(
        tmp_path: Path, breaks: str, caplog: pytest.LogCaptureFixture) -> None:
    """Whatever raises around the first build, requests are not held and a later edit rebuilds.

    ``after_build`` is the watcher's refresh (``observer.schedule`` raising at the inotify watch
    limit); ``announce`` prints to a closed terminal; the builder returns something that is not
    paths, or calls ``sys.exit``.
    """
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    out.mkdir()
    builder = FakeBuilder(out)
    first_call: Callable[[str], object] = builder
    if breaks == "builder_result":
        def first_call(url: str) -> object:
            result = builder(url)
            return 42 if builder.calls == 1 else result
    elif breaks == "builder_exit":
        def first_call(url: str) -> object:
            if builder.calls == 0:
                builder.calls += 1
                raise SystemExit(3)
            return builder(url)
    announce_once = raising_once(OSError("stdout closed"))
    live = LiveReload(first_call, out, watch=[src], port=0, delay=0.05,  # type: ignore[arg-type]
                      announce=(lambda message: announce_once()) if breaks == "announce"
                      else (lambda message: None))
    assert live.watcher is not None
    if breaks == "after_build":
        live.rebuilder.after_build = raising_once(OSError(28, "inotify watch limit reached"),
                                                  then=live.watcher.refresh)
    with caplog.at_level(logging.ERROR, logger="digest.livereload"):
        live.start()
        try:
            wait_for(lambda: live.state.number == 1)
            served = Served(live, builder, out, tmp_path)
            started = time.monotonic()
            status, _, _ = served.get("/", timeout=5)
            assert time.monotonic() - started < 2  # not held for HOLD_TIMEOUT
            assert status == (404 if breaks == "builder_exit" else 200)
            (src / "a.md").write_text("edited\n", encoding="utf-8")
            wait_for(lambda: live.state.number >= 2 and not live.state.pending)
            status, _, body = served.get("/")
            assert status == 200 and f"<h1>build {builder.calls}</h1>" in body
            assert "digest-build-error" not in body
            assert live.rebuilder._thread.is_alive()
        finally:
            live.stop()
    assert any(record.exc_info for record in caplog.records)  # logged with its traceback


def test_a_failed_schedule_is_retried_after_the_next_build(
        watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that cannot be watched yet (inotify limit, removed meanwhile) is tried again."""
    later = tmp_path / "later"
    later.mkdir()
    paths = [watched.src, later]
    watcher = Watcher(lambda: paths, watched.rebuilder)
    real_schedule = watcher.observer.schedule
    failures: list[str] = []

    def schedule(handler: Any, path: str, **kwargs: Any) -> Any:
        if path == str(later) and not failures:
            failures.append(path)
            raise OSError(28, "inotify watch limit reached")
        return real_schedule(handler, path, **kwargs)

    monkeypatch.setattr(watcher.observer, "schedule", schedule)
    watched.rebuilder.after_build = watcher.refresh
    watcher.start()
    try:
        assert failures == [str(later)]
        (later / "x.md").write_text("not watched yet\n", encoding="utf-8")
        time.sleep(QUIET)
        assert watched.rebuilder.builds == 0
        (watched.src / "a.md").write_text("edited\n", encoding="utf-8")
        assert settled_builds(watched.rebuilder, 1) == 1
        (later / "x.md").write_text("watched now\n", encoding="utf-8")
        assert settled_builds(watched.rebuilder, 2) == 2
    finally:
        watcher.stop()


# --------------------------------------------------------------------------- watched paths


def test_watched_paths_follow_their_source_on_refresh(watched: Watched, tmp_path: Path) -> None:
    """A function as the paths: after a refresh, the new folder counts and the old one not."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    paths = [old]
    watcher = Watcher(lambda: paths, watched.rebuilder)
    watcher.start()
    try:
        (old / "a.md").write_text("one\n", encoding="utf-8")
        assert settled_builds(watched.rebuilder, 1) == 1
        paths[:] = [new]
        watcher.refresh()
        (old / "a.md").write_text("two\n", encoding="utf-8")
        time.sleep(QUIET)
        assert watched.rebuilder.builds == 1
        (new / "b.md").write_text("three\n", encoding="utf-8")
        assert settled_builds(watched.rebuilder, 2) == 2
    finally:
        watcher.stop()


def test_a_folder_inside_a_watched_folder_gets_no_second_watch(watched: Watched) -> None:
    inner = watched.src / "templates"
    inner.mkdir()
    watcher = Watcher([watched.src, inner, watched.src / "a.md"], watched.rebuilder)
    watcher.start()
    try:
        assert [emitter.watch.path for emitter in watcher.observer.emitters] == [str(watched.src)]
        (inner / "base.html").write_text("<html></html>\n", encoding="utf-8")
        assert settled_builds(watched.rebuilder, 1) == 1
    finally:
        watcher.stop()


def duplicate_callback_warning(module: str) -> None:
    """Issue watchdog's duplicate-callback RuntimeWarning as if from ``module``."""
    warnings.warn_explicit("Callback with id '1' already exists for watch <Watch: wd=1>. "
                           "It will be Overwritten.", RuntimeWarning, "inotify.py", 449,
                           module=module)


def test_duplicate_callback_warning_is_silenced_only_for_watchdog_while_watching(
        tmp_path: Path) -> None:
    rebuilder = Rebuilder(FakeBuilder(tmp_path), BuildState(), delay=DELAY,
                          announce=lambda message: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = list(warnings.filters)
        watcher = Watcher([tmp_path], rebuilder)
        watcher.start()
        duplicate_callback_warning("watchdog.observers.inotify")
        assert caught == []
        duplicate_callback_warning("digest.elsewhere")
        warnings.warn("Callback with id: another library's own warning", RuntimeWarning, stacklevel=1)
        assert len(caught) == 2
        watcher.stop()
        assert list(warnings.filters) == before
        duplicate_callback_warning("watchdog.observers.inotify")
        assert len(caught) == 3


# --------------------------------------------------------------------------- HTTP


@dataclass
class Served:
    live: LiveReload
    builder: FakeBuilder
    root: Path
    secret: Path

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, str, str]:
        """Send ``GET path`` verbatim; return (status, content type, body)."""
        host, port = self.live.server.server_address[:2]
        conn = http.client.HTTPConnection(str(host), port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return (response.status, response.getheader("Content-Type") or "",
                    response.read().decode("utf-8"))
        finally:
            conn.close()

    def rebuild(self) -> None:
        """Signal a change and wait until the build it causes has finished."""
        number = self.live.state.number
        self.live.rebuilder.changed(str(self.root.parent / "src" / "a.md"))
        wait_for(lambda: self.live.state.number > number and not self.live.state.pending)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A LiveReload on a free port serving ``tmp/out``; a secret file and symlinks beside it."""
    root, secret_dir = tmp_path / "out", tmp_path / "private"
    root.mkdir()
    secret_dir.mkdir()
    secret = secret_dir / "secret.txt"
    secret.write_text("TOP SECRET\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP SECRET\n", encoding="utf-8")
    builder = FakeBuilder(root)
    live = LiveReload(builder, root, watch=[], host="127.0.0.1", port=0, delay=0.05,
                      announce=lambda message: None)
    live.start()
    wait_for(lambda: live.state.number == 1)
    (root / "link").symlink_to(secret_dir)
    (root / "escape.txt").symlink_to(secret)
    yield Served(live, builder, root, secret)
    live.stop()


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/../private/secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
    "/sub/%2e%2e%2f%2e%2e%2fprivate%2fsecret.txt", "/..%2fsecret.txt", "/sub/../../secret.txt",
    "/link/secret.txt", "/escape.txt", "/%00", "/..\\secret.txt",
])
def test_requests_cannot_leave_the_served_folder(served: Served, path: str) -> None:
    status, _, body = served.get(path)
    assert status == 404
    assert "TOP SECRET" not in body


def test_resolve_request_keeps_inside(tmp_path: Path) -> None:
    (tmp_path / "a b").mkdir()
    assert resolve_request(tmp_path, "/a%20b/") == (tmp_path / "a b").resolve()
    assert resolve_request(tmp_path, "/") == tmp_path.resolve()
    assert resolve_request(tmp_path, "/a%20b/..") is None
    assert resolve_request(tmp_path, "/a%2Fb") is None


def test_served_html_has_the_reload_script_and_the_file_does_not(served: Served) -> None:
    status, kind, body = served.get("/")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert "<h1>build 1</h1>" in body
    assert f'new URL("{EVENTS_PATH}", location.href)' in body
    assert body.index("EventSource") < body.index("</body>")
    assert "EventSource" not in (served.root / "index.html").read_text(encoding="utf-8")
    _, _, sub = served.get("/sub/page.html")
    assert f'"../{EVENTS_PATH}"' in sub and sub.index("EventSource") < sub.index("</BODY>")
    assert "EventSource" not in (served.root / "sub" / "page.html").read_text(encoding="utf-8")


def test_non_html_is_served_unchanged(served: Served) -> None:
    status, kind, body = served.get("/style.css")
    assert (status, kind, body) == (200, "text/css", "body { color: black }\n")


def test_folder_without_slash_redirects_relatively(served: Served) -> None:
    host, port = served.live.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=5)
    conn.request("GET", "/sub?x=1")
    response = conn.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "sub/")
    conn.close()


def test_missing_page_is_404_with_the_reload_script(served: Served) -> None:
    status, _, body = served.get("/nothing/here.html")
    assert status == 404
    assert "No page at /nothing/here.html" in body and f'"../{EVENTS_PATH}"' in body


THEMED_404 = ('<!DOCTYPE html><html><head><title>Page not found</title></head>'
              '<body class="site"><header>Test Digest</header><h1>Page not found</h1></body></html>\n')


def test_missing_page_serves_the_sites_own_404_html(served: Served) -> None:
    (served.root / "404.html").write_text(THEMED_404, encoding="utf-8")
    status, kind, body = served.get("/nothing/here.html")
    assert (status, kind) == (404, "text/html; charset=utf-8")
    script_at = body.index("<script>")
    assert body[:script_at] + body[body.index("</script>\n") + len("</script>\n"):] == THEMED_404
    assert f'new URL("../{EVENTS_PATH}", location.href)' in body
    assert "No page at" not in body
    assert (served.root / "404.html").read_text(encoding="utf-8") == THEMED_404


def test_head_of_a_missing_page_is_404_without_a_body(served: Served) -> None:
    (served.root / "404.html").write_text(THEMED_404, encoding="utf-8")
    host, port = served.live.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=5)
    conn.request("HEAD", "/missing/")
    response = conn.getresponse()
    assert response.status == 404 and response.read() == b""
    assert int(response.getheader("Content-Length") or 0) > len(THEMED_404)
    conn.close()


def test_site_404_html_gets_the_error_banner_after_a_failed_build(served: Served) -> None:
    (served.root / "404.html").write_text(THEMED_404, encoding="utf-8")
    served.builder.fail_with = "templates/base.html:7: unexpected '}'"
    served.rebuild()
    status, _, body = served.get("/gone.html")
    assert status == 404
    tree = parse_html(body)
    banner = tree.by_id(BANNER_ID)
    assert [child.tag for child in tree.find("body").children][:3] == ["div", "header", "h1"]
    assert tree.find("body").children[0] is banner
    assert "templates/base.html:7: unexpected '}'" in banner.text()


def test_failed_build_shows_a_banner_until_a_good_build(served: Served) -> None:
    error = "content/2025/06/a.md:3: front matter: 'date' must be YYYY-MM-DD"
    served.builder.fail_with = error
    served.rebuild()
    status, _, body = served.get("/")
    assert status == 200
    assert "<h1>build 1</h1>" in body  # the last good build is still served
    assert error in parse_html(body).by_id(BANNER_ID).text()
    served.builder.fail_with = None
    served.rebuild()
    _, _, body = served.get("/")
    assert "<h1>build 3</h1>" in body
    assert BANNER_ID not in body


def test_events_stream_sends_a_new_build_tag_after_a_rebuild(served: Served) -> None:
    host, port = served.live.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=5)
    conn.request("GET", "/" + EVENTS_PATH)
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_tag() -> str:
        while True:
            line = response.readline().decode()
            if line.startswith("data: "):
                return line[len("data: "):].strip()

    first = next_tag()
    assert first == served.live.state.tag and first.endswith(".1")
    served.rebuild()
    second = next_tag()
    assert second.endswith(".2") and second.split(".")[0] == first.split(".")[0]
    conn.close()


def test_requests_wait_for_a_running_build(served: Served) -> None:
    served.builder.seconds = 0.5
    served.live.rebuilder.changed(str(served.root.parent / "src" / "a.md"))
    started = time.monotonic()
    status, _, body = served.get("/")
    assert status == 200 and "<h1>build 2</h1>" in body
    assert time.monotonic() - started >= 0.3


def test_a_taken_port_moves_to_the_next(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.WARNING, logger="digest.livereload"):
            try:
                server = bind_server("127.0.0.1", port, tmp_path, BuildState())
            except OSError:
                pytest.skip(f"port {port + 1} is taken too")
        try:
            assert server.server_address[1] == port + 1
            assert server.url == f"http://127.0.0.1:{port + 1}/"
            assert f"port {port} is in use" in caplog.text
        finally:
            server.server_close()


def test_failed_first_build_serves_an_error_page(tmp_path: Path) -> None:
    builder = FakeBuilder(tmp_path / "out", fail_with="digest.yaml:2: unknown key 'colour'")
    live = LiveReload(builder, tmp_path / "out", watch=[], port=0, announce=lambda message: None)
    live.start()
    try:
        wait_for(lambda: live.state.number == 1)
        host, port = live.server.server_address[:2]
        conn = http.client.HTTPConnection(str(host), port, timeout=5)
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 404
        assert "<title>Build failed</title>" in body
        assert "digest.yaml:2: unknown key &#x27;colour&#x27;" in body and "EventSource" in body
        conn.close()
    finally:
        live.stop()


BANNER_ID = "digest-build-error"
"""The banner's id: the hook the end-to-end test (and a user's stylesheet) finds it by."""
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclass
class Element:
    """One element of a parsed page: enough structure to test where things are, not how."""

    tag: str
    attrs: dict[str, str | None]
    children: list[Element] = field(default_factory=list)
    parts: list[str | Element] = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    def descendants(self) -> Iterator[Element]:
        for child in self.children:
            yield child
            yield from child.descendants()

    def find(self, tag: str) -> Element:
        return next(e for e in self.descendants() if e.tag == tag)

    def by_id(self, id_: str) -> Element:
        found = [e for e in self.descendants() if e.id == id_]
        assert len(found) == 1, f"{len(found)} elements with id {id_!r}"
        return found[0]

    def text(self, *, styles: bool = False) -> str:
        """Return the text content (entities decoded); ``<style>``/``<script>`` only if ``styles``."""
        return "".join(
            part if isinstance(part, str)
            else part.text(styles=styles) if styles or part.tag not in ("style", "script") else ""
            for part in self.parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.stack[-1].parts.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for at in range(len(self.stack) - 1, 0, -1):
            if self.stack[at].tag == tag:
                del self.stack[at:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].parts.append(data)


def parse_html(text: str) -> Element:
    """Parse ``text`` into a tree of :class:`Element` (the document is the root)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


PAGE = (b'<!DOCTYPE html><html><head><title>x</title></head>\n<BODY class="home">\n'
        b'<header class="site-header">Digest</header><main>news</main>\n</BODY></html>\n')


HOSTILE_ERROR = """content/a.md:3: bad title <script>alert("x")</script> & 'date' </pre></div>"""
"""A build error that would break out of the banner (or run code) if it were not escaped."""
_OUT_OF_FLOW = re.compile(r"position\s*:\s*(?:fixed|absolute|sticky)", re.IGNORECASE)


def test_inject_puts_the_banner_first_in_body_and_the_script_last() -> None:
    text = inject(PAGE, tag="x.1", events_url=EVENTS_PATH, error="digest.yaml:2: bad").decode()
    body = parse_html(text).find("body")
    assert body.attrs["class"] == "home"
    assert body.children[0].id == BANNER_ID
    assert [child.tag for child in body.children] == ["div", "header", "main", "script"]
    assert text.endswith("</BODY></html>\n")


def test_banner_error_text_is_escaped() -> None:
    text = inject(PAGE, tag="x.1", events_url=EVENTS_PATH, error=HOSTILE_ERROR).decode()
    tree = parse_html(text)
    banner = tree.by_id(BANNER_ID)
    assert HOSTILE_ERROR in banner.text()  # shown as text, exactly
    assert [e.tag for e in banner.descendants()].count("script") == 0
    assert [child.tag for child in tree.find("body").children] == ["div", "header", "main", "script"]


def test_banner_stays_in_the_normal_flow() -> None:
    """It must push the page down, never cover the site header (no fixed/absolute/sticky)."""
    text = inject(PAGE, tag="x.1", events_url=EVENTS_PATH, error="digest.yaml:2: bad").decode()
    banner = parse_html(text).by_id(BANNER_ID)
    styles = [banner.attrs.get("style") or ""] + [
        (e.attrs.get("style") or "") + e.text(styles=True) for e in banner.descendants()]
    assert not any(_OUT_OF_FLOW.search(style) for style in styles)


def test_banner_has_a_close_button() -> None:
    text = inject(PAGE, tag="x.1", events_url=EVENTS_PATH, error="digest.yaml:2: bad").decode()
    buttons = [e for e in parse_html(text).by_id(BANNER_ID).descendants() if e.tag == "button"]
    assert len(buttons) == 1
    button = buttons[0]
    assert button.attrs.get("type") == "button"  # not a submit button of some enclosing form
    assert (button.attrs.get("aria-label") or button.text()).strip()  # has an accessible name


def test_inject_without_an_error_adds_only_the_script() -> None:
    text = inject(PAGE, tag="x.1", events_url=EVENTS_PATH, error=None).decode()
    assert BANNER_ID not in text
    script = text[text.index("<script>"):text.index("</script>\n") + len("</script>\n")]
    assert text.replace(script, "") == PAGE.decode()


def test_inject_without_body_appends() -> None:
    text = inject(b"<p>fragment</p>", tag="x.1", events_url=EVENTS_PATH,
                  error="bad <thing>").decode()
    top = parse_html(text).children
    assert [e.tag for e in top] == ["p", "div", "script"]
    assert top[1].id == BANNER_ID and "bad <thing>" in top[1].text()
    assert "thing" not in [e.tag for e in top[1].descendants()]


def test_stop_ends_open_event_streams(served: Served) -> None:
    """stop() must not hang on a browser's open events connection."""
    host, port = served.live.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), port, timeout=5)
    conn.request("GET", "/" + EVENTS_PATH)
    conn.getresponse()
    started = time.monotonic()
    stopper = threading.Thread(target=served.live.stop)
    stopper.start()
    stopper.join(5)
    assert not stopper.is_alive() and time.monotonic() - started < 3
    conn.close()
