"""Tests for :func:`digest.ingest.parse.parse_page`.

Two kinds: every handed page in ``../shared/pages`` and ``../shared/seeds`` checked against its
``EXPECTED.yaml`` (skipped when ``../shared`` is absent), and small inline pages for each rule.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.ingest.parse import parse_page
from digest.model import ParsedPage, Story

SHARED = Path(__file__).resolve().parents[2] / "shared"
FOLDERS = ("pages", "seeds")


# --- the handed pages ---------------------------------------------------------------------------

def _spec(folder: str) -> dict[str, Any]:
    path = SHARED / folder / "EXPECTED.yaml"
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _page_params() -> list[Any]:
    params = [pytest.param(folder, name, id=f"{folder}/{name}")
              for folder in FOLDERS for name in _spec(folder).get("pages", {})]
    return params or [pytest.param("", "", marks=pytest.mark.skip(reason="no ../shared"))]


def _moment(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _parse_shared(folder: str, name: str, *, without_capture: bool = False) -> ParsedPage:
    if not SHARED.is_dir():
        pytest.skip("no ../shared")
    page = _spec(folder)["pages"][name]
    captured = None if without_capture else _moment(page.get("captured_at"))
    text = (SHARED / folder / name).read_text(encoding="utf-8")
    return parse_page(text, captured_at=captured)


def _body(story: Story) -> str:
    return "\n\n".join(story.paragraphs)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _misses(story: Story, want: dict[str, Any]) -> list[str]:
    """Every key of one expected article that ``story`` gets wrong."""
    body = _body(story)
    got: dict[str, Any] = {
        "source": story.source, "date": story.date.isoformat(),
        "date_estimated": story.date_estimated, "category": story.category,
        "tags": list(story.tags), "paragraphs": len(story.paragraphs),
        "related": list(story.related_titles), "truncated": story.truncated,
    }
    misses = []
    for key, value in want.items():
        if key == "title":
            continue
        if key == "date":
            ok = got["date"] == _iso(value)
        elif key == "date_any_of":
            ok = got["date"] in [_iso(v) for v in value]
        elif key == "body_starts":
            ok = body.startswith(value)
        elif key == "body_ends":
            ok = body.rstrip().endswith(value)
        elif key == "body_excludes":
            ok = not [bad for bad in value if bad in body]
        else:
            ok = got[key] == value
        if not ok:
            misses.append(f"{key}: got {got.get(key, body[:60])!r}, want {value!r}")
    return misses


@pytest.mark.parametrize(("folder", "name"), _page_params())
def test_page_matches_expected(folder: str, name: str) -> None:
    parsed = _parse_shared(folder, name)
    page = _spec(folder)["pages"][name]
    by_title = {s.title: s for s in parsed.stories}
    for want in page["articles"]:
        assert want["title"] in by_title, f"missing {want['title']!r}; got {list(by_title)}"
        assert _misses(by_title[want["title"]], want) == [], want["title"]
    assert sorted(by_title) == sorted(a["title"] for a in page["articles"])
    assert parsed.stories[0].title == page["articles"][0]["title"]  # page order, main first
    want_skipped = [(s["title"], s["reason"]) for s in page.get("skipped", [])]
    assert [(s.title, s.reason) for s in parsed.skipped] == want_skipped
    assert parsed.captured_at == _moment(page["captured_at"]) or page["captured_at"] is None


@pytest.mark.parametrize(("folder", "name"), _page_params())
def test_no_furniture_in_any_body(folder: str, name: str) -> None:
    parsed = _parse_shared(folder, name)
    never = _spec("pages").get("never_in_any_body", [])
    for story in parsed.stories:
        body = _body(story)
        assert [n for n in never if n in body] == [], story.title
        assert not {"logo", "#"} & {p.strip() for p in story.paragraphs}, story.title
        assert story.paragraphs and all(p == p.strip() and p for p in story.paragraphs)


def _without_capture_params() -> list[Any]:
    params = [pytest.param(folder, name, id=f"{folder}/{name}")
              for folder in FOLDERS for name, page in _spec(folder).get("pages", {}).items()
              if "also_without_captured_at" in page or page.get("captured_at") is None]
    return params or [pytest.param("", "", marks=pytest.mark.skip(reason="no ../shared"))]


@pytest.mark.parametrize(("folder", "name"), _without_capture_params())
def test_capture_bounded_from_the_page(folder: str, name: str) -> None:
    """With no capture time the page's own dates still date every story as expected."""
    parsed = _parse_shared(folder, name, without_capture=True)
    page = _spec(folder)["pages"][name]
    by_title = {s.title: s for s in parsed.stories}
    for title, want in page.get("also_without_captured_at", {}).items():
        assert _misses(by_title[title], want) == [], title
    for want in page["articles"]:  # the absolute and dateline dates do not move
        story = by_title[want["title"]]
        if "date" in want and not want.get("date_estimated"):
            assert story.date.isoformat() == _iso(want["date"]), want["title"]
    assert parsed.captured_at is not None and parsed.captured_at.tzinfo is not None


