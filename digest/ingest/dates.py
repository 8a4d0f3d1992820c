"""Dates on Daily8 pages: absolute stamps, relative ages, datelines, and the capture moment.

A story's date comes from one of (strongest first):

1. its own absolute stamp, ``DD-MM-YYYY`` (day first), e.g. ``time02-06-2025`` or the header
   ``The Guardian08-05-2025``;
2. a dateline opening its body (``March 15 (Northern Wire) -``, ``Jun. 1—``,
   ``KHARKIV, Aug 18 (Reuters) -``), whose year is inferred;
3. a relative age (``an hour ago``, ``time6 days ago``, ``yesterday``, ``il y a 2 jours``,
   ``timehier``) counted back from the capture moment (``date_estimated``);
4. the capture date itself (``date_estimated``).

When the capture moment is not given it is bounded from the page (:func:`bound_capture`).
A ``<label> <stamp>`` line (``Updated 13 hours ago``, ``Published 18-11-2025``, ``Mis à jour
hier``) is page furniture, not a header: :func:`parse_stamp_line` reads it, and it dates a story
only when nothing above does (QA pages, 2025-11: ``Updated 13 hours ago`` had been read as the
source ``Updated 1``).

All vocabulary (age words, month names, stamp labels) lives in the tables at the top of this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

AGE_UNITS: dict[str, dt.timedelta] = {
    "second": dt.timedelta(seconds=1),
    "minute": dt.timedelta(minutes=1),
    "hour": dt.timedelta(hours=1),
    "day": dt.timedelta(days=1),
    "week": dt.timedelta(weeks=1),
    "month": dt.timedelta(days=30),
    "year": dt.timedelta(days=365),
}
"""Relative-age units and their lengths (a month is 30 days, a year 365: ages are estimates)."""

AGE_QUANTITIES: dict[str, int] = {"a": 1, "an": 1, "one": 1, "a few": 3}
"""Age quantities written as words; digits are read as numbers."""

AGE_UNITS_FR: dict[str, dt.timedelta] = {
    "seconde": AGE_UNITS["second"], "minute": AGE_UNITS["minute"], "heure": AGE_UNITS["hour"],
    "jour": AGE_UNITS["day"], "semaine": AGE_UNITS["week"], "mois": AGE_UNITS["month"],
    "année": AGE_UNITS["year"], "an": AGE_UNITS["year"],
}
"""French units of ``il y a <n> <unité>`` (the French pages of the user trial, 2025-11)."""

AGE_QUANTITIES_FR: dict[str, int] = {"un": 1, "une": 1, "quelques": 3}
"""French age quantities written as words (``il y a une heure``, ``il y a quelques secondes``)."""

AGE_WORDS: dict[str, dt.timedelta] = {
    "just now": dt.timedelta(0),
    "today": dt.timedelta(0),
    "yesterday": dt.timedelta(days=1),
    "last week": dt.timedelta(weeks=1),
    "last month": AGE_UNITS["month"],
    "last year": AGE_UNITS["year"],
    "à l'instant": dt.timedelta(0),
    "aujourd'hui": dt.timedelta(0),
    "hier": dt.timedelta(days=1),
    "la semaine dernière": dt.timedelta(weeks=1),
}
"""Whole-phrase ages, English and French (``yesterday`` and ``hier`` in the user trial,
2025-11): ``yesterday`` is the capture moment minus a day, ``today`` the capture day."""

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
"""English month names and abbreviations as datelines write them."""

STAMP_LABELS: dict[str, bool] = {
    "updated": False, "last updated": False, "posted": True, "published": True,
    "mis à jour": False, "dernière mise à jour": False, "publié": True, "publié le": True,
    "publiée": True, "publiée le": True, "mis en ligne": True, "mis en ligne le": True,
}
"""Labels of a ``<label> <stamp>`` furniture line (QA pages, 2025-11), EN and FR; True when the
stamp is the publication moment, False when it is the last update (the story is no newer)."""

AGE_UNIT_MAX: dict[str, int] = {"second": 59, "minute": 59, "hour": 23, "day": 31, "week": 52,
                                "month": 11, "year": 99}
"""The largest age a page writes in each unit (it says ``2 days ago``, not ``52 hours ago``): used
only to choose how to split the digits of a glued header such as ``FOX 1052 hours ago``."""

_QUANTITY = "|".join(sorted((re.escape(q) for q in AGE_QUANTITIES), key=len, reverse=True))
_UNIT = "|".join(AGE_UNITS)
_QUANTITY_FR = "|".join(sorted((re.escape(q) for q in AGE_QUANTITIES_FR), key=len, reverse=True))
_UNIT_FR = "|".join(sorted((re.escape(u) for u in AGE_UNITS_FR), key=len, reverse=True))
_WORD = "|".join(sorted((re.escape(w).replace("'", "['\u2019]").replace(r"\ ", r"\s+")
                         for w in AGE_WORDS), key=len, reverse=True))
_AGE = (rf"(?:(?P<qty>\d{{1,4}}|{_QUANTITY})\s+(?P<unit>{_UNIT})s?\s+ago"
        rf"|il\s+y\s+a\s+(?P<qty_fr>\d{{1,4}}|{_QUANTITY_FR})\s+(?P<unit_fr>{_UNIT_FR})s?"
        rf"|(?P<word>{_WORD}))")
_DMY = r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})"
_STAMP_RE = re.compile(rf"(?:{_AGE}|{_DMY})", re.IGNORECASE)
_ANCHOR_RE = re.compile(rf"^(?:time\s*)?{_STAMP_RE.pattern}$", re.IGNORECASE)
_PARTIAL_ANCHOR_RE = re.compile(
    rf"^(?:t(?:i(?:m(?:e)?)?)?"
    rf"|(?:time\s*)?(?:\d{{1,4}}|{_QUANTITY}|a\s+fe?)(?:\s+[a-z]+(?:\s+a(?:go?)?)?)?"
    rf"|(?:time\s*)?\d{{1,2}}(?:-\d{{0,2}}(?:-\d{{0,4}})?)?"
    rf"|(?:time\s*)?il\s+y(?:\s+a(?:\s+\S+(?:\s+[^\W\d_]*)?)?)?)\s*$",
    re.IGNORECASE)
_GLUE = "[\u00a0\u202f]?"
"""What may stand between a header's source and its stamp: nothing, or one non-breaking space
(the QA pages, 2025-11: ``Coastal Herald\u00a019-11-2025``, two page elements side by side)."""
_HEADER_RE = re.compile(rf"^(?P<source>.{{0,79}}?\S){_GLUE}(?:{_AGE}|{_DMY})$", re.IGNORECASE)
_HEADER_SHARED_RE = re.compile(
    rf"^(?P<lead>.{{0,79}}?[ \t])(?P<digits>\d{{2,6}})"
    rf"(?:\s+(?P<unit>{_UNIT})s?\s+ago|-(?P<month>\d{{1,2}})-(?P<year>\d{{4}}))$", re.IGNORECASE)
_MAX_GLUED_QUANTITY_DIGITS = 2
_LABEL = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in STAMP_LABELS),
                         key=len, reverse=True))
_STAMP_LINE_RE = re.compile(
    rf"^(?P<label>{_LABEL})\s*(?::\s*|\s+on\s+|\s+at\s+)?(?:time\s*)?{_STAMP_RE.pattern}$",
    re.IGNORECASE)
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATELINE_RE = re.compile(
    rf"^(?:[^\W\d_][^,\n]{{0,40}},\s*)?(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})\b"
    rf"(?:,?\s+(?P<year>\d{{4}}))?\s*(?:\([^)\n]{{1,60}}\)\s*)?[-\u2013\u2014]",
    re.IGNORECASE)
_SENTENCE_END = ".!?;:,"
YEARS = range(1900, 3000)
"""Years a stamp may name; ``01-01-0001`` or ``9999 years ago`` is read as no date at all."""
_MAX_HEADER_LINE = 120


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a date line says: an absolute date, or an age before the capture moment.

    Both None means the line had the shape of a date but not a valid one (``31-02-2025``).
    """

    absolute: dt.date | None = None
    age: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class StampLine:
    """What a ``<label> <stamp>`` furniture line says (``Updated 13 hours ago``)."""

    stamp: Stamp
    published: bool
    """True for a publication label (``Published``, ``Posted``, ``Publié``): an absolute stamp is
    then the story's date, not an estimate; False for an update label (the story is no newer)."""


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Everything one story offers towards its date, before the capture moment is known."""

    stamp: Stamp = Stamp()
    dateline: tuple[int, int, int | None] | None = None
    """``(month, day, year or None)`` from a dateline opening the body."""
    labelled: StampLine | None = None
    """The first ``Updated …`` / ``Published …`` furniture line of the story: its date only when
    nothing above dates it."""


@dataclass(frozen=True, slots=True)
class Capture:
    """The capture moment used for a page, and what else the page says about it."""

    moment: dt.datetime
    known: bool
    """True when the moment was given, False when it was bounded from the page or guessed."""
    floor: dt.date | None = None
    """The page's latest absolute date: nothing on it was published later (a lower bound)."""
    ceiling: bool = True
    """True when no story on the page is later than ``moment``: it was given, pinned by a dateline
    and an age, the file's time, or now. False when it is only the page's ``floor`` at noon, a
    guess that bounds nothing (a dateline then takes the first year not before ``floor``)."""


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())


