"""Tests for digest.related: explicit links, backlinks and text-similar stories."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

import pytest

from digest.model import Article
from digest.related import RelatedLink, _max_df, related_key, related_links


def art(slug: str, title: str, body: str = "", *, day: int = 1,
        related: tuple[str, ...] = ()) -> Article:
    """Return an article dated 2025-03-<day>."""
    return Article(title=title, source="Wire", date=dt.date(2025, 3, day), slug=slug, body=body,
                   related=related)


FLOOD_A = art(
    "river-floods-town", "River bursts its banks and floods the town centre",
    "Heavy rain overnight caused the river to burst its banks. Floodwater swept through the town "
    "centre and residents were evacuated from flooded homes. Rescue teams used boats.", day=3)
FLOOD_B = art(
    "flood-evacuation", "Hundreds evacuated as floodwater rises after heavy rain",
    "Rescue teams evacuated hundreds of residents as floodwater rose after days of heavy rain. "
    "The river is expected to peak tonight and more homes may be flooded.", day=4)
FLOOD_C = art(
    "flood-clean-up", "Clean-up begins in flooded homes as the river falls",
    "Residents returned to flooded homes as the river level fell. Insurers said the flood "
    "damage from the heavy rain would cost millions; rescue boats were withdrawn.", day=5)
FOOTBALL = art(
    "cup-final", "Striker scores twice to win the cup final",
    "The striker scored two goals in the second half as the club won the cup final at the "
    "stadium. The manager praised the players and the supporters sang.", day=2)
FLOODS = (FLOOD_A, FLOOD_B, FLOOD_C)


def slugs(links: tuple[RelatedLink, ...]) -> list[tuple[str, str]]:
    return [(link.slug, link.kind) for link in links]


def test_similar_flood_stories_link_to_each_other_and_not_to_football() -> None:
    links = related_links([*FLOODS, FOOTBALL])
    assert set(links) == {a.slug for a in (*FLOODS, FOOTBALL)}
    for flood in FLOODS:
        got = slugs(links[flood.slug])
        assert sorted(got) == sorted((o.slug, "similar") for o in FLOODS if o is not flood)
    assert links["cup-final"] == ()


def test_most_similar_first() -> None:
    near = art("flood-evacuation-update", "Hundreds more evacuated as floodwater rises",
               FLOOD_B.body + " Updated with a second evacuation centre.", day=6)
    links = related_links([*FLOODS, near])
    assert links["flood-evacuation"][0] == RelatedLink(slug="flood-evacuation-update",
                                                       kind="similar")


def test_explicit_links_then_backlinks_then_similar() -> None:
    a = replace(FLOOD_A, related=("cup-final", "missing-story", "flood-clean-up"))
    b = replace(FLOOD_B, related=("river-floods-town",))
    old = replace(FOOTBALL, related=("river-floods-town",))
    c = replace(FLOOD_C, related=("river-floods-town",), date=dt.date(2025, 3, 4))
    links = related_links([a, b, c, old])
    assert slugs(links["river-floods-town"]) == [
        ("cup-final", "linked"),
        ("flood-clean-up", "linked"),  # also a backlink: kept once, as linked
        ("flood-evacuation", "backlink"),  # same date as flood-clean-up; not a duplicate
    ]
    # backlinks: both dated the 4th -> by slug; the football story (2nd) is only a linked one
    assert slugs(links["cup-final"]) == [("river-floods-town", "linked")]
    assert slugs(links["flood-evacuation"]) == [
        ("river-floods-town", "linked"), ("flood-clean-up", "similar")]


def test_backlinks_newest_first_then_slug() -> None:
    target = art("target", "Target story", "alpha beta gamma")
    fans = [art(s, word, f"{word} {word}", day=d, related=("target",)) for s, word, d in (
        ("b-old", "apple", 1), ("a-new", "pear", 9), ("c-new", "plum", 9), ("d-mid", "fig", 5))]
    links = related_links([target, *fans], count=2)
    assert slugs(links["target"]) == [
        ("a-new", "backlink"), ("c-new", "backlink"), ("d-mid", "backlink"),
        ("b-old", "backlink")]  # all kept beyond count=2
    assert slugs(links["a-new"]) == [("target", "linked")]


def test_count_limits_similar_only() -> None:
    shared = "floodwater river rain rescue homes residents boats evacuated levels bank"
    many = [art(f"flood-{i}", f"Flood report {i}", f"{shared} uniq{i}a uniq{i}b uniq{i}c")
            for i in range(8)]  # cosine 0.39 between any two
    assert [len(v) for v in related_links(many, count=3).values()] == [3] * 8
    assert all(v == () for v in related_links(many, count=0).values())
    linked = replace(many[0], related=tuple(a.slug for a in many[1:5]))
    got = related_links([linked, *many[1:]], count=2)["flood-0"]
    assert [link.kind for link in got] == ["linked"] * 4


def test_self_and_same_story_excluded() -> None:
    selfish = replace(FLOOD_A, related=("river-floods-town", "flood-copy"))
    copy = replace(FLOOD_A, slug="flood-copy", date=dt.date(2025, 3, 9))  # same title and text
    retitled = replace(FLOOD_A, slug="flood-retitled", title="Town centre flooded by river")
    links = related_links([selfish, copy, retitled, FLOOD_B])
    assert slugs(links["river-floods-town"]) == [("flood-evacuation", "similar")]
    assert "river-floods-town" not in {link.slug for link in links["flood-copy"]}
    assert "flood-copy" not in {link.slug for link in links["flood-retitled"]}


def test_same_title_different_text_is_same_story() -> None:
    # FLOOD_B's text under FLOOD_A's title (other case, extra space): cosine with FLOOD_A is 0.64
    twin = replace(FLOOD_B, slug="b-twin",
                   title="RIVER bursts its  banks and floods the town centre")
    links = related_links([*FLOODS, twin])
    assert slugs(links["river-floods-town"]) == [
        ("flood-evacuation", "similar"), ("flood-clean-up", "similar")]
    assert slugs(links["b-twin"]) == [
        ("flood-evacuation", "similar"), ("flood-clean-up", "similar")]


def test_empty_single_and_two() -> None:
    assert related_links([]) == {}
    assert related_links([replace(FLOOD_A, related=("river-floods-town", "nowhere"))]) == {
        "river-floods-town": ()}
    two = related_links([FLOOD_A, FLOOD_B])
    assert slugs(two["river-floods-town"]) == [("flood-evacuation", "similar")]


def test_empty_bodies_and_stop_words_only() -> None:
    blank = [art("x", "The", ""), art("y", "And it", ""), art("z", "Of", "", related=("x",))]
    links = related_links(blank)
    assert slugs(links["x"]) == [("z", "backlink")]
    assert links["y"] == ()
    mixed = related_links([art("e", "", ""), FLOOD_A, FLOOD_B])
    assert mixed["e"] == ()
    assert slugs(mixed["flood-evacuation"]) == [("river-floods-town", "similar")]


def test_order_of_input_does_not_matter() -> None:
    docs = [*FLOODS, FOOTBALL, replace(FLOOD_A, slug="z-flood", title="Town floods again")]
    assert related_links(docs) == related_links(docs[::-1])


def test_repeated_slug_uses_first(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="digest.related")
    links = related_links([FLOOD_A, replace(FOOTBALL, slug="river-floods-town"), FLOOD_B])
    assert slugs(links["flood-evacuation"]) == [("river-floods-town", "similar")]
    assert "share the slug" in caplog.text


def test_negative_count_rejected() -> None:
    with pytest.raises(ValueError, match="count must be at least 0"):
        related_links([FLOOD_A], count=-1)


def test_ties_broken_by_slug() -> None:
    x = art("x", "Flood river rain", "flood river rain town")
    b = art("b", "Flood river beta", "flood river beta town")  # as close to x as "a" is
    a = art("a", "Flood river alpha", "flood river alpha town")
    for order in ([x, b, a], [a, x, b], [b, a, x]):
        assert slugs(related_links(order)["x"]) == [("a", "similar"), ("b", "similar")]


def test_max_df_keeps_every_term_in_small_sites() -> None:
    assert (_max_df(2), _max_df(99), _max_df(100), _max_df(999), _max_df(10_000)) == (
        1.0, 1.0, 0.5, 0.5, 0.2)


def test_related_key_changes_with_what_links_depend_on() -> None:
    base = related_key([*FLOODS, FOOTBALL])
    assert base == related_key([*FLOODS, FOOTBALL])
    assert len(base) == 32
    changed = [
        [*FLOODS, replace(FOOTBALL, body=FOOTBALL.body + " Extra.")],
        [*FLOODS, replace(FOOTBALL, title="Another title")],
        [*FLOODS, replace(FOOTBALL, related=("flood-clean-up",))],
        [*FLOODS, replace(FOOTBALL, date=dt.date(2025, 3, 9))],
        [*FLOODS],
    ]
    assert len({base, *(related_key(c) for c in changed)}) == 6
    assert related_key([*FLOODS, FOOTBALL], count=3) != base
    assert related_key([*FLOODS, replace(FOOTBALL, source="Other")]) == base  # not used
