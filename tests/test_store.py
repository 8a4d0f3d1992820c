"""Ingest into content/: one file per article, merging, stable slugs, hand edits kept, bad pages named."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from digest import content
from digest.cli import main
from digest.config import Config
from digest.content import content_lock, load_articles
from digest.errors import IngestBusy
from digest.ingest.parse import parse_page
from digest.ingest.store import ingest_new_pages, ingest_paths, markdown_body
from digest.model import ParsedPage
from digest.site import link_further_reading

SHARED = Path(__file__).resolve().parents[2] / "shared"
NOON = dt.datetime(2025, 6, 8, 12, tzinfo=dt.UTC)

ARTICLE_PAGE = textwrap.dedent("""\
    logo
    {title}

    {title}

    {source}08-06-2025

    The first paragraph of the story is complete.
    The second paragraph is complete too.
    """)


def page(folder: Path, name: str, title: str, source: str = "Coastal Herald") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE_PAGE.format(title=title, source=source), encoding="utf-8")
    return path


def md_files(content: Path) -> list[Path]:
    return sorted(content.rglob("*.md"))


def test_one_file_per_article_at_a_date_and_slug_path(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    report = ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert report.ok
    assert md_files(tmp_path / "content") == [
        tmp_path / "content/2025/06/harbour-master-retires-after-forty-years.md"]
    [article], errors = load_articles(tmp_path / "content")
    assert errors == []
    assert (article.title, article.source, article.date) == (
        "Harbour master retires after forty years", "Coastal Herald", dt.date(2025, 6, 8))
    assert article.origin == ("a.txt",)
    assert article.body == ("The first paragraph of the story is complete.\n\n"
                            "The second paragraph is complete too.")


def test_ingesting_again_changes_nothing(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    before = {p: p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()}
    report = ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    after = {p: p.read_bytes() for p in (tmp_path / "content").rglob("*") if p.is_file()}
    assert report.pages[0].written == []
    assert after == before


def test_same_story_in_two_pages_is_one_article_with_both_origins(tmp_path: Path) -> None:
    page(tmp_path / "in", "www.txt", "Seafront cycle path opens")
    page(tmp_path / "in", "test.txt", "Seafront cycle path opens")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [article], _ = load_articles(tmp_path / "content")
    assert article.origin == ("test.txt", "www.txt")


def test_slug_clash_between_different_stories_gets_a_stable_suffix(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "Budget approved", source="Coastal Herald")
    page(tmp_path / "in", "b.txt", "Budget approved", source="Valley Times")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    articles, _ = load_articles(tmp_path / "content")
    slugs = sorted(a.slug for a in articles)
    assert slugs[0] == "budget-approved"
    assert slugs[1].startswith("budget-approved-") and len(slugs[1]) == len("budget-approved-") + 6
    # Reading the pages again, in the other order, keeps every article's slug.
    before = {a.source: a.slug for a in articles}
    ingest_paths([tmp_path / "in/b.txt", tmp_path / "in/a.txt"], tmp_path / "content", captured_at=NOON)
    assert {a.source: a.slug for a in load_articles(tmp_path / "content")[0]} == before


def test_a_hand_edit_is_never_overwritten(tmp_path: Path) -> None:
    source = page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [path] = md_files(tmp_path / "content")
    edited = path.read_text(encoding="utf-8").replace("first paragraph", "FIRST PARAGRAPH")
    path.write_text(edited, encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8") + "A third, longer paragraph was added later.\n",
                      encoding="utf-8")
    report = ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert path.read_text(encoding="utf-8") == edited
    assert report.pages[0].kept_edits == [path]
    assert "kept hand edit" in report.pages[0].summary()


def test_path_like_title_stays_inside_content(tmp_path: Path) -> None:
    page(tmp_path / "in", "t.txt", "../../../etc/passwd")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [path] = md_files(tmp_path / "content")
    assert path == tmp_path / "content/2025/06/etc-passwd.md"


def test_non_latin_title_gets_a_transliterated_slug(tmp_path: Path) -> None:
    page(tmp_path / "in", "ru.txt", "Путин и Си Цзиньпин", source="Сибирский вестник")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [article], _ = load_articles(tmp_path / "content")
    assert article.slug == "putin-i-si-tszinpin"
    assert article.source == "Сибирский вестник"


def test_a_bad_page_is_named_and_the_rest_still_ingests(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page(tmp_path / "in", "good.txt", "Harbour master retires after forty years")
    (tmp_path / "in/binary.txt").write_bytes(bytes(range(256)))
    (tmp_path / "in/empty.txt").write_bytes(b"")
    code = main(["ingest", str(tmp_path / "in"), "--content-dir", str(tmp_path / "content"),
                 "--captured-at", "2025-06-08T12:00:00+00:00"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"{tmp_path / 'in/binary.txt'}: rejected: not a text page" in out
    assert f"{tmp_path / 'in/empty.txt'}: no articles found" in out
    assert len(md_files(tmp_path / "content")) == 1


def test_sidecar_gives_capture_time_and_url(tmp_path: Path) -> None:
    path = tmp_path / "in/rel.txt"
    path.parent.mkdir()
    path.write_text("logo\nMinisters deny plan\n\nMinisters deny plan\n\nIndependenta day ago\n\n"
                    "Education ministers have denied reports.\n", encoding="utf-8")
    (tmp_path / "in/rel.meta.yaml").write_text(
        "captured_at: 2025-06-22T12:00:00+00:00\nurl: https://example.org/story\n", encoding="utf-8")
    ingest_paths([tmp_path / "in"], tmp_path / "content")
    [article], _ = load_articles(tmp_path / "content")
    assert (article.date, article.date_estimated) == (dt.date(2025, 6, 21), True)
    assert article.url == "https://example.org/story"
    assert article.captured_at == dt.datetime(2025, 6, 22, 12, tzinfo=dt.UTC)


def test_build_ingest_reads_only_new_or_changed_pages(tmp_path: Path) -> None:
    config = Config(root=tmp_path)
    page(tmp_path / "pages", "a.txt", "Harbour master retires after forty years")
    assert len(ingest_new_pages(config).pages) == 1
    assert ingest_new_pages(config).pages == []
    page(tmp_path / "pages", "b.txt", "Lifeboat crew honoured")
    assert [p.path.name for p in ingest_new_pages(config).pages] == ["b.txt"]


# --- the handed pages, ingested together -----------------------------------------------------------

@pytest.fixture(scope="module")
def whole_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path]:
    expected_file = SHARED / "pages/EXPECTED.yaml"
    if not expected_file.exists():
        pytest.skip("../shared is not here")
    spec = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    folder = tmp_path_factory.mktemp("pages")
    for name, page_spec in spec["pages"].items():
        shutil.copy(SHARED / "pages" / name, folder / name)
        (folder / f"{Path(name).stem}.meta.yaml").write_text(
            f"captured_at: {page_spec['captured_at'].isoformat()}\n", encoding="utf-8")
    content = folder.parent / "content"
    ingest_paths([folder], content)
    return spec, content


def test_whole_folder_distinct_articles_and_merge(whole_folder: tuple[dict[str, object], Path]) -> None:
    spec, content = whole_folder
    articles, errors = load_articles(content)
    assert errors == []
    rules = spec["whole_folder"]
    assert isinstance(rules, dict)
    assert len(articles) == rules["distinct_articles"]
    by_title = {a.title: a for a in articles}
    for title, want in rules["merged"].items():
        merged = by_title[title]
        assert len(merged.body.split("\n\n")) == want["paragraphs"]
        assert list(merged.origin) == want["origins"]


def test_whole_folder_related_links_are_slugs_of_stored_articles(
        whole_folder: tuple[dict[str, object], Path]) -> None:
    _, content = whole_folder
    articles, _ = load_articles(content)
    slug_of = {a.title: a.slug for a in articles}
    flood = next(a for a in articles if a.title.startswith("Harbour city council approves"))
    rail = "Rail strike called off after late pay offer to signal workers"
    storm = "Storm Delia brings 90mph gusts and fresh flood warnings to the west coast"
    assert flood.related == (slug_of[rail], slug_of[storm])


def test_a_re_punctuated_headline_is_the_same_story(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "Wind farm approved despite fishing objections")
    page(tmp_path / "in", "b.txt", "Wind farm approved, despite fishing objections")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [article], _ = load_articles(tmp_path / "content")
    assert article.origin == ("a.txt", "b.txt")


def test_currency_signs_do_not_spell_out_in_slugs(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "Repair bill passes £1m")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert md_files(tmp_path / "content") == [tmp_path / "content/2025/06/repair-bill-passes-1m.md"]


def test_a_hand_edited_title_keeps_its_story_when_the_page_is_read_again(tmp_path: Path) -> None:
    source = page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [path] = md_files(tmp_path / "content")
    edited = path.read_text(encoding="utf-8").replace("title: Harbour master", "title: Our harbour master")
    path.write_text(edited, encoding="utf-8")
    source.write_text(source.read_text(encoding="utf-8") + "A third paragraph came later.\n",
                      encoding="utf-8")
    report = ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert md_files(tmp_path / "content") == [path]
    assert path.read_text(encoding="utf-8") == edited
    assert report.pages[0].kept_edits == [path]


def test_one_ingest_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    monkeypatch.setattr(content, "LOCK_TIMEOUT", 0.2)
    with content_lock(tmp_path / "content"), pytest.raises(IngestBusy, match="another digest process"):
        ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert md_files(tmp_path / "content") == []
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    assert len(md_files(tmp_path / "content")) == 1


def test_same_title_twice_on_one_page_gets_a_hash_suffix_not_a_counter(tmp_path: Path) -> None:
    path = tmp_path / "in/listing.txt"
    path.parent.mkdir()
    path.write_text("Latest news with #Budget\n\nValley Times\n2 hours ago\n- Valley Times\n"
                    "Budget approved\nThe council approved the budget.\n\nCoastal Herald\n"
                    "3 hours ago\n- Coastal Herald\nBudget approved\nThe budget passed.\n",
                    encoding="utf-8")
    ingest_paths([path], tmp_path / "content", captured_at=NOON)
    slugs = sorted(a.slug for a in load_articles(tmp_path / "content")[0])
    assert slugs[0] == "budget-approved"
    assert slugs[1].startswith("budget-approved-") and len(slugs[1]) == len("budget-approved-") + 6


def test_a_title_without_letters_gets_a_story_slug(tmp_path: Path) -> None:
    page(tmp_path / "in", "a.txt", "🎄🎄🎄")
    ingest_paths([tmp_path / "in"], tmp_path / "content", captured_at=NOON)
    [article] = load_articles(tmp_path / "content")[0]
    assert article.slug.startswith("story-") and len(article.slug) == len("story-") + 6


def test_an_os_error_is_one_line_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page(tmp_path / "in", "a.txt", "Harbour master retires after forty years")
    (tmp_path / "content").write_text("not a folder", encoding="utf-8")
    code = main(["ingest", str(tmp_path / "in"), "--content-dir", str(tmp_path / "content")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {tmp_path / 'content'}: ") and "Traceback" not in err


def test_a_story_seen_without_its_source_is_the_same_story(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "headless.txt").write_text(
        "\nHostel reopens after flood repairs\nThe youth hostel reopened on Friday after repairs.\n"
        "Bookings are open for the summer.\n", encoding="utf-8")
    (folder / "listing.txt").write_text(
        "Latest news with #Kellmoor\n\n\nRadio Kellmoor\n2 hours ago\n- Radio Kellmoor\n"
        "Hostel reopens after flood repairs\nThe youth hostel reopened on Friday after repairs.\n",
        encoding="utf-8")
    ingest_paths([folder], tmp_path / "content", captured_at=NOON)
    [article] = load_articles(tmp_path / "content")[0]
    assert article.source == "Radio Kellmoor"
    assert article.origin == ("headless.txt", "listing.txt")
    assert article.body.count("\n\n") == 1  # the fuller, two-paragraph text won


def test_bullet_paragraphs_become_one_markdown_list() -> None:
    assert markdown_body(["It will include:", "- a garage", "- 1. room", "After.", "# hash"]) == (
        "It will include:\n\n- a garage\n- 1\\. room\n\nAfter.\n\n\\# hash")


def test_refresh_rewrites_what_an_older_parser_wrote_and_keeps_hand_edits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(root=tmp_path)
    page(tmp_path / "pages", "a.txt", "Harbour master retires after forty years")
    page(tmp_path / "pages", "b.txt", "Lifeboat crew honoured")
    def older_parser(text: str, **kwargs: object) -> ParsedPage:
        parsed = parse_page(text, **kwargs)  # type: ignore[arg-type]
        stories = tuple(replace(s, paragraphs=(*s.paragraphs, "3 3")) for s in parsed.stories)
        ghost = replace(stories[0], title=f"Ghost of {stories[0].title}", is_main=False)
        return replace(parsed, stories=(*stories, ghost))

    monkeypatch.setattr("digest.ingest.store.parse_page", older_parser)
    ingest_new_pages(config)
    monkeypatch.setattr("digest.ingest.store.parse_page", parse_page)
    edited = tmp_path / "content/2025/06/lifeboat-crew-honoured.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: Lifeboat", "title: Our lifeboat"),
                      encoding="utf-8")
    assert ingest_new_pages(config).pages == []  # the pages did not change
    ingest_new_pages(config, refresh=True)
    harbour = (tmp_path / "content/2025/06/harbour-master-retires-after-forty-years.md").read_text(
        encoding="utf-8")
    assert "3 3" not in harbour and harbour.endswith("The second paragraph is complete too.\n")
    assert "title: Our lifeboat" in edited.read_text(encoding="utf-8")
    # The ghost stories the older parser made are gone; the hand-edited page's ghost too, since
    # only its main story's file was edited.
    assert [p.name for p in md_files(tmp_path / "content")] == [
        "harbour-master-retires-after-forty-years.md", "lifeboat-crew-honoured.md"]


def test_further_reading_headlines_are_kept_and_linked_across_pages(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "briefing.txt").write_text(
        "\nMorning briefing: bridge works and a heatwave\nThe bridge shuts this weekend.\n"
        "Further Reading\nTeacher pay talks resume with no new offer\nHottest June day possible\n"
        "Hashtags\n\nTry Our AI Features\nComments\nNo comments yet...\n", encoding="utf-8")
    page(folder, "teachers.txt", "Teacher pay talks resume with no new offer")
    ingest_paths([folder], tmp_path / "content", captured_at=NOON)
    articles, _ = load_articles(tmp_path / "content")
    briefing = next(a for a in articles if a.title.startswith("Morning briefing"))
    assert briefing.further_reading == ("Teacher pay talks resume with no new offer",
                                        "Hottest June day possible")
    assert briefing.related == ()
    [linked] = [a for a in link_further_reading(articles) if a.slug == briefing.slug]
    assert linked.related == ("teacher-pay-talks-resume-with-no-new-offer",)


def test_numbered_paragraphs_become_an_ordered_list_when_there_are_two_or_more() -> None:
    assert markdown_body(["Plan:", "1. First buses leave at 5.30am.", "2) Trains at 6.", "After.",
                          "3. A lonely number."]) == (
        "Plan:\n\n1. First buses leave at 5.30am.\n2. Trains at 6.\n\nAfter.\n\n3\\. A lonely number.")


def test_ages_counted_from_the_file_time_are_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "in/rel.txt"
    path.parent.mkdir()
    path.write_text("logo\nMinisters deny plan\n\nMinisters deny plan\n\nIndependenta day ago\n\n"
                    "Education ministers have denied reports.\n", encoding="utf-8")
    report = ingest_paths([path], tmp_path / "content")
    assert "counted from the file's modification time" in report.pages[0].summary()
    report = ingest_paths([path], tmp_path / "other", captured_at=NOON)
    assert "modification time" not in report.pages[0].summary()