def _decoded(name: str) -> str:
    """The text the (separate) decoding step gives: BOM dropped, CRLF as LF, UTF-8 else Latin-1."""
    path = SHARED / "pages" / "bad" / name
    if not path.is_file():
        pytest.skip("no ../shared")
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize(("name", "title", "source", "date", "paragraphs"), [
    ("crlf-bom.txt", "Harbour master retires after forty years", "Coastal Herald", "2025-06-07", 2),
    ("latin1.txt", "Café owner fined £500 for blocking pavement with tables", "Coastal Herald",
     "2025-06-05", 2),
    ("non-latin-titles.txt", None, "Сибирский вестник", "2025-05-08", 2),
    ("traversal-title.txt", "../../../etc/passwd", "Coastal Herald", "2025-06-09", 1),
    ("hostile-markup.txt", None, "Coastal Herald", "2025-06-08", 3),
])
def test_bad_page_text_parses(name: str, title: str | None, source: str, date: str,
                              paragraphs: int) -> None:
    parsed = parse_page(_decoded(name), captured_at=dt.datetime(2025, 6, 10, tzinfo=dt.UTC))
    assert len(parsed.stories) == 1
    story = parsed.stories[0]
    assert (story.source, story.date.isoformat(), len(story.paragraphs)) == (source, date, paragraphs)
    assert title is None or story.title == title
    assert story.title.strip() and not story.date_estimated


@pytest.mark.parametrize("name", ["logo-only.txt", "empty.txt", "binary.txt"])
def test_bad_page_without_stories_warns(name: str) -> None:
    parsed = parse_page(_decoded(name))
    if name == "binary.txt":  # rejected before parsing in real use; parsing must still not raise
        assert all(s.title.strip() for s in parsed.stories)
        return
    assert parsed.stories == () and parsed.skipped == ()
    assert parsed.warnings == ("no articles found",)


# --- inline pages, one rule each ------------------------------------------------------------------

NOON = dt.datetime(2025, 6, 22, 12, 0, tzinfo=dt.UTC)


def _page(text: str, **kwargs: Any) -> ParsedPage:
    kwargs.setdefault("captured_at", NOON)
    return parse_page(textwrap.dedent(text).lstrip("\n"), **kwargs)


ARTICLE = """
    logo
    Pier reopens after repairs

    Pier reopens after repairs

    Coastal Herald20-06-2025

    The pier reopened on Friday after a year of repairs.
    Advertisement
    4
    02:45
    01:14:54
    Video Duration 01 minutes 12 seconds 01:12
    Credit: Coastal Herald
    STORY CONTINUES BELOW THIS AD
    %3Cp%3E%3Cstrong%3EEdited%20by%3C%2Fstrong%3E%3C%2Fp%3E
    Councillors voted 31 to 4 for the 2.1 million scheme. 4 4 Work starts soon. 7
    The new deck is wider. Copy the Story Link
"""


def test_debris_is_dropped_and_numbers_in_sentences_stay() -> None:
    story = _page(ARTICLE).stories[0]
    assert story.paragraphs == (
        "The pier reopened on Friday after a year of repairs.",
        "Councillors voted 31 to 4 for the 2.1 million scheme. Work starts soon.",
        "The new deck is wider.",
    )
    assert (story.source, story.date, story.date_estimated) == (
        "Coastal Herald", dt.date(2025, 6, 20), False)
    assert story.is_main and not story.truncated and story.lang == "en"  # from its own text


@pytest.mark.parametrize(("header", "source", "date", "estimated"), [
    ("The Guardian08-05-2025", "The Guardian", dt.date(2025, 5, 8), False),
    ("Independenta day ago", "Independent", dt.date(2025, 6, 21), True),
    ("9 News6 days ago", "9 News", dt.date(2025, 6, 16), True),
    ("Channel 414-03-2025", "Channel 4", dt.date(2025, 3, 14), False),
])
def test_glued_header(header: str, source: str, date: dt.date, estimated: bool) -> None:
    story = _page(f"logo\nTitle here\n\nTitle here\n\n{header}\nBody text.\n").stories[0]
    assert (story.source, story.date, story.date_estimated) == (source, date, estimated)
    assert story.paragraphs == ("Body text.",)


def test_sentence_ending_in_an_age_is_body_not_header() -> None:
    story = _page("logo\nTitle\n\nTitle\n\nThe fire started 3 days ago\nMore.\n").stories[0]
    assert story.source is None and story.date_estimated
    assert story.paragraphs == ("The fire started 3 days ago", "More.")


BLOCK_COMPACT = """\
    Orange background
    Try Our AI Features
    Explore what Daily8 AI can do for you:
    Comments
    No comments yet...
    Related Articles
"""


@pytest.mark.parametrize("spacing", ["\n", "\n\n"])
def test_boilerplate_in_both_spacings(spacing: str) -> None:
    block = spacing.join(textwrap.dedent(BLOCK_COMPACT).splitlines())
    text = (f"Title\nFirst line.\nSecond line\n{block}\nValley Times\n2 hours ago\n- Valley Times\n"
            f"Item title\nItem body.\n\nDOWNLOAD THE APP\n\napp-storeplay-store")
    parsed = parse_page(text, captured_at=NOON)
    main, item = parsed.stories
    assert main.paragraphs == ("First line.", "Second line")
    assert not main.truncated  # boilerplate follows: the body was not cut
    assert main.related_titles == ("Item title",)
    assert (item.title, item.source, item.paragraphs) == ("Item title", "Valley Times", ("Item body.",))
    assert main.lang == item.lang == "en"


