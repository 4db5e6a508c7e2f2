"""`ldn-bot gaps [--since DATE]`: what members asked that the corpus could not answer.

Reads the no-evidence log (written by the Discord bot and the REPL) and the 👎 feedback records,
groups near-duplicate questions (stemmed content words, rapidfuzz) and lists them most frequent first, with counts:
the curators' to-do list. Only argparse and the standard library at the top (cold start of `ask`).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from ldn_bot.errors import UsageError

SIMILARITY = 85.0  # rapidfuzz token_sort_ratio on the questions' content words

# Words every LDN question shares; left out when comparing questions so "Does LDN help tinnitus?"
# and "does low dose naltrexone work for tinnitus" group, and "...tinnitus?" and "...eczema?" do not.
_FILLER = frozenset(["a", "about", "an", "and", "any", "anyone", "are", "as", "at", "be", "been", "can", "cause", "causes", "could", "did", "do", "does", "doing", "dose", "effect", "effects", "for", "from", "get", "good", "has", "have", "help", "helps", "helpful", "how", "i", "if", "in", "is", "it", "its", "know", "ldn", "low", "lowdose", "me", "my", "naltrexone", "of", "on", "or", "people", "please", "question", "should", "take", "taking", "tell", "than", "that", "the", "there", "this", "to", "treat", "treating", "treatment", "use", "used", "using", "was", "what", "whats", "when", "where", "which", "who", "why", "will", "with", "work", "works", "would", "you", "your"])


def configure(p: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot gaps`."""
    p.description = ("Questions logged as having no evidence, and answers members marked 👎, "
                     "grouped when they are near-duplicates, most frequent first.")
    p.add_argument("--since", metavar="DATE", help="only questions from this date on: YYYY-MM-DD, an ISO time, "
                   "or a span back from now such as 7d or 4w")
    p.add_argument("--limit", type=int, default=30, metavar="N", help="show at most N groups (default 30; 0: all)")
    p.add_argument("--log", action="append", metavar="FILE",
                   help="read this JSON Lines log instead of the ones in the settings file (repeatable)")
    p.add_argument("--json", action="store_true", help="print the groups as JSON")
    p.set_defaults(func=cmd_gaps)


@dataclass
class Gap:
    question: str  # the most common wording
    count: int = 0
    unanswered: int = 0
    downvoted: int = 0
    first: str = ""
    last: str = ""
    variants: dict[str, int] = field(default_factory=dict)  # wording -> times asked
    labels: dict[str, int] = field(default_factory=dict)  # studies cited in 👎 answers

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "count": self.count, "no_evidence": self.unanswered,
                "thumbs_down": self.downvoted, "first": self.first, "last": self.last,
                "variants": sorted(self.variants, key=lambda v: -self.variants[v]),
                "cited_in_thumbs_down": sorted(self.labels, key=lambda l: -self.labels[l])}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    value = text.strip()
    m = re.fullmatch(r"(\d+)\s*([dwh])", value.lower())
    if m:
        unit = {"d": "days", "w": "weeks", "h": "hours"}[m.group(2)]
        return now - timedelta(**{unit: int(m.group(1))})
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since '{text}' is not a date: use YYYY-MM-DD (e.g. 2025-01-31), "
                         "an ISO time, or a span such as 7d or 4w") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _time(record: dict[str, Any]) -> datetime | None:
    value = record.get("time")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def content_words(question: str) -> str:
    """The words that tell questions apart, stemmed so "dreams"/"dream" and "sleeping"/"sleep" agree."""
    words = re.findall(r"[a-z0-9]+", question.casefold().replace("low-dose", "lowdose").replace("'", ""))
    kept = [w for w in words if w not in _FILLER] or words
    return " ".join(_stemmer().stemWords(kept))


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer, as the retrieval analyzer; imported here, not on `ask`'s start-up path

    return Stemmer.Stemmer("english")


def vote(record: dict[str, Any]) -> str | None:
    """"up"/"down" for a feedback record ("feedback" or "vote" field), None for a logged question."""
    value = record.get("feedback", record.get("vote"))
    return value if isinstance(value, str) else None


def _is_feedback(record: dict[str, Any]) -> bool:
    return "feedback" in record or "vote" in record