def _age_from(match: re.Match[str]) -> dt.timedelta | None:
    """The age a match names in any of the three forms of ``_AGE``, or None for a DMY stamp."""
    if match.group("word"):
        return AGE_WORDS[_key(match.group("word"))]
    if match.group("unit"):
        quantities, units, qty_text, unit = (AGE_QUANTITIES, AGE_UNITS, match.group("qty"),
                                             match.group("unit"))
    elif match.group("unit_fr"):
        quantities, units, qty_text, unit = (AGE_QUANTITIES_FR, AGE_UNITS_FR, match.group("qty_fr"),
                                             match.group("unit_fr"))
    else:
        return None
    qty = int(qty_text) if qty_text.isdigit() else quantities[_key(qty_text)]
    return units[_key(unit)] * qty


def _stamp_from(match: re.Match[str]) -> Stamp:
    age = _age_from(match)
    if age is not None:
        return Stamp(age=age) if age.days < len(YEARS) * 365 else Stamp()
    year, month, day = (int(match.group(k)) for k in ("year", "month", "day"))
    return Stamp(absolute=dt.date(year, month, day)) if _valid(year, month, day) else Stamp()


def parse_anchor(line: str) -> Stamp | None:
    """Parse an item's date line (``time2 hours ago``, ``a day ago``, ``time02-06-2025``).

    Returns the :class:`Stamp`, or None when the whole line is not a date line.
    """
    match = _ANCHOR_RE.match(line.strip())
    return _stamp_from(match) if match else None


