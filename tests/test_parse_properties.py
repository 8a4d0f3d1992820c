"""Property tests: :func:`digest.ingest.parse.parse_page` never raises and always returns sane stories.

Inputs: random text, random sequences of page-like lines, and real-looking pages (an inline
sample, plus every handed page in ``../shared`` when it exists) with lines deleted, cut at a
random point, or shuffled.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.ingest.dates import parse_stamp_line
from digest.ingest.items import is_body_bullet, is_bullet
from digest.ingest.parse import parse_page
from digest.model import ParsedPage, Story

SHARED = Path(__file__).resolve().parents[2] / "shared"
CAPTURED = dt.datetime(2025, 6, 22, 12, tzinfo=dt.UTC)
FALLBACK = dt.datetime(2025, 6, 20, 8, tzinfo=dt.UTC)

SAMPLE = textwrap.dedent("""\
    logo
    Harbour council approves flood barrier

    Harbour council approves flood barrier

    The Coastal Herald14-03-2025

    Councillors voted 31 to 4 on Thursday night. 4 4 More text. 7
    Advertisement
    02:45
    Additional reporting by Tom Achebe

    Orange background

    Try Our AI Features

    Explore what Daily8 AI can do for you:

    Comments

    No comments yet...

    Related Articles

    Rail strike called off
    Rail strike called off

    Northern Wire

    timean hour ago

      \u2022 Northern Wire

    Rail strike called off

    March 15 (Northern Wire) - A walkout was suspended.

    Valley Times
    12 hours ago
    - Business
    - Valley Times
    Car park prices rise
    Parking will cost more.

    25 minutes ago
    Shares edge higher
    Markets rose, due on Thursday.

    DOWNLOAD THE APP

    app-storeplay-store
""")

PAGE_LINES = [
    "logo", "#", "", "Latest news with #Tag", "Related Articles", "Articles connexes", "Hashtags",
    "Further Reading", "Try Our AI Features", "Comments", "DOWNLOAD THE APP", "Explore what Daily8",
    "The Guardian08-05-2025", "Independenta day ago", "9 News6 days ago", "Yahoo31-02-2025",
    "timean hour ago", "time2 hours ago", "time02-06-2025", "a few seconds ago", "16 minutes", "time",
    "  \u2022 Reuters", "- Business", "- ", "\u2022", "4 4", "3", "01:12", "%3Cp%3E%3C%2Fp%3E",
    "June 22 (Reuters) - Text.", "Jun. 1\u2014Text", "Feb 29 (Wire) - Leap.", "A title", "A title",
    "Body sentence.", "Body cut mid", " ", "\t", "\u2028", "\x0b", "\ufeff",
    "yesterday", "timehier", "timeil y a 2 jours", "il y a", "aujourd'hui", "Just now",
    "Watch: a caption", "- Reuters", "Reuters", "an unknown date",
    "- Fares are unchanged.", "\u2022 Tickets bought before Sunday remain valid", "Updated 13 hours ago",
    "Published 18-11-2025", "Channel 52 hours ago", "Photo: A Person/PA Wire", "Getty Images",
    "Yesterday",
]


def _pages() -> list[str]:
    found = [SAMPLE]
    for folder in ("pages", "seeds"):
        if (SHARED / folder).is_dir():
            found += [p.read_text(encoding="utf-8") for p in sorted((SHARED / folder).glob("*.txt"))]
    return found


PAGES = _pages()


def _check_bullets(story: Story) -> None:
    """A bullet in a body is written as a Markdown list item; in an item body it is a sentence or
    one of a run announced by a line ending in ``:`` (else it was header, left out)."""
    announced = False
    for paragraph in story.paragraphs:
        if not is_bullet(paragraph):
            announced = paragraph.endswith(":")
            continue
        assert paragraph.startswith("- ") and paragraph == " ".join(paragraph.split())
        assert story.is_main or announced or is_body_bullet(paragraph)


def _check(parsed: ParsedPage) -> None:
    for story in parsed.stories:
        assert story.title.strip() == story.title and story.title
        assert type(story.date) is dt.date
        assert story.paragraphs and all(p.strip() for p in story.paragraphs)
        _check_bullets(story)
        assert not [p for p in story.paragraphs if parse_stamp_line(p)]  # furniture, never body
        assert story.source is None or story.source.strip()
        assert story.title not in story.related_titles
    for skipped in parsed.skipped:
        assert skipped.title.strip()
    assert parsed.stories or parsed.warnings
    assert parsed.captured_at is not None and parsed.captured_at.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(text=st.text(), captured=st.sampled_from([None, CAPTURED]))
def test_random_text_never_raises(text: str, captured: dt.datetime | None) -> None:
    _check(parse_page(text, captured_at=captured, fallback_captured_at=FALLBACK))


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(PAGE_LINES) | st.text(max_size=30), max_size=40),
       captured=st.sampled_from([None, CAPTURED]))
def test_page_like_lines_never_raise(lines: list[str], captured: dt.datetime | None) -> None:
    _check(parse_page("\n".join(lines), captured_at=captured, fallback_captured_at=FALLBACK))


@st.composite
def _mangled(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(PAGES)).split("\n")
    how = draw(st.sampled_from(["delete", "cut", "shuffle", "all"]))
    if how in ("delete", "all") and lines:
        doomed = set(draw(st.lists(st.integers(0, len(lines) - 1), max_size=8)))
        lines = [line for i, line in enumerate(lines) if i not in doomed]
    if how in ("shuffle", "all"):
        lines = draw(st.permutations(lines))
    text = "\n".join(lines)
    if how in ("cut", "all"):
        text = text[:draw(st.integers(0, len(text)))]
    return text


@settings(max_examples=300, deadline=None)
@given(text=_mangled(), captured=st.sampled_from([None, CAPTURED]))
def test_mangled_pages_never_raise(text: str, captured: dt.datetime | None) -> None:
    _check(parse_page(text, captured_at=captured))


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, len(SAMPLE)))
def test_cut_page_keeps_what_is_complete(cut: int) -> None:
    """Cutting a page never invents paragraphs: every one is a prefix-closed piece of the full parse."""
    full = {p for s in parse_page(SAMPLE, captured_at=CAPTURED).stories for p in s.paragraphs}
    parsed = parse_page(SAMPLE[:cut], captured_at=CAPTURED)
    _check(parsed)
    for story in parsed.stories:
        for paragraph in story.paragraphs[:-1]:
            assert paragraph in full