def gap_records(records: Iterable[dict[str, Any]], since: datetime | None = None) -> list[dict[str, Any]]:
    """The records that show a gap: no-evidence answers and 👎 feedback, from `since` on.

    A 👎 on an answer that was itself logged as no-evidence is the same question asked once: it is
    counted once, as a 👎 (matched by question and the time it was answered)."""
    out: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    asked: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        question = rec.get("question")
        if not isinstance(question, str) or not question.strip():
            continue
        down = _is_feedback(rec) and vote(rec) == "down"
        unanswered = rec.get("status") == "no_evidence" and not _is_feedback(rec)
        if not (down or unanswered):
            continue
        if since is not None:
            when = _time(rec)
            if when is None or when < since:
                continue
        key = (question, rec.get("time"), vote(rec), rec.get("source"), rec.get("user_id"))
        if key in seen:  # the same record read from two logs
            continue
        seen.add(key)
        rec = dict(rec, _down=down)
        if unanswered and isinstance(rec.get("time"), str):
            asked[(question, rec["time"])] = rec
        answered = rec.get("answered")
        if down and isinstance(answered, str) and (question, answered) in asked:
            asked[(question, answered)]["_down"] = True
            continue
        out.append(rec)
    return out


def group_gaps(records: list[dict[str, Any]], similarity: float = SIMILARITY) -> list[Gap]:
    from rapidfuzz import fuzz

    # Exact wordings first (most asked first), then each joins the first group it is close to.
    by_wording: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        wording = " ".join(rec["question"].split())
        by_wording.setdefault(wording, []).append(rec)
    order = sorted(by_wording, key=lambda w: (-len(by_wording[w]), w.lower()))
    groups: list[tuple[str, Gap]] = []
    for wording in order:
        key = content_words(wording)
        target = None
        for group_key, gap in groups:
            if key == group_key or fuzz.token_sort_ratio(key, group_key) >= similarity:
                target = gap
                break
        if target is None:
            target = Gap(question=wording)
            groups.append((key, target))
        for rec in by_wording[wording]:
            target.count += 1
            if rec.get("status") == "no_evidence":
                target.unanswered += 1
            if rec.get("_down"):
                target.downvoted += 1
                for label in rec.get("labels") or []:
                    if isinstance(label, str):
                        target.labels[label] = target.labels.get(label, 0) + 1
            t = rec.get("time") if isinstance(rec.get("time"), str) else ""
            if t and (not target.first or t < target.first):
                target.first = t
            if t and t > target.last:
                target.last = t
            target.variants[wording] = target.variants.get(wording, 0) + 1
    gaps = [g for _, g in groups]
    gaps.sort(key=lambda g: (-g.count, _neg(g.last), g.question.lower()))
    return gaps


def _neg(timestamp: str) -> tuple:
    return tuple(-ord(c) for c in timestamp)


def read_logs(paths: list[Path]) -> list[dict[str, Any]]:
    from ldn_bot.logs import JsonlLog

    records: list[dict[str, Any]] = []
    for path in paths:
        records.extend(JsonlLog(path).read())
    return records


def cmd_gaps(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    since = parse_since(args.since) if args.since else None
    if args.log:
        paths = [Path(p) for p in args.log]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"{missing[0]}: log file not found")
    else:
        from ldn_bot.config import load_config

        config = load_config(args.config)
        paths = list(dict.fromkeys([config.resolve(config.logs.questions), config.resolve(config.logs.feedback)]))
    records = gap_records(read_logs(paths), since)
    gaps = group_gaps(records)
    shown = gaps[: args.limit] if args.limit else gaps
    if args.json:
        import json

        print(json.dumps([g.as_dict() for g in shown], indent=2, ensure_ascii=False))
        return 0
    where = ", ".join(str(p) for p in paths)
    if not gaps:
        period = f" since {args.since}" if args.since else ""
        print(f"No unanswered questions or 👎 feedback{period} (read {where}).")
        return 0
    print(f"{len(records)} unanswered or 👎 questions{' since ' + args.since if args.since else ''}, "
          f"in {len(gaps)} group{'' if len(gaps) == 1 else 's'} (read {where}):")
    print()
    width = len(str(shown[0].count))
    for gap in shown:
        kinds = []
        if gap.unanswered:
            kinds.append(f"{gap.unanswered} no evidence")
        if gap.downvoted:
            kinds.append(f"{gap.downvoted} 👎")
        last = f", last {gap.last[:10]}" if gap.last else ""
        print(f"{gap.count:>{width}}  {gap.question}  ({', '.join(kinds)}{last})")
        others = [v for v in sorted(gap.variants, key=lambda v: -gap.variants[v]) if v != gap.question]
        for v in others[:3]:
            print(f"{'':>{width}}    also: {v}" + (f" (x{gap.variants[v]})" if gap.variants[v] > 1 else ""))
        if len(others) > 3:
            print(f"{'':>{width}}    ... and {len(others) - 3} more wordings")
        if gap.labels:
            print(f"{'':>{width}}    👎 answers cited: {', '.join(sorted(gap.labels, key=lambda l: -gap.labels[l]))}")
    if len(gaps) > len(shown):
        print(f"\n... and {len(gaps) - len(shown)} more groups (--limit 0 shows all)")
    return 0
