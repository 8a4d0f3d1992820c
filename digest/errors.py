"""The error types digest raises; only :mod:`digest.cli` turns them into exit codes."""

from __future__ import annotations

from pathlib import Path


class DigestError(Exception):
    """Base of every error digest reports to a user.

    Args:
        message: what went wrong and what to do about it.
        path: the file the problem is in, when there is one.
        line: the 1-based line in ``path``, when known.

    ``str(err)`` gives ``path:line: message`` (parts omitted when unknown).
    """

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class PageError(DigestError):
    """An input page that cannot be read as text (binary, undecodable)."""


class IngestBusy(DigestError):
    """Another digest process kept ``content/`` locked (ingesting) for too long."""


class ContentError(DigestError):
    """A ``content/*.md`` file whose front matter is missing or invalid."""


class ConfigError(DigestError):
    """An invalid site config; ``problems`` holds every problem found, each a ``DigestError``."""

    def __init__(self, problems: list[DigestError]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __str__(self) -> str:
        return self.message


class BuildError(DigestError):
    """A build that could not complete (template error, output collision, ...)."""


class DeployError(DigestError):
    """A deploy refused or failed; nothing was pushed."""
