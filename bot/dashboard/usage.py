"""What the turn log and the ratings say about use: the figures behind the trainers' dashboard.

- questions per day, split into answered, not found and clarified (local calendar days, every
  day of the period, days without questions included);
- 👍/👎 per entry: a rating counts for the entry of the turn it rates; ratings stored before the
  turn log are matched by their citation against the live index;
- the entries and sections never used to answer in the period: the live index's passages that
  no logged turn answered with (an entry never used at all, or single sections of entries that
  are used).

Usage:
    report = usage_report(store, live_passages(settings.index_dir), days=30)
    report.days[-1].answered, report.unused_entries[:3]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.feedback.records import StoredTurn, load_ratings, load_turns
from bot.feedback.store import FeedbackStore
from bot.knowledge.entries import Passage


@dataclass(frozen=True)
class DayCount:
    day: date
    answered: int = 0
    not_found: int = 0
    clarified: int = 0

    @property
    def total(self) -> int:
        return self.answered + self.not_found + self.clarified


@dataclass(frozen=True)
class EntryRatings:
    entry_id: str
    title: str
    positive: int
    negative: int


@dataclass(frozen=True)
class UnusedSections:
    entry_id: str
    title: str
    sections: list[str]  # never answered with, in file order
    of: int  # sections the entry has


@dataclass
class UsageReport:
    start: date
    end: date
    days: list[DayCount]
    ratings: list[EntryRatings]  # most ratings first
    unused_entries: list[UnusedSections]  # entries none of whose sections answered anything
    unused_sections: list[UnusedSections]  # entries used, with sections that never answered
    totals: Counter[str] = field(default_factory=Counter)  # answer, not_found, clarify


def usage_report(
    store: FeedbackStore,
    passages: Sequence[Passage],
    days: int | None = None,
    today: date | None = None,
    zone: tzinfo | None = None,
) -> UsageReport:
    """Figures over the last `days` days (None: all the retention period holds), in time zone `zone`
    (default: the machine's)."""
    zone = zone or datetime.now().astimezone().tzinfo or UTC
    today = today or datetime.now(zone).date()
    since = None if days is None else datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), zone)
    turns = [t for t in load_turns(store, since=since) if t.created.astimezone(zone).date() <= today]
    start = since.date() if since else min((t.created.astimezone(zone).date() for t in turns), default=today)

    per_day: dict[date, Counter[str]] = {}
    for turn in turns:
        per_day.setdefault(turn.created.astimezone(zone).date(), Counter())[turn.status] += 1
    span = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    empty: Counter[str] = Counter()
    day_counts = [
        DayCount(
            d, per_day.get(d, empty)["answer"], per_day.get(d, empty)["not_found"], per_day.get(d, empty)["clarify"]
        )
        for d in span
    ]
    titles = {p.entry_id: p.title for p in passages}
    unused = _unused(turns, passages, titles)
    return UsageReport(
        start=start,
        end=today,
        days=day_counts,
        ratings=_ratings(store, turns, passages, titles, since),
        unused_entries=[u for u in unused if len(u.sections) == u.of],
        unused_sections=[u for u in unused if len(u.sections) < u.of],
        totals=Counter(t.status for t in turns),
    )


def _ratings(
    store: FeedbackStore,
    turns: list[StoredTurn],
    passages: Sequence[Passage],
    titles: dict[str, str],
    since: datetime | None,
) -> list[EntryRatings]:
    entry_of_turn = {t.id: t.entry_id for t in turns}
    entry_of_citation = {p.citation: p.entry_id for p in passages}
    tally: dict[str, Counter[str]] = {}
    for rating in load_ratings(store):
        if since is not None and rating.created < since:
            continue
        if rating.turn_id is not None:
            entry = entry_of_turn.get(rating.turn_id)
        else:
            entry = entry_of_citation.get(rating.sources[0]) if rating.sources else None
        if entry:
            tally.setdefault(entry, Counter())[rating.kind] += 1
    rated = [EntryRatings(e, titles.get(e, e), c["positive"], c["negative"]) for e, c in tally.items()]
    return sorted(rated, key=lambda r: (-(r.positive + r.negative), -r.negative, r.entry_id))


def _unused(turns: list[StoredTurn], passages: Sequence[Passage], titles: dict[str, str]) -> list[UnusedSections]:
    answered = {pid for t in turns for pid in t.passages}
    sections: dict[str, list[Passage]] = {}
    for passage in passages:
        sections.setdefault(passage.entry_id, []).append(passage)
    found = []
    for entry, own in sections.items():
        unused = [p.section for p in own if p.id not in answered]
        if unused:
            found.append(UnusedSections(entry, titles[entry], unused, len(own)))
    return sorted(found, key=lambda u: (-len(u.sections) / u.of, u.entry_id))
