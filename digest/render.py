"""The one place that knows Jinja2, and where Markdown becomes HTML.

Templates are looked up in the site's own templates folder first, then in the defaults shipped with
digest (Hugo's and Pelican's theme override rule: a file of the same name wins). Autoescaping is
on and undefined variables are errors (``StrictUndefined``); Markdown is CommonMark via
markdown-it-py with raw HTML off, so markup in a story shows as text and ``javascript:`` links are
not made (markdown-it-py's ``validateLink``).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
import logging
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown_it
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

import digest
from digest.errors import BuildError

log = logging.getLogger(__name__)

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
"""English month names, fixed so output does not depend on the machine's locale."""
PLAIN_LIMIT = 200
"""Most characters of an article's plain-text description (meta description, JSON-LD)."""
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def default_templates_dir() -> Path:
    """Return the folder of the default templates shipped with digest.

    ``digest/templates`` inside an installed wheel; the repository's ``templates/`` in an
    editable install.
    """
    packaged = importlib.resources.files("digest") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(digest.__file__).resolve().parents[1] / "templates"


def template_dirs(site_templates: Path) -> list[Path]:
    """Return the template search path: ``site_templates`` (when it exists), then the defaults."""
    dirs = [site_templates] if site_templates.is_dir() else []
    return [*dirs, default_templates_dir()]


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """One article body, rendered."""

    html: Markup
    """The body as safe HTML (CommonMark, raw HTML shown as text)."""
    plain: str
    """Its words without markup, at most :data:`PLAIN_LIMIT` chars, cut at a word (``…``)."""


class Renderer:
    """Renders templates to bytes and Markdown to HTML.

    Args:
        dirs: template folders, first match wins (see :func:`template_dirs`).
        globals: values every template sees (``site``, ``links``, ...).
    """

    def __init__(self, dirs: Sequence[Path], globals: Mapping[str, Any]) -> None:
        self.dirs = list(dirs)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals.update(globals)
        self.env.filters.update(longdate=long_date, monthname=month_name)
        self._md = MarkdownIt("commonmark", {"html": False})

    @property
    def markdown_version(self) -> str:
        """Name what :meth:`body` output depends on besides its text (for cache keys)."""
        return f"markdown-it-py {markdown_it.__version__} commonmark html=False plain={PLAIN_LIMIT}"

    def markdown(self, text: str) -> Markup:
        """Return ``text`` (CommonMark) as safe HTML; raw HTML in it is shown as text."""
        return Markup(self._md.render(text))

    def plain_text(self, text: str, limit: int = PLAIN_LIMIT) -> str:
        """Return the words of Markdown ``text`` without markup, cut at a word to ``limit`` chars."""
        return _plain_text(self._md.parse(text), limit)

    def body(self, text: str) -> Body:
        """Return Markdown ``text`` as HTML and as plain text (:data:`PLAIN_LIMIT` chars), parsed once.

        The same as :meth:`markdown` and :meth:`plain_text`, at half the cost: the parse is
        most of the work (about 0.5 ms for 400 words).
        """
        env: dict[str, Any] = {}
        tokens = self._md.parse(text, env)
        html = self._md.renderer.render(tokens, self._md.options, env)
        return Body(html=Markup(html), plain=_plain_text(tokens, PLAIN_LIMIT))

    def render(self, template: str, context: Mapping[str, Any]) -> bytes:
        """Render ``template`` with ``context``; return UTF-8 bytes.

        Raises:
            BuildError: the template is missing, has a syntax error, or fails while rendering
                (an undefined variable, a bad filter, a helper called with an unknown name); the
                error names the template file and line.
        """
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as e:
            raise BuildError(f"template syntax error: {e.message}",
                             path=e.filename or e.name or template, line=e.lineno) from e
        except jinja2.TemplateNotFound as e:
            raise BuildError(f"template {e.name!r} not found in {', '.join(map(str, self.dirs))}",
                             path=template) from e
        except jinja2.TemplateError as e:
            path, line = self._template_frame(e, template)
            raise BuildError(f"template error: {e}", path=path, line=line) from e
        except Exception as e:  # a template calling our helpers wrongly: KeyError, TypeError...
            path, line = self._template_frame(e, template)
            raise BuildError(f"template error: {type(e).__name__}: {e}", path=path, line=line) from e

    def _template_frame(self, error: Exception, template: str) -> tuple[str, int | None]:
        """Return the template file and line an error came from (Jinja rewrites the traceback)."""
        roots = tuple(str(d) for d in self.dirs)
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.startswith(roots):
                return frame.filename, frame.lineno
        return template, None


def _plain_text(tokens: Sequence[Token], limit: int) -> str:
    """Return the words of parsed Markdown ``tokens``, whitespace collapsed, cut at a word to
    ``limit`` chars (an ellipsis marks the cut)."""
    blocks: list[str] = []
    for token in tokens:
        if token.children is not None:
            blocks.append("".join(child.content if child.type in ("text", "code_inline")
                                  else " " if child.type in ("softbreak", "hardbreak")
                                  else "" for child in token.children))
    plain = " ".join(" ".join(blocks).split())
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0] + "…"


def long_date(date: dt.date, weekday: bool = False) -> str:
    """Format ``date`` as ``8 May 2025`` (``Thursday 8 May 2025`` with ``weekday``)."""
    text = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
    return f"{WEEKDAYS[date.weekday()]} {text}" if weekday else text


def month_name(month: int) -> str:
    """Return the English name of ``month`` (1-12)."""
    return MONTHS[month - 1]


def json_ld(data: Mapping[str, Any]) -> Markup:
    """Serialise ``data`` for a ``<script type="application/ld+json">`` block.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes (still the same JSON), so a
    hostile value cannot close the script element or open a comment.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