def is_partial_anchor(line: str) -> bool:
    """Return True when ``line`` could be a date line cut off by truncation (``16 minutes``, ``time``)."""
    return bool(_PARTIAL_ANCHOR_RE.match(line.strip()))


def parse_stamp_line(line: str) -> StampLine | None:
    """Read a furniture line that is exactly a label and a stamp, else return None.

    ``Updated 13 hours ago``, ``Posted 14 hours ago``, ``Published 18-11-2025``,
    ``Last updated: yesterday``, ``Mis à jour il y a 2 heures``, ``Publié le 18-11-2025`` (labels in
    :data:`STAMP_LABELS`; QA pages, 2025-11). Such a line is never a ``<Source><Stamp>`` header.
    """
    match = _STAMP_LINE_RE.match(line.strip())
    if not match:
        return None
    return StampLine(stamp=_stamp_from(match), published=STAMP_LABELS[_key(match.group("label"))])


def split_source_stamp(line: str) -> tuple[str, Stamp] | None:
    """Split an article header line, source and date glued: ``The Guardian08-05-2025``.

    Also ``Independenta day ago``, ``9 News6 days ago`` and ``Channel 52 hours ago``. The stamp
    must be glued to the source, with no space between (one non-breaking space is glue: two page
    elements side by side; QA pages, 2025-11): ``it happened 3 days
    ago`` is a sentence and ``Published 18-11-2025`` a furniture line (:func:`parse_stamp_line`),
    not headers. Digits glued to a word belong to the stamp (``Independent12 hours ago``); a run of
    digits after a space may be shared (``FOX 1012 hours ago``): see :func:`_split_digits`.
    Returns ``(source, stamp)`` or None.
    """
    text = line.strip()
    if len(text) > _MAX_HEADER_LINE or parse_stamp_line(text) is not None:
        return None
    shared = _HEADER_SHARED_RE.match(text)
    if shared:
        return _split_digits(shared)
    match = _HEADER_RE.match(text)
    if not match or not _is_source(match.group("source")):
        return None
    return " ".join(match.group("source").split()), _stamp_from(match)


def _is_source(source: str) -> bool:
    """A header's source part: something, ending in neither a space (no glue) nor punctuation."""
    return bool(source.strip()) and not source[-1].isspace() and source[-1] not in _SENTENCE_END