@pytest.mark.parametrize("cut", ["Explore what Daily8 AI can do for ", "Orange backg", "Try Our AI F"])
def test_truncated_boilerplate_ends_the_body(cut: str) -> None:
    parsed = parse_page(f"\nTitle\nOne.\nTwo.\n\nTry Our AI Features\n{cut}", captured_at=NOON)
    assert parsed.stories[0].paragraphs == ("One.", "Two.")
    assert not parsed.stories[0].truncated


def test_body_cut_mid_sentence_is_truncated() -> None:
    story = _page("Title\nOne.\nTwo words and then the sa").stories[0]
    assert story.truncated and story.paragraphs[-1] == "Two words and then the sa"


def test_title_without_body_is_skipped_with_no_related() -> None:
    parsed = _page("""
        Only a title
        Hashtags
        Related Articles
        Yahoo
        an hour ago
        - Yahoo
        Item
        Item body.
    """)
    assert [(s.title, s.reason) for s in parsed.skipped] == [("Only a title", "no body text")]
    assert [(s.title, s.related_titles, s.is_main) for s in parsed.stories] == [("Item", (), False)]


def test_item_cut_before_its_title_is_dropped() -> None:
    parsed = _page("""
        Title
        Body.
        Related Articles
        Harbour Radio
        5 minutes ago
        - Harbour Radio
        Kept item
        Kept body.

        Valley Times
        16 minu""")
    assert [s.title for s in parsed.stories] == ["Title", "Kept item"]
    assert parsed.stories[1].paragraphs == ("Kept body.",)


LISTING = """
    Latest news with #Harbour

    Valley Times
    time12-06-2025
      • Business
      • Valley Times
    Two bullet item
    Body one.
    Shore News
    3 hours ago
    - Transport
    One bullet that is a category
    Body two.
    Yahoo
    a day ago
    - Yahoo
    One bullet that is the source
    Body three.
"""


def test_listing_bullets_give_category_and_source() -> None:
    parsed = _page(LISTING)
    got = [(s.title, s.source, s.category, s.tags, s.date, s.is_main, s.related_titles)
           for s in parsed.stories]
    tags = ("Harbour",)
    assert got == [
        ("Two bullet item", "Valley Times", "Business", tags, dt.date(2025, 6, 12), False, ()),
        ("One bullet that is a category", "Shore News", "Transport", tags, dt.date(2025, 6, 22),
         False, ()),
        ("One bullet that is the source", "Yahoo", None, tags, dt.date(2025, 6, 21), False, ()),
    ]


@pytest.mark.parametrize(("opening", "captured_at", "want"), [
    ("March 15 (Northern Wire) - Text.", dt.datetime(2025, 3, 16, tzinfo=dt.UTC), dt.date(2025, 3, 15)),
    ("Dec 30 (Reuters) - Text.", dt.datetime(2025, 1, 2, tzinfo=dt.UTC), dt.date(2024, 12, 30)),
    ("KHARKIV, Aug 18 (Reuters) - Text.", dt.datetime(2025, 8, 19, tzinfo=dt.UTC), dt.date(2025, 8, 18)),
    ("Jun. 1\u2014Text.", dt.datetime(2025, 6, 3, tzinfo=dt.UTC), dt.date(2025, 6, 1)),
])
def test_dateline_year_is_latest_not_after_capture(opening: str, captured_at: dt.datetime,
                                                    want: dt.date) -> None:
    text = f"Title\nBody.\nRelated Articles\nWire\n2 hours ago\n- Wire\nItem\n{opening}\n"
    item = parse_page(text, captured_at=captured_at).stories[1]
    assert (item.date, item.date_estimated) == (want, False)


def test_dateline_year_without_capture_follows_main_date() -> None:
    text = ("logo\nMain\n\nMain\n\nThe Guardian30-12-2024\nBody.\nRelated Articles\n"
            "Reuters\nan hour ago\n- Reuters\nItem\nJan 2 (Reuters) - Text.\n"
            "The Sun\n3 hours ago\n- The Sun\nOther\nOther text.\n")
    parsed = parse_page(text)
    assert [s.date for s in parsed.stories] == [
        dt.date(2024, 12, 30), dt.date(2025, 1, 2), dt.date(2025, 1, 2)]
    assert parsed.captured_at == dt.datetime(2025, 1, 2, 13, tzinfo=dt.UTC)


