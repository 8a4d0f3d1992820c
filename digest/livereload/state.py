"""The build state the rebuilder writes and the HTTP server reads (see :mod:`digest.livereload`)."""

from __future__ import annotations

import secrets
import threading

HOLD_TIMEOUT = 60.0
"""Longest a request waits (seconds) for a pending build before it is served anyway."""


class BuildState:
    """What the server shows: the build tag, the last build error, and whether one is pending.

    All fields are guarded by one :class:`threading.Condition`; waiters are woken on every
    change. The tag is ``"<server id>.<n>"``: ``n`` counts finished builds (good or failed),
    the random server id makes a restarted server's tags differ from the old one's.
    """

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.server_id = secrets.token_hex(4)
        self.number = 0
        self.error: str | None = None
        self.good = False
        """True once any build has succeeded (there is a site to show)."""
        self.pending = True
        """True from a relevant change (or start) until the build it causes has finished."""
        self.closing = False

    @property
    def tag(self) -> str:
        """Return the tag of the last finished build (``"<server id>.<n>"``)."""
        return f"{self.server_id}.{self.number}"

    def wait_ready(self, timeout: float = HOLD_TIMEOUT) -> tuple[str, str | None]:
        """Wait (at most ``timeout`` seconds) until no build is pending; return ``(tag, error)``."""
        with self.cond:
            self.cond.wait_for(lambda: not self.pending or self.closing, timeout)
            return self.tag, self.error

    def wait_new_tag(self, seen: str | None, timeout: float) -> str | None:
        """Wait until a finished build's tag differs from ``seen``; return it, or None on close.

        Returns ``seen`` unchanged after ``timeout`` seconds without a new build.
        """
        with self.cond:
            self.cond.wait_for(
                lambda: self.closing or (not self.pending and self.tag != seen), timeout)
            if self.closing:
                return None
            return self.tag if not self.pending else seen

    def finish(self, error: str | None, *, more: bool) -> None:
        """Record a finished build (``error`` None when it succeeded); ``more``: one is queued."""
        with self.cond:
            self.number += 1
            self.error = error
            self.good = self.good or error is None
            self.pending = more
            self.cond.notify_all()

    def close(self) -> None:
        """Wake every waiter for shutdown."""
        with self.cond:
            self.closing = True
            self.cond.notify_all()