def _split_digits(match: re.Match[str]) -> tuple[str, Stamp] | None:
    """Split ``<words> <digits><stamp rest>``, where the digits may end the source or start the stamp.

    ``Channel 52 hours ago``, ``FOX 1012 hours ago``, ``Radio 414-03-2025``. The stamp takes the last
    one or two digits, the source the rest. A two-digit quantity or day wins when it is plausible
    (an age within :data:`AGE_UNIT_MAX` without a leading zero, a real calendar day), else one digit.
    If that leaves the source ending in a space, the stamp was not glued and the line is no header
    (``Coastal Herald 17-11-2025``, ``Xyz 13 hours ago``; QA pages, 2025-11). So ``FOX 1012 hours
    ago`` is ``FOX 10`` and 12 hours, ``Channel 52 hours ago`` is ``Channel 5`` and 2 hours (52 is
    no way a page writes hours). Decided for the QA pages, 2025-11: the text alone cannot tell.
    """
    lead, digits, unit = match.group("lead"), match.group("digits"), match.group("unit")
    splits = []
    for width in range(1, _MAX_GLUED_QUANTITY_DIGITS + 1):
        quantity, stamp = digits[-width:], Stamp()
        if unit is not None:
            plausible = quantity[0] != "0" and int(quantity) <= AGE_UNIT_MAX[_key(unit)]
            stamp = Stamp(age=AGE_UNITS[_key(unit)] * int(quantity))
        else:
            year, month = int(match.group("year")), int(match.group("month"))
            plausible = _valid(year, month, int(quantity))
            stamp = Stamp(absolute=dt.date(year, month, int(quantity))) if plausible else Stamp()
        splits.append((plausible, width, lead + digits[:-width], stamp))
    _, _, source, stamp = max(splits, key=lambda split: split[:2])
    return (" ".join(source.split()), stamp) if _is_source(source) else None


def parse_dateline(paragraph: str) -> tuple[int, int, int | None] | None:
    """Return ``(month, day, year or None)`` from a dateline opening ``paragraph``, else None."""
    match = _DATELINE_RE.match(paragraph)
    if not match:
        return None
    month = MONTHS[match.group("month").casefold()]
    day = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else None
    if not _valid(year or 2024, month, day):  # 2024: a leap year, so 29 Feb is allowed
        return None
    return month, day, year


def _valid(year: int, month: int, day: int) -> bool:
    """True for a real calendar day in :data:`YEARS`."""
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return year in YEARS


def dateline_date(dateline: tuple[int, int, int | None], *, not_after: dt.date | None = None,
                  not_before: dt.date | None = None) -> dt.date | None:
    """Give a dateline its year.

    Args:
        dateline: ``(month, day, year or None)``; a written year is used as it is.
        not_after: when the capture date is known: take the latest such day not after it.
        not_before: else the page's own main date: take the first such day not before it.

    Returns the date, or None when neither bound is given (or no year within 8 fits).
    """
    month, day, year = dateline
    if year is not None:
        return dt.date(year, month, day)
    if not_after is not None:
        years = range(not_after.year, not_after.year - 8, -1)
        fits = [dt.date(y, month, day) for y in years if _valid(y, month, day)]
        return next((d for d in fits if d <= not_after), None)
    if not_before is not None:
        years = range(not_before.year, not_before.year + 8)
        fits = [dt.date(y, month, day) for y in years if _valid(y, month, day)]
        return next((d for d in fits if d >= not_before), None)
    return None


def _noon(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=tz)


def _minus(moment: dt.datetime, age: dt.timedelta) -> dt.datetime:
    """``moment - age``, held at the calendar's edge instead of overflowing."""
    try:
        return moment - age
    except OverflowError:
        return dt.datetime.min.replace(tzinfo=moment.tzinfo) if age > dt.timedelta(0) else moment