@pytest.mark.parametrize(("date_line", "captured_at"), [
    ("2 months ago", dt.datetime(2025, 5, 14, 12, tzinfo=dt.UTC)),  # pinned: March 15 + 60 days
    ("lately", dt.datetime(2025, 5, 20, 9, tzinfo=dt.UTC)),  # no age (a date line not understood)
])
def test_dateline_year_never_after_file_time(date_line: str, captured_at: dt.datetime) -> None:
    """The page's own date bounds the capture moment, not a dateline's year (a reviewer's case:
    the item had been dated 2026-03-15, with the age the capture moment 2026-05-14)."""
    text = ("logo\nMain\n\nMain\n\nThe Guardian08-05-2025\nBody.\nRelated Articles\n"
            f"Reuters\n{date_line}\n- Reuters\nItem\nMarch 15 (Reuters) - Text.\n")
    parsed = parse_page(text, fallback_captured_at=dt.datetime(2025, 5, 20, 9, tzinfo=dt.UTC))
    got = [(s.title, s.date, s.date_estimated) for s in parsed.stories]
    assert got == [("Main", dt.date(2025, 5, 8), False), ("Item", dt.date(2025, 3, 15), False)]
    assert parsed.captured_at == captured_at


@pytest.mark.parametrize("mtime", [None, dt.datetime(2026, 11, 30, tzinfo=dt.UTC)])
def test_dateline_year_first_after_main_date_below_file_time(mtime: dt.datetime | None) -> None:
    """The seed page's rule (``../shared/seeds``): of the years the file time allows, the first
    not before the main date."""
    text = ("logo\nMain\n\nMain\n\nThe Guardian08-05-2025\nBody.\nRelated Articles\n"
            "Reuters\nan hour ago\n- Reuters\nItem\nJune 22 (Reuters) - Text.\n")
    parsed = parse_page(text, fallback_captured_at=mtime)
    assert [s.date for s in parsed.stories] == [dt.date(2025, 5, 8), dt.date(2025, 6, 22)]
    assert parsed.captured_at == dt.datetime(2025, 6, 22, 13, tzinfo=dt.UTC)


def test_own_date_wins_over_dateline() -> None:
    item = _page(LISTING.replace("Body one.", "Jun. 1\u2014Body one.")).stories[0]
    assert (item.date, item.date_estimated) == (dt.date(2025, 6, 12), False)


def test_capture_falls_back_to_mtime_then_main_date() -> None:
    text = "Title\n\nTitle\n\nCoastal Herald03-06-2025\nBody.\n"
    mtime = dt.datetime(2025, 6, 9, 8, tzinfo=dt.UTC)
    assert parse_page(text, fallback_captured_at=mtime).captured_at == mtime
    assert parse_page(text).captured_at == dt.datetime(2025, 6, 3, 12, tzinfo=dt.UTC)
    early = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # an mtime before the page's own date is wrong
    assert parse_page(text, fallback_captured_at=early).captured_at == dt.datetime(
        2025, 6, 3, 12, tzinfo=dt.UTC)


def test_relative_age_uses_site_timezone() -> None:
    tz = dt.timezone(dt.timedelta(hours=10))
    captured = dt.datetime(2025, 6, 22, 1, 0, tzinfo=dt.UTC)  # 11:00 on the 22nd at UTC+10
    story = parse_page("T\n\nT\n\nYahoo2 hours ago\nBody.\n", captured_at=captured,
                       timezone=tz).stories[0]
    assert (story.date, story.date_estimated) == (dt.date(2025, 6, 22), True)
    utc = parse_page("T\n\nT\n\nYahoo2 hours ago\nBody.\n", captured_at=captured).stories[0]
    assert utc.date == dt.date(2025, 6, 21)


def test_further_reading_headlines_are_links_not_body() -> None:
    parsed = _page("""
        Briefing
        One.
        Further Reading
        Second item
        Not on this page
        Hashtags
        Related Articles
        Radio
        9 minutes ago
        - Radio
        First item
        Text one.
        Radio
        8 minutes ago
        - Radio
        Second item
        Text two.
    """)
    main = parsed.stories[0]
    assert main.paragraphs == ("One.",)
    assert main.related_titles == ("Second item", "First item")


def test_french_boilerplate_gives_lang_fr() -> None:
    parsed = _page("Titre\nUn.\nEssayez nos fonctionnalités IA\nArticles connexes\n"
                   "Le Sud\n9 minutes ago\n- Le Sud\nAutre\nDeux.\n")
    assert [s.lang for s in parsed.stories] == ["fr", "fr"]
    assert parsed.stories[0].related_titles == ("Autre",)


@pytest.mark.parametrize("header", ["Yahoo9999 years ago", "Yahoo31-12-0001", "Yahoo31-02-2025"])
@pytest.mark.parametrize("captured_at", [
    None, dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 23, tzinfo=dt.UTC)])
