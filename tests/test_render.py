"""render.py: Markdown without raw HTML, template lookup order, errors naming template and line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from digest.errors import BuildError
from digest.render import Renderer, default_templates_dir, json_ld, long_date, template_dirs


def renderer(*dirs: Path) -> Renderer:
    return Renderer(list(dirs), {"who": "world"})


def test_markdown_renders_commonmark_and_shows_raw_html_as_text(tmp_path: Path) -> None:
    r = renderer(tmp_path)
    assert r.markdown("One *two*.\n\nThree.") == "<p>One <em>two</em>.</p>\n<p>Three.</p>\n"
    html = r.markdown("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<a" not in r.markdown("[x](javascript:alert(1))")
    assert '<a href="https://example.com">x</a>' in r.markdown("[x](https://example.com)")


def test_plain_text_strips_markup_and_cuts_at_a_word(tmp_path: Path) -> None:
    r = renderer(tmp_path)
    assert r.plain_text("Some *bold* text.\n\nAnd [a link](https://x.y).") == \
        "Some bold text. And a link."
    assert r.plain_text("alpha beta gamma delta", limit=12) == "alpha beta…"


def test_autoescape_and_site_templates_first(tmp_path: Path) -> None:
    site, defaults = tmp_path / "site", tmp_path / "defaults"
    site.mkdir()
    defaults.mkdir()
    (defaults / "a.html").write_text("default {{ x }}", encoding="utf-8")
    (defaults / "b.html").write_text("b {{ who }}", encoding="utf-8")
    (site / "a.html").write_text("site {{ x }}", encoding="utf-8")
    r = renderer(site, defaults)
    assert r.render("a.html", {"x": "<i>"}) == b"site &lt;i&gt;"
    assert r.render("b.html", {}) == b"b world"


def test_template_dirs_put_the_site_folder_before_the_defaults(tmp_path: Path) -> None:
    assert template_dirs(tmp_path / "missing") == [default_templates_dir()]
    assert template_dirs(tmp_path) == [tmp_path, default_templates_dir()]
    assert (default_templates_dir() / "base.html").is_file()
    assert (default_templates_dir() / "static/style.css").is_file()


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        renderer(tmp_path).render("bad.html", {})
    assert (err.value.path, err.value.line) == (tmp_path / "bad.html", 2)
    assert str(err.value).startswith(f"{tmp_path / 'bad.html'}:2: template syntax error")


def test_undefined_value_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "inc.html").write_text("a\nb\n{{ missing.attr }}\n", encoding="utf-8")
    (tmp_path / "page.html").write_text("{% include 'inc.html' %}\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        renderer(tmp_path).render("page.html", {})
    assert (err.value.path, err.value.line) == (tmp_path / "inc.html", 3)
    assert "'missing' is undefined" in str(err.value)


def test_missing_template_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"'nope\.html' not found"):
        renderer(tmp_path).render("nope.html", {})


def test_json_ld_cannot_close_its_script() -> None:
    text = json_ld({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": "</script><script>alert(1)</script> & <!--"}


def test_long_date_is_english_whatever_the_locale() -> None:
    assert long_date(dt.date(2025, 5, 8)) == "8 May 2025"
    assert long_date(dt.date(2025, 5, 8), weekday=True) == "Thursday 8 May 2025"


def test_body_is_markdown_and_plain_text_from_one_parse(tmp_path: Path) -> None:
    r = renderer(tmp_path)
    text = "Some *bold* text.\n\nAnd [a link](https://x.y).\n\n<b>raw</b> " + "word " * 60
    body = r.body(text)
    assert body.html == r.markdown(text)
    assert body.plain == r.plain_text(text)
    assert body.plain.startswith("Some bold text. And a link. <b>raw</b> word")
    assert len(body.plain) <= 201 and body.plain.endswith("word…")
    assert "markdown-it-py" in r.markdown_version
