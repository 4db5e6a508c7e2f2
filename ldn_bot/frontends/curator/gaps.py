"""`ldn-bot gaps [--since DATE]`: what members asked that the corpus could not answer.

Reads the no-evidence log (written by the Discord bot and the REPL) and the 👎 feedback records,
groups near-duplicate questions (stemmed content words, rapidfuzz) and lists them most frequent first, with counts:
the curators' to-do list. Only argparse and the standard library at the top (cold start of `ask`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import stat
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ldn_bot.errors import LdnBotError, UsageError
from ldn_bot.frontends.curator.grouping import Counted, group_gaps, record_time


def configure(p: argparse.ArgumentParser) -> None:
    """Options and handler of `ldn-bot gaps`."""
    p.description = (
        "Questions logged as having no evidence, and answers members marked 👎, "
        "grouped when they are near-duplicates, most frequent first."
    )
    p.add_argument(
        "--since",
        metavar="DATE",
        help="only questions from this date on: YYYY-MM-DD, an ISO time, or a span back from now such as 7d or 4w",
    )
    p.add_argument("--limit", type=int, default=30, metavar="N", help="show at most N groups (default 30; 0: all)")
    p.add_argument(
        "--log",
        action="append",
        metavar="FILE",
        help="read this JSON Lines log instead of the ones in the settings file (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the groups as JSON")
    p.set_defaults(func=cmd_gaps)


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
        raise UsageError(
            f"--since '{text}' is not a date: use YYYY-MM-DD (e.g. 2025-01-31), an ISO time, or a span such as 7d or 4w"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def vote(record: dict[str, Any]) -> str | None:
    """ "up"/"down" for a feedback record ("feedback" or "vote" field), None for a logged question."""
    value = record.get("feedback", record.get("vote"))
    return value if isinstance(value, str) else None


def _is_feedback(record: dict[str, Any]) -> bool:
    return "feedback" in record or "vote" in record


MATCH_SECONDS = 5.0
"""A 👎 rates the no-evidence answer logged for the same question within this many seconds of the time the 👎's
record says it was answered (the two records' clocks are read separately, a moment apart); a 👎 whose record
has no answer time (the bot restarted in between) rates the one logged within the day before the vote."""


def _question(rec: dict[str, Any]) -> str | None:
    """A record's question, cut as the logs cut it (`ldn_bot.logs.bounded_question`): logs written before the
    limit, or by hand, cost no more to group or print than the bot's own."""
    question = rec.get("question")
    if not isinstance(question, str) or not question.strip():
        return None
    if len(question) <= 1000:  # the limit as it is today, checked without an import per record
        return question
    from ldn_bot.logs import bounded_question

    return bounded_question(question)["question"]


def _seconds(value: Any) -> float | None:
    when = record_time({"time": value})
    return when.timestamp() if when is not None else None


def gap_records(
    records: Iterable[dict[str, Any]], since: datetime | None = None, down_questions: set[int] | None = None
) -> Iterator[dict[str, Any]]:
    """The records that show a gap, streamed: no-evidence answers and 👎 feedback, from `since` on, each question
    cut to the logs' limit.

    A 👎 on an answer that was itself logged as no-evidence is the same question asked once: it is counted once
    (matched by question and time, see MATCH_SECONDS), and each member's 👎 on it comes out as a record with
    `_mark` set: add the 👎 to the question already counted. `down_questions`, when known (`scan_logs`), holds
    hash(question) of every 👎, so only the no-evidence records some 👎 may rate are remembered."""
    asked: dict[int, list[float]] = {}  # hash(question) -> times of no-evidence records a 👎 may point at
    for rec in records:
        question = _question(rec)
        if question is None:
            continue
        is_feedback = _is_feedback(rec)
        down = is_feedback and vote(rec) == "down"
        unanswered = rec.get("status") == "no_evidence" and not is_feedback
        if not (down or unanswered):
            continue
        if since is not None:
            when = record_time(rec)
            if when is None or when < since:
                continue
        key = hash(question)
        if unanswered:
            t = _seconds(rec.get("time"))
            if t is not None and (down_questions is None or key in down_questions):
                asked.setdefault(key, []).append(t)
        if down and key in asked:
            answered = _seconds(rec.get("answered"))
            voted = _seconds(rec.get("time"))
            if answered is not None:
                lo, hi = answered - MATCH_SECONDS, answered + MATCH_SECONDS
            elif voted is not None:
                lo, hi = voted - 86_400.0, voted + MATCH_SECONDS
            else:
                lo = hi = math.nan
            if any(lo <= t <= hi for t in asked[key]):
                yield dict(rec, question=question, _down=True, _mark=True)
                continue
        yield dict(rec, question=question, _down=down)


def _warn(message: str) -> None:
    print(f"ldn-bot: warning: {message}", file=sys.stderr)


def scan_logs(paths: list[Path]) -> tuple[set[int], set[int]]:
    """A first, light pass over the logs (only 👎 lines are parsed): the hashes of lines found in more than one
    log (the same record in a log and a copy of it), and hash(question) of every 👎. The same line twice in one
    log is two events (two members asking at the same second, user ids not logged) and counts twice.
    Memory: 8 bytes per line."""
    import numpy as np

    per_file: list[Any] = []
    downs: set[int] = set()
    for path in paths:
        hashes = array("q")
        try:
            f = path.open("rb")
        except OSError:
            continue
        with f:
            for raw in f:
                line = raw.rstrip(b"\r\n")
                hashes.append(hash(line))
                if b'"down"' in line:
                    try:
                        rec = json.loads(line.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError, RecursionError):
                        continue
                    if isinstance(rec, dict) and _is_feedback(rec) and vote(rec) == "down":
                        q = _question(rec)
                        if q is not None:
                            downs.add(hash(q))
        per_file.append(np.unique(np.frombuffer(hashes, dtype=np.int64)))
    if len(per_file) < 2:
        return set(), downs
    values, counts = np.unique(np.concatenate(per_file), return_counts=True)
    return set(values[counts > 1].tolist()), downs


def read_logs(
    paths: list[Path], warn: Callable[[str], None] | None = None, repeated: set[int] | None = None
) -> Iterator[dict[str, Any]]:
    """The records of each log in turn, streamed; a damaged line (torn, not UTF-8, not JSON) is skipped, and
    `warn` gets one line per log that had any. A line whose hash is in `repeated` is read from the first log that
    has it only."""
    from ldn_bot.logs import JsonlLog

    seen: dict[bytes, int] = {}  # a line found in several logs -> the log it is counted from
    current = [0]  # the log being read

    def again(line: bytes) -> bool:
        if not repeated or hash(line) not in repeated:
            return False
        return seen.setdefault(line, current[0]) != current[0]

    for number, path in enumerate(paths):
        current[0] = number
        log = JsonlLog(path)
        try:
            yield from log.records(skip=again)
        except OSError as e:
            if warn:
                warn(f"{path}: cannot read the log ({e.strerror or e}); skipped")
            continue
        report = log.damage_report()
        if report and warn:
            warn(report)


def _check_log_path(path: Path) -> None:
    """A log that is there must be a file (or a pipe): a folder or a device (`--log /dev/zero`, read forever) is a
    one-line error (exit status 2). A missing settings log is no questions yet."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise LdnBotError(f"{path}: cannot read the log ({e.strerror or e})") from None
    if stat.S_ISDIR(mode):
        raise LdnBotError(f"{path}: is a folder, not a log file (name the .jsonl file)")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise LdnBotError(f"{path}: not a regular file (a device or socket), not a log file")


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
    for path in paths:
        _check_log_path(path)
    named: dict[Path, Path] = {}
    for path in paths:  # the same log named twice is read once
        named.setdefault(path.resolve(), path)
    paths = list(named.values())
    repeated, downs = scan_logs(paths)
    counted = Counted(gap_records(read_logs(paths, warn=_warn, repeated=repeated), since, downs))
    gaps = group_gaps(counted)
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
    print(
        f"{counted.n} unanswered or 👎 questions{' since ' + args.since if args.since else ''}, "
        f"in {len(gaps)} group{'' if len(gaps) == 1 else 's'} (read {where}):"
    )
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