def test_absurd_dates_are_no_dates(header: str, captured_at: dt.datetime | None) -> None:
    text = f"T\n\nT\n\n{header}\nBody.\nRelated Articles\nX\n9999 days ago\n- X\nI\nDec 31 (X) - b.\n"
    tz = dt.timezone(dt.timedelta(hours=14))
    parsed = parse_page(text, captured_at=captured_at, timezone=tz,
                        fallback_captured_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    main = parsed.stories[0]
    assert (main.source, main.date_estimated) == ("Yahoo", True)
    assert [s.title for s in parsed.stories] == ["T", "I"]


def test_item_shapes_and_spacings_mix() -> None:
    parsed = _page("""
        Main
        Body.
        Related Articles
        First item
        First item
        Northern Wire
        timean hour ago
          \u2022 Northern Wire
        First item
        Line one.
        Additional reporting by Tom Achebe
        25 minutes ago
        Second item
        Second body.
        Yahoo

        2 hours ago

        - Yahoo

        Third item

        Third body.
    """)
    got = [(s.title, s.source, s.paragraphs) for s in parsed.stories[1:]]
    assert got == [
        ("First item", "Northern Wire", ("Line one.", "Additional reporting by Tom Achebe")),
        ("Second item", None, ("Second body.",)),
        ("Third item", "Yahoo", ("Third body.",)),
    ]


# --- the user trial (2025-11): word ages, structural item starts, warnings, captions, lang --------

@pytest.mark.parametrize(("line", "date"), [
    ("yesterday", dt.date(2025, 6, 21)),
    ("timeyesterday", dt.date(2025, 6, 21)),
    ("Just now", dt.date(2025, 6, 22)),
    ("today", dt.date(2025, 6, 22)),
    ("last week", dt.date(2025, 6, 15)),
    ("timeil y a 2 jours", dt.date(2025, 6, 20)),
    ("il y a une heure", dt.date(2025, 6, 22)),
    ("il y a 5 minutes", dt.date(2025, 6, 22)),
    ("il y a quelques secondes", dt.date(2025, 6, 22)),
    ("hier", dt.date(2025, 6, 21)),
    ("timeaujourd\u2019hui", dt.date(2025, 6, 22)),
    ("il y a 3 semaines", dt.date(2025, 6, 1)),
])
def test_word_and_french_ages_start_an_item(line: str, date: dt.date) -> None:
    parsed = _page(f"""
        Latest news with #Coast

        Shore FM
        2 hours ago
        - Shore FM
        Ferry timetable changes
        Sailings move to the winter pattern.

        Gull Radio
        {line}
        - Gull Radio
        Beach huts repainted
        Volunteers repainted forty huts.
    """)
    got = [(s.title, s.source, s.paragraphs, s.date, s.date_estimated) for s in parsed.stories]
    assert got == [
        ("Ferry timetable changes", "Shore FM", ("Sailings move to the winter pattern.",),
         dt.date(2025, 6, 22), True),
        ("Beach huts repainted", "Gull Radio", ("Volunteers repainted forty huts.",), date, True),
    ]
    assert parsed.warnings == ()


def test_glued_word_age_header() -> None:
    story = _page("logo\nDune path closed\n\nDune path closed\n\nLe Littoralhier\nTexte.\n").stories[0]
    assert (story.source, story.date, story.date_estimated) == ("Le Littoral", dt.date(2025, 6, 21), True)


@pytest.mark.parametrize("bullets", [
    "- Gull Radio", "  \u2022 Gull Radio", "  \u2022 Leisure\n  \u2022 Gull Radio"])
def test_unknown_date_line_starts_an_item_by_its_bullets(bullets: str) -> None:
    """``Name / <any short line> / - Name``: an item, dated the capture day, with a warning."""
    text = ("Pier\nPier body.\nRelated Articles\nShore FM\ntime3 hours ago\n  \u2022 Shore FM\n"
            "Ferry timetable changes\nSailings move.\n"
            f"Gull Radio\nthe day before yesterday\n{bullets}\nBeach huts repainted\nForty huts.\n")
    parsed = parse_page(text, captured_at=NOON)
    ferry, huts = parsed.stories[1:]
    assert ferry.paragraphs == ("Sailings move.",)
    assert (huts.title, huts.source, huts.paragraphs, huts.date, huts.date_estimated) == (
        "Beach huts repainted", "Gull Radio", ("Forty huts.",), dt.date(2025, 6, 22), True)
    assert parsed.warnings == (
        "related item 'Beach huts repainted': date line 'the day before yesterday' not understood; "
        "dated the capture day (estimated)",)


def test_stray_bullet_stays_out_of_an_item_body_but_not_the_main_body() -> None:
    """An item body may hold a header the reader missed; the main story's body holds none."""
    parsed = _page("""
        Pier
        Pier body.
        - Stray bullet
        Related Articles
        Shore FM
        an hour ago
        - Shore FM
        Ferry
        Sailings move.
          \u2022 Another stray
        More sailings.
    """)
    assert [s.paragraphs for s in parsed.stories] == [
        ("Pier body.", "- Stray bullet"), ("Sailings move.", "More sailings.")]
    assert parsed.warnings == (
        "left the bullet line '\u2022 Another stray' out of the body of related item 'Ferry'",)


def test_title_twice_then_date_line_then_body() -> None:
    """Shape (d): no source lines and no third title copy; with or without a source line."""
    parsed = _page("""
        Pier
        Pier body.
        Related Articles
        Tide gauge fixed
        Tide gauge fixed
        time20 minutes ago
        The gauge reports again.
        Harbour dredged
        Harbour dredged
        Port News
        time2 days ago
        Dredging finished on Monday.
    """)
    got = [(s.title, s.source, s.paragraphs, s.date) for s in parsed.stories[1:]]
    assert got == [
        ("Tide gauge fixed", None, ("The gauge reports again.",), dt.date(2025, 6, 22)),
        ("Harbour dredged", "Port News", ("Dredging finished on Monday.",), dt.date(2025, 6, 20)),
    ]
    assert parsed.skipped == () and parsed.warnings == ()


def test_dropped_items_are_named_in_warnings() -> None:
    parsed = _page("""
        Pier
        Pier body.
        Related Articles
        Orphan story
        Orphan story
        It has no date line.
        Shore FM
        an hour ago
        - Shore FM
        Ferry
        Sailings move.
    """)
    assert [s.title for s in parsed.stories] == ["Pier", "Ferry"]
    assert parsed.warnings == ("dropped related item 'Orphan story': no date line",)
    listing = _page("Latest news with #Coast\nShore FM\nan hour ago\n- Shore FM\n"
                    "9 minutes ago\nFerry\nMoves.\n")
    assert [(s.title, s.source) for s in listing.stories] == [("Ferry", None)]
    assert listing.warnings == (
        "dropped listing item from Shore FM: no title after its date line 'an hour ago'",)


def test_item_cut_off_by_the_page_end_is_dropped_quietly() -> None:
    for tail in ("Gull Radio\nil y a 2", "Dune walk\nDune walk"):
        parsed = parse_page(f"Pier\nPier body.\nRelated Articles\n{tail}", captured_at=NOON)
        assert [s.title for s in parsed.stories] == ["Pier"]
        assert parsed.stories[0].paragraphs == ("Pier body.",)
        assert parsed.warnings == ()


def test_video_captions_are_body_debris_but_not_a_title() -> None:
    parsed = _page("""
        Video: the lifeboat launch at dawn
        Video: the lifeboat launch at dawn
        Crew launched at six.
        Watch: crews haul the boat up the slipway
        01:12
        WATCH: the moment the engine started
        Watch: this is what the station needs.
        Video: volunteers explain why they joined?
    """)
    story = parsed.stories[0]
    assert story.title == "Video: the lifeboat launch at dawn"
    assert story.paragraphs == ("Crew launched at six.", "Watch: this is what the station needs.",
                                "Video: volunteers explain why they joined?")


def test_lang_follows_each_story_text() -> None:
    parsed = _page("""
        Ferry timetable changes for the winter
        The ferry company has announced that its winter timetable will start next week, with fewer sailings.
        Essayez nos fonctionnalités IA
        Articles connexes
        Le Littoral
        il y a 2 jours
        - Le Littoral
        La digue est rouverte
        La digue du port est rouverte aux promeneurs depuis samedi, après des travaux dans la nuit.
        Gull Radio
        hier
        - Gull Radio
        Court
        Un.
    """)
    assert [(s.title, s.lang) for s in parsed.stories] == [
        ("Ferry timetable changes for the winter", "en"), ("La digue est rouverte", "fr"),
        ("Court", "fr")]  # too short to tell: the page's boilerplate language
    listing = _page("""
        Latest news with #Port
        Le Littoral
        hier
        - Le Littoral
        Les pêcheurs manifestent
        Les pêcheurs du port ont manifesté devant la mairie pour dénoncer la hausse des taxes.
    """)
    assert [s.lang for s in listing.stories] == ["fr"]


# --- the QA pages (2025-11): furniture stamps, shared digits, body lists, credits, lone words --------

@pytest.mark.parametrize(("line", "date", "estimated"), [
    ("Updated 7 hours ago", dt.date(2025, 6, 22), True),
    ("Posted 14 hours ago", dt.date(2025, 6, 21), True),
    ("Last updated: 16-06-2025", dt.date(2025, 6, 16), True),  # an update only bounds the date
    ("Published 16-06-2025", dt.date(2025, 6, 16), False),  # the publication date itself
    ("Publi\u00e9 le 16-06-2025", dt.date(2025, 6, 16), False),
    ("Mis \u00e0 jour il y a 3 jours", dt.date(2025, 6, 19), True),
])
def test_labelled_stamp_line_is_furniture_not_a_header(line: str, date: dt.date,
                                                       estimated: bool) -> None:
    parsed = _page(f"Ferry fares frozen\n{line}\nFares stay the same next year.\nThe board agreed.\n")
    story = parsed.stories[0]
    assert (story.source, story.date, story.date_estimated) == (None, date, estimated)
    assert story.paragraphs == ("Fares stay the same next year.", "The board agreed.")
    assert parsed.warnings == ()


def test_labelled_stamp_line_after_a_header_is_dropped_and_the_header_dates() -> None:
    story = _page("""
        logo
        Dune path reopens

        Dune path reopens

        Shore News17-06-2025

        Updated 19-06-2025
        The dune path reopened on Tuesday.
    """).stories[0]
    assert (story.source, story.date, story.date_estimated) == ("Shore News", dt.date(2025, 6, 17), False)
    assert story.paragraphs == ("The dune path reopened on Tuesday.",)


@pytest.mark.parametrize(("header", "source", "date"), [
    ("Channel 52 hours ago", "Channel 5", dt.date(2025, 6, 22)),  # 52 hours: no page writes it
    ("FOX 1012 hours ago", "FOX 10", dt.date(2025, 6, 22)),  # the age takes two digits when it can
    ("FOX 1052 hours ago", "FOX 105", dt.date(2025, 6, 22)),
    ("FOX 1002 hours ago", "FOX 100", dt.date(2025, 6, 22)),  # an age has no leading zero
    ("WXYZ 730 minutes ago", "WXYZ 7", dt.date(2025, 6, 22)),
    ("Radio 409-06-2025", "Radio 4", dt.date(2025, 6, 9)),
    ("Coastal Herald\u00a019-06-2025", "Coastal Herald", dt.date(2025, 6, 19)),  # an NBSP is glue
    ("Gull\u00a0Radio3 days ago", "Gull Radio", dt.date(2025, 6, 19)),
])
def test_glued_header_with_shared_digits(header: str, source: str, date: dt.date) -> None:
    story = _page(f"Title here\n\nTitle here\n\n{header}\nBody text.\n").stories[0]
    assert (story.source, story.date, story.paragraphs) == (source, date, ("Body text.",))


@pytest.mark.parametrize("line", ["Harbour Times 17-06-2025", "Tide tables 13 hours ago",
                                  "Coastal Herald 19-06-2025"])
def test_stamp_after_a_space_is_no_header(line: str) -> None:
    story = _page(f"Title here\n{line}\nBody text.\n").stories[0]
    assert (story.source, story.date, story.date_estimated) == (None, dt.date(2025, 6, 22), True)
    assert story.paragraphs == (line, "Body text.")


def test_bulleted_sentences_stay_in_the_body_as_list_items() -> None:
    parsed = _page("""
        Regatta week: what changes
        Regatta week starts on Saturday. The main changes:
        1. The slipway closes at noon.
        \u2022 Parking on the quay is free after 6pm.
        - Season tickets bought before June stay valid for the whole week
          \u00b7 Harbour FM
        Full details are at the harbour office.
    """)
    story = parsed.stories[0]
    assert story.paragraphs == (
        "Regatta week starts on Saturday. The main changes:",
        "1. The slipway closes at noon.",
        "- Parking on the quay is free after 6pm.",
        "- Season tickets bought before June stay valid for the whole week",
        "- Harbour FM",
        "Full details are at the harbour office.",
    )
    assert parsed.warnings == ()


def test_photo_credits_are_dropped_from_a_body() -> None:
    story = _page("""
        Lifeboat naming ceremony
        Shore News18-06-2025
        A new lifeboat was named at the harbour on Wednesday.
        Photo: Sam Reed/PA Wire
        Picture: Harbour Trust
        Image source, Getty Images
        Getty Images
        Ana Lopez via Getty Images
        Image caption, The crew line up on the slipway
        Photo: the crew, who trained for a year, lined up on the slipway.
        Picture the scene: hundreds of people on the harbour wall in the rain and wind
        The boat cost two million pounds.
    """).stories[0]
    assert story.paragraphs == (
        "A new lifeboat was named at the harbour on Wednesday.",
        "Photo: the crew, who trained for a year, lined up on the slipway.",
        "Picture the scene: hundreds of people on the harbour wall in the rain and wind",
        "The boat cost two million pounds.",
    )


def test_lone_comments_line_is_body_text() -> None:
    parsed = _page("""
        Seafront parking consultation
        The council wants views on seafront parking.
        Comments
        may be sent to the town hall until Friday.
    """)
    assert parsed.stories[0].paragraphs == (
        "The council wants views on seafront parking.", "Comments",
        "may be sent to the town hall until Friday.")
    assert parsed.warnings == ()


@pytest.mark.parametrize("block", ["Comments\nNo comments yet...", "Comments\n\nHashtags",
                                   "Try Our AI Features", "Hashtags"])
def test_boilerplate_block_or_unambiguous_line_ends_the_body(block: str) -> None:
    parsed = _page(f"Beach huts for hire\nHuts can be hired from May.\n{block}\n")
    assert parsed.stories[0].paragraphs == ("Huts can be hired from May.",)
    assert parsed.warnings == ()


def test_lines_left_after_the_boilerplate_are_named_in_warnings() -> None:
    parsed = _page("""
        Beach huts for hire
        Huts can be hired from May.
        Try Our AI Features
        Comments
        A stray line after the block.
        And another one.
    """)
    assert parsed.stories[0].paragraphs == ("Huts can be hired from May.",)
    assert parsed.warnings == (
        "left out 2 line(s) outside every story, after the boilerplate: "
        "'A stray line after the block.'",)


def test_date_line_in_the_title_place_is_the_title() -> None:
    parsed = _page("""
        Latest news with #Regatta
        Harbour FM
        an hour ago
        - Harbour FM
        Yesterday
        Yesterday's race was stopped by high winds.
        Shore News
        3 hours ago
        - Shore News
        Regatta prizes given out
        The prizes were given out on the quay.
    """)
    got = [(s.title, s.source, s.paragraphs, s.date) for s in parsed.stories]
    assert got == [
        ("Yesterday", "Harbour FM", ("Yesterday's race was stopped by high winds.",),
         dt.date(2025, 6, 22)),
        ("Regatta prizes given out", "Shore News", ("The prizes were given out on the quay.",),
         dt.date(2025, 6, 22)),
    ]
    assert parsed.warnings == ()


def test_middle_bullets_are_the_item_tags() -> None:
    listing = _page("""
        Latest news with #Harbour
        Harbour FM
        2 hours ago
          \u2022 Sport
          \u2022 Sailing
          \u2022 Dinghies
          \u2022 Harbour FM
        Dinghy fleet grows
        Ten new dinghies joined the club fleet.
    """)
    got = [(s.source, s.category, s.tags) for s in listing.stories]
    assert got == [("Harbour FM", "Sport", ("Harbour", "Sailing", "Dinghies"))]
    article = _page("""
        Pier
        Pier body.
        Related Articles
        Harbour FM
        time2 hours ago
          \u2022 Sport
          \u2022 Sailing
          \u2022 Harbour FM
        Dinghy fleet grows
        Ten new dinghies joined the club fleet.
    """)
    assert [(s.title, s.category, s.tags) for s in article.stories] == [
        ("Pier", None, ()), ("Dinghy fleet grows", "Sport", ("Sailing",))]


# --- the user trial (2025-11): short bullet lists, a source line above a stamp line ---------------

def test_short_bullets_in_the_main_body_are_a_list() -> None:
    parsed = _page("""
        logo
        Fire station plans approved

        Fire station plans approved

        Upland Echo20-06-2025

        The new building on Mill Lane will include:
        - a garage for two ambulances
        - a training room
          \u2022 a drying room for kit
        Work starts in spring.
        Comments
        No comments yet...
        Related Articles
    """)
    assert parsed.stories[0].paragraphs == (
        "The new building on Mill Lane will include:",
        "- a garage for two ambulances",
        "- a training room",
        "- a drying room for kit",
        "Work starts in spring.",
    )
    assert parsed.warnings == ()


def test_short_bullets_after_a_colon_stay_in_an_item_body() -> None:
    parsed = _page("""
        Pier
        Pier body.
        Related Articles
        Shore FM
        an hour ago
        - Shore FM
        Lifeboat station extended
        The extension will hold:
        \u2022 a second boat
        - a crew room
        It opens in May.
        - Gull Radio
        Ferry
        Ferry
        time2 hours ago
        Sailings move.
    """)
    lifeboat, ferry = parsed.stories[1:]
    assert (lifeboat.source, lifeboat.paragraphs) == ("Shore FM", (
        "The extension will hold:", "- a second boat", "- a crew room", "It opens in May."))
    assert (ferry.source, ferry.paragraphs) == (None, ("Sailings move.",))
    assert parsed.warnings == (
        "left the bullet line '- Gull Radio' out of the body of related item "
        "'Lifeboat station extended'",)


@pytest.mark.parametrize(("line", "date", "estimated"), [
    ("Updated 3 hours ago", dt.date(2025, 6, 22), True),
    ("Published 18-06-2025", dt.date(2025, 6, 18), False),
    ("Updated 18-06-2025", dt.date(2025, 6, 18), True),  # an update only bounds the date
    ("2 days ago", dt.date(2025, 6, 20), True),
    ("time18-06-2025", dt.date(2025, 6, 18), False),
])
def test_source_line_above_a_stamp_line_is_the_source(line: str, date: dt.date,
                                                      estimated: bool) -> None:
    parsed = _page(f"""
        logo
        Moor road closed by snow

        Moor road closed by snow

        The Upland Echo
        {line}

        The moor road is shut.
        Ploughs are out.
    """)
    story = parsed.stories[0]
    assert (story.source, story.date, story.date_estimated) == ("The Upland Echo", date, estimated)
    assert story.paragraphs == ("The moor road is shut.", "Ploughs are out.")
    assert parsed.warnings == ()


@pytest.mark.parametrize("first", [
    "Snow closed the moor road overnight.",  # a sentence
    "Snow closed the moor road overnight and ploughs",  # more than six words
    "2025",  # digits only
])
def test_body_line_above_a_stamp_line_is_no_source(first: str) -> None:
    story = _page(f"""
        Moor road closed by snow
        Moor road closed by snow
        {first}
        Updated 3 hours ago
        Ploughs are out.
    """).stories[0]
    assert (story.source, story.date, story.date_estimated) == (None, dt.date(2025, 6, 22), True)
    assert story.paragraphs == (first, "Ploughs are out.")


def test_short_line_is_the_source_only_after_the_repeated_title_and_above_a_stamp() -> None:
    once = _page("""
        Moor road closed by snow
        The Upland Echo
        Updated 3 hours ago
        Ploughs are out.
    """).stories[0]
    assert (once.source, once.paragraphs) == (None, ("The Upland Echo", "Ploughs are out."))
    no_stamp = _page("""
        Moor road closed by snow
        Moor road closed by snow
        The Upland Echo
        Ploughs are out.
    """).stories[0]
    assert (no_stamp.source, no_stamp.paragraphs) == (None, ("The Upland Echo", "Ploughs are out."))
