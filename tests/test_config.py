"""Site config loading: defaults, every key, every problem reported at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import Config, checked_base_url, load_config
from digest.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "digest.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_gives_defaults_rooted_at_the_folder(tmp_path: Path) -> None:
    config = load_config(root=tmp_path)
    assert config == Config(root=tmp_path.resolve())
    assert config.path(config.content_dir) == tmp_path.resolve() / "content"


def test_values_are_read_and_base_url_gets_one_trailing_slash(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: My news\nbase_url: https://u.github.io/repo\n"
                                         "timezone: Europe/Paris\nitems_per_page: 7\n"))
    assert config.title == "My news"
    assert config.base_url == "https://u.github.io/repo/"
    assert config.timezone == "Europe/Paris"
    assert config.items_per_page == 7
    assert config.root == tmp_path.resolve()


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "title: ok\ncolour: blue\nitems_per_page: many\ntimezone: Mars/Base\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}:2: unknown key 'colour'")
    assert lines[1].startswith(f"{path}:3: 'items_per_page' must be int")
    assert lines[2].startswith(f"{path}:4: 'timezone' must be an IANA zone name")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "title: ok\nbase_url: [unclosed\n")
    with pytest.raises(ConfigError, match=r"digest.yaml:\d+: not valid YAML"):
        load_config(path)


def test_a_boolean_is_not_an_int(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'related_count' must be int, got bool"):
        load_config(write(tmp_path, "related_count: true\n"))


def test_a_duplicate_key_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "title: one\nlanguage: en\ntitle: two\n")
    with pytest.raises(ConfigError, match=r"digest.yaml:3: duplicate key 'title' \(first at line 1\)"):
        load_config(path)


@pytest.mark.parametrize("url", ["/", "example.com", "ftp://example.com/", "https://x.org/?a=1"])
def test_base_url_must_be_absolute_http(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match=r"digest.yaml:1: 'base_url' must"):
        load_config(write(tmp_path, f"base_url: '{url}'\n"))


def test_a_bad_base_url_option_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--base-url must be an absolute URL"):
        checked_base_url("example.com")
    assert checked_base_url("https://u.github.io/repo") == "https://u.github.io/repo/"