def local_date(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    """The calendar date of ``moment`` in ``tz`` (its own date where converting would overflow)."""
    try:
        return moment.astimezone(tz).date()
    except OverflowError:
        return moment.date()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def bound_capture(evidence: list[DateEvidence], *, captured_at: dt.datetime | None,
                  fallback: dt.datetime | None, tz: dt.tzinfo) -> Capture:
    """Decide the capture moment of a page.

    Args:
        evidence: the date evidence of every story on the page, main story first.
        captured_at: the known capture moment, used as it is when given (naive means UTC).
        fallback: the file's modification time, used when the page offers no better evidence.
        tz: the site timezone, for "noon on a date".

    With no ``captured_at``: a story with both a dateline and an age pins the capture moment
    (dateline day at noon + age, see :func:`_pinned_day`); otherwise ``fallback``, else the page's
    latest absolute date at noon, else now. Every absolute date on the page is a lower bound
    (nothing is published after the page was saved), so a ``fallback`` before it is wrong and
    ignored. The rule is the spec's (issue #2: "the year is the latest one not after the capture
    time when that is known, else the first one not before the page's own main date"), as observed
    in the seed page (``../shared/seeds``: main story 08-05-2025, ``June 22 (Reuters) -`` an hour
    ago, no capture time: June 22 is 2025-06-22). The floor bounds the capture moment, never a
    story's date: a dateline year never puts a story after a fallback or bounded capture moment.
    """
    lower = max((day for e in evidence for day in _absolutes(e)), default=None)
    if captured_at is not None:
        return Capture(_aware(captured_at), known=True, floor=lower)
    reference = _aware(fallback) if fallback is not None else None
    if reference is not None and lower is not None and local_date(reference, tz) < lower:
        reference = None
    for item in evidence:
        if item.dateline and item.stamp.age is not None and item.stamp.absolute is None:
            upper = local_date(reference, tz) if reference else None
            if upper is None and lower is None:
                upper = local_date(_now(), tz)
            day = _pinned_day(item.dateline, item.stamp.age, floor=lower, upper=upper, tz=tz)
            if day is not None:
                return Capture(_minus(_noon(day, tz), -item.stamp.age), known=False, floor=lower)
    if reference is not None:
        return Capture(reference, known=False, floor=lower)
    if lower is not None:
        return Capture(_noon(lower, tz), known=False, floor=lower, ceiling=False)
    return Capture(_now(), known=False)


def _pinned_day(dateline: tuple[int, int, int | None], age: dt.timedelta, *,
                floor: dt.date | None, upper: dt.date | None, tz: dt.tzinfo) -> dt.date | None:
    """The dateline's day such that its noon + ``age`` falls on or after ``floor`` and on or before
    ``upper`` (either may be None, not both), or None when no year within 8 of them fits.

    Of several fitting years: the first when there is a floor (the issue #2 rule, "the first one not
    before the page's own main date"), else the latest. A page with main date 08-05-2025, file time
    2025-05-20 and ``March 15 (Reuters) -`` two months ago pins 2025-03-15, not 2026-03-15
    (a reviewer's case: the floor rule alone dated the story after the capture moment).
    """
    month, day, year = dateline
    around = (floor or upper or dt.date.min).year
    years = [year] if year is not None else range(around - 8, around + 9)

    def fits(candidate: dt.date) -> bool:
        reached = local_date(_minus(_noon(candidate, tz), -age), tz)
        return (floor is None or reached >= floor) and (upper is None or reached <= upper)

    days = [dt.date(y, month, day) for y in years if _valid(y, month, day)]
    fitting = [d for d in days if fits(d)]
    if not fitting:
        return None
    return min(fitting) if floor is not None else max(fitting)


def _absolutes(evidence: DateEvidence) -> list[dt.date]:
    """Every absolute date a story names (its stamp and its labelled furniture stamp)."""
    stamps = [evidence.stamp, evidence.labelled.stamp if evidence.labelled else Stamp()]
    return [s.absolute for s in stamps if s.absolute is not None]


def _now() -> dt.datetime:
    """The last resort for a page with no date evidence at all (the only impure step)."""
    return dt.datetime.now(tz=dt.UTC)


def resolve_date(evidence: DateEvidence, capture: Capture, *, tz: dt.tzinfo
                 ) -> tuple[dt.date, bool]:
    """Return ``(date, date_estimated)`` for one story, by the order in the module docstring.

    A labelled furniture stamp (``Updated 18-11-2025``) comes after all of those but the capture
    date: a ``Published``/``Posted`` absolute date is the publication date (not estimated), an
    ``Updated`` one only bounds it (estimated), and any age is estimated.

    A dateline's year (issue #2): the latest not after the capture date whenever the capture
    moment bounds the page (``capture.ceiling``: given, pinned by a dateline and an age, the file's
    time, or now), so a dateline never dates a story after it; only when the moment is a guess at
    the page's own absolute date (``capture.floor``), the first year not before that.
    """
    if evidence.stamp.absolute is not None:
        return evidence.stamp.absolute, False
    captured_day = local_date(capture.moment, tz)
    if evidence.dateline is not None:
        if capture.ceiling or capture.floor is None:
            day = dateline_date(evidence.dateline, not_after=captured_day)
        else:
            day = dateline_date(evidence.dateline, not_before=capture.floor)
        if day is not None:
            return day, False
    if evidence.stamp.age is not None:
        return local_date(_minus(capture.moment, evidence.stamp.age), tz), True
    labelled = evidence.labelled.stamp if evidence.labelled else Stamp()
    if labelled.absolute is not None:
        return labelled.absolute, not (evidence.labelled and evidence.labelled.published)
    if labelled.age is not None:
        return local_date(_minus(capture.moment, labelled.age), tz), True
    return captured_day, True
