"""`ldn-bot bench gaps`: time and peak memory of `ldn-bot gaps` over a generated million-line log.

The logs are made the way the bot writes them: one JSON object per line, no-evidence questions in
questions.jsonl and 👍/👎 votes in feedback.jsonl (each 👎 pointing at the answer it rates). Questions are member
wordings of a few thousand topics (Zipf-distributed, so a few are asked often and most rarely), with the usual
variation: question templates, case, punctuation and typos, so that most lines repeat a wording but there are
still tens of thousands of distinct wordings and groups. The same seed gives the same logs.

`ldn-bot gaps` runs in a new process, as a curator runs it; its wall time and peak RSS (the child's own
`ru_maxrss`) are what is reported. Target (issue 14): a million lines in under 30 s and 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_SECONDS = 30.0
TARGET_MB = 300.0

_CONDITIONS = [
    "tinnitus",
    "eczema",
    "psoriasis",
    "rosacea",
    "acne",
    "vitiligo",
    "alopecia",
    "lupus",
    "sarcoidosis",
    "scleroderma",
    "vasculitis",
    "gout",
    "asthma",
    "copd",
    "bronchiectasis",
    "sinusitis",
    "migraine",
    "epilepsy",
    "neuropathy",
    "sciatica",
    "fibromyalgia",
    "arthritis",
    "osteoarthritis",
    "bursitis",
    "tendinitis",
    "endometriosis",
    "adenomyosis",
    "pcos",
    "infertility",
    "menopause",
    "insomnia",
    "narcolepsy",
    "depression",
    "anxiety",
    "ptsd",
    "ocd",
    "adhd",
    "autism",
    "schizophrenia",
    "bipolar",
    "alcoholism",
    "gambling",
    "obesity",
    "diabetes",
    "hypothyroidism",
    "hashimoto",
    "graves",
    "addison",
    "cushing",
    "celiac",
    "gastritis",
    "gastroparesis",
    "ibs",
    "crohn",
    "colitis",
    "diverticulitis",
    "pancreatitis",
    "hepatitis",
    "cirrhosis",
    "nephritis",
    "cystitis",
    "prostatitis",
    "glaucoma",
    "uveitis",
    "keratoconus",
    "shingles",
    "herpes",
    "hiv",
    "lyme",
    "covid",
    "influenza",
    "mononucleosis",
    "melanoma",
    "lymphoma",
    "leukemia",
    "myeloma",
    "glioblastoma",
    "sarcoma",
    "mesothelioma",
    "neuroblastoma",
    "parkinson",
    "alzheimer",
    "dementia",
    "huntington",
    "als",
    "myasthenia",
    "guillain",
    "dystonia",
    "tremor",
    "tourette",
    "stroke",
    "aneurysm",
    "angina",
    "arrhythmia",
    "cardiomyopathy",
    "hypertension",
    "raynaud",
    "anemia",
    "hemochromatosis",
    "thalassemia",
    "sickle",
    "hemophilia",
    "thrombocytopenia",
    "mastocytosis",
    "eosinophilia",
    "urticaria",
    "angioedema",
    "dermatitis",
    "hidradenitis",
    "pemphigus",
    "lichen",
    "ichthyosis",
    "pruritus",
    "prurigo",
]
_MODIFIERS = [
    "",
    "",
    "",
    "",
    "chronic",
    "severe",
    "mild",
    "juvenile",
    "pediatric",
    "adult onset",
    "late stage",
    "recurrent",
    "refractory",
    "secondary",
    "post viral",
    "in dogs",
    "in cats",
    "in pregnancy",
    "in the elderly",
    "after surgery",
    "with fatigue",
    "with pain",
    "and sleep",
    "flare ups",
]
_ASPECTS = [
    "",
    "",
    "",
    "",
    "",
    "dose",
    "side effects",
    "how long to work",
    "interactions",
    "vivid dreams",
    "headache",
    "weight gain",
    "hair loss",
    "starting dose",
    "titration",
    "morning or night",
]
_TEMPLATES = [
    "Does LDN help {t}?",
    "does ldn help with {t}",
    "Can low-dose naltrexone treat {t}?",
    "LDN for {t}",
    "ldn and {t}",
    "Is LDN good for {t}?",
    "anyone tried ldn for {t}",
    "what about {t}",
    "Has LDN been studied for {t}?",
    "low dose naltrexone {t}",
    "LDN {t} {a}",
    "{t} ldn {a}?",
    "What is the {a} of LDN for {t}?",
    "does ldn work for {t} {a}",
]


def topics(n: int, rng: random.Random) -> list[str]:
    """n distinct topics: a condition with a modifier, most common first."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        words = f"{rng.choice(_MODIFIERS)} {rng.choice(_CONDITIONS)}".split()
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), rng.choice(_CONDITIONS))
        topic = " ".join(words)
        if topic not in seen:
            seen.add(topic)
            out.append(topic)
    return out


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard inside a word: a letter dropped, doubled, swapped with the next, or replaced."""
    spots = [i for i, c in enumerate(text) if c.isalpha()]
    if len(spots) < 4:
        return text
    i = rng.choice(spots[1:-1])
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeioustnrl") + text[i + 1 :]


def wording(topic: str, rng: random.Random) -> str:
    text = rng.choice(_TEMPLATES).format(t=topic, a=rng.choice(_ASPECTS)).replace("  ", " ").strip()
    r = rng.random()
    if r < 0.25:
        text = text.lower()
    elif r < 0.3:
        text = text.upper()
    if rng.random() < 0.3:
        text = typo(text, rng)
    if rng.random() < 0.05:
        text = typo(text, rng)
    return text


def make_logs(
    folder: Path, lines: int, seed: int = 0, n_topics: int = 20_000, feedback_share: float = 0.05
) -> tuple[Path, Path]:
    """questions.jsonl and feedback.jsonl in `folder`, `lines` lines in all; returns their paths."""
    rng = random.Random(seed)
    pool = topics(n_topics, rng)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(pool))]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    folder.mkdir(parents=True, exist_ok=True)
    questions, feedback = folder / "questions.jsonl", folder / "feedback.jsonl"
    batch = 10_000
    with questions.open("w", encoding="utf-8") as q, feedback.open("w", encoding="utf-8") as f:
        done = 0
        while done < lines:
            n = min(batch, lines - done)
            chosen = rng.choices(pool, weights=weights, k=n)
            for i, topic in enumerate(chosen):
                when = (start + timedelta(seconds=(done + i) * 30)).isoformat(timespec="seconds")
                rec: dict[str, Any] = {
                    "time": when,
                    "question": wording(topic, rng),
                    "status": "no_evidence",
                    "labels": [],
                    "source": "discord" if rng.random() < 0.8 else "repl",
                }
                if rng.random() < 0.3:
                    rec["user_id"] = str(rng.randrange(10**17, 10**18))
                if rng.random() < feedback_share:
                    answered = str(rec["time"])
                    rec.update(
                        status="answered",
                        labels=[f"Author {rng.randrange(1990, 2026)}"],
                        answered=answered,
                        vote="down" if rng.random() < 0.6 else "up",
                        time=(datetime.fromisoformat(answered) + timedelta(seconds=20)).isoformat(),
                    )
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                else:
                    q.write(json.dumps(rec, ensure_ascii=False) + "\n")
            done += n
    return questions, feedback


_STORY_TEXT = ("i have been on it for weeks and my doctor is not sure so i wanted to ask here before the next "
          "appointment because the pain in my back and legs is worse at night and sleep is bad and work is hard "
          "some days i feel better then it comes back my sister tried it too for her joints")
_STORY = _STORY_TEXT.split()


def make_long_log(folder: Path, questions: int, chars: int, seed: int = 0) -> Path:
    """long.jsonl in `folder`: `questions` no-evidence questions of `chars` characters each, as a member writes
    a long message (their story, with the conditions and words of the main log), a quarter of them sent again by
    another member. Logs written before questions were cut (or by another tool) hold such lines."""
    rng = random.Random(seed)
    vocabulary = _STORY + _CONDITIONS + [w for a in _ASPECTS + _MODIFIERS for w in a.split()]
    path = folder / "long.jsonl"
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    sent: list[str] = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(questions):
            if sent and rng.random() < 0.25:
                text = rng.choice(sent)
            else:
                words: list[str] = []
                size = 0
                while size < chars:
                    word = rng.choice(vocabulary)
                    words.append(word)
                    size += len(word) + 1
                text = (" ".join(words))[: chars - 1] + "?"
                sent.append(text)
            when = (start + timedelta(seconds=i * 30)).isoformat(timespec="seconds")
            f.write(json.dumps({"time": when, "question": text, "status": "no_evidence", "labels": [],
                                "source": "discord"}) + "\n")
    return path


def run_gaps(logs: list[Path], extra: list[str] | None = None) -> dict:
    """`ldn-bot gaps --log ...` in a new process: wall seconds, peak RSS in MB (the child's own, from wait4), and
    what it printed first."""
    import threading

    cmd = [sys.executable, "-m", "ldn_bot", "gaps", *[a for p in logs for a in ("--log", str(p))], *(extra or [])]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    outs: list[str] = []
    reader = threading.Thread(target=lambda: outs.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    err = proc.stderr.read()
    reader.join()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here, so its own rusage: not the largest child so far
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"ldn-bot gaps failed ({proc.returncode}): {err.strip()[-500:]}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "first_line": outs[0].splitlines()[0],
        "stderr": err.strip(),
    }


def register(bsub: argparse._SubParsersAction) -> None:
    g = bsub.add_parser(
        "gaps",
        help="time and peak memory of `ldn-bot gaps` on a generated log (default 1M lines)",
        description="Generate JSON Lines logs the way the bot writes them (seeded) and time "
        "`ldn-bot gaps` on them in a new process. Target: 1,000,000 lines in under "
        f"{TARGET_SECONDS:.0f} s and {TARGET_MB:.0f} MB.",
    )
    g.add_argument("--lines", type=int, default=1_000_000, metavar="N", help="log lines in all (default 1000000)")
    g.add_argument("--topics", type=int, default=20_000, metavar="N", help="distinct topics asked (default 20000)")
    g.add_argument("--seed", type=int, default=0, help="random seed of the generated log (default 0)")
    g.add_argument("--keep", metavar="DIR", help="write the logs to DIR and keep them (default: a temporary folder)")
    g.add_argument("--long", type=int, default=1000, metavar="N",
                   help="also time gaps on a log of N long questions (default 1000; 0: skip)")
    g.add_argument("--long-chars", type=int, default=4000, metavar="N",
                   help="characters in each long question (default 4000)")
    g.add_argument("--json", action="store_true", help="print the result as one JSON object")
    g.set_defaults(func=cmd_bench_gaps)


def cmd_bench_gaps(args: argparse.Namespace) -> int:
    from ldn_bot.errors import UsageError

    if args.lines < 1 or args.topics < 1:
        raise UsageError("--lines and --topics must be at least 1")
    if args.long < 0 or args.long_chars < 1:
        raise UsageError("--long must be 0 or more and --long-chars at least 1")
    long: dict | None = None
    with tempfile.TemporaryDirectory(prefix="ldn-bench-gaps-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        if args.long:  # first, while this process is small: a child's peak RSS counts what it shares at fork
            long_log = make_long_log(folder, args.long, args.long_chars, args.seed)
            long = run_gaps([long_log], ["--limit", "30"])
            long.update(questions=args.long, chars=args.long_chars, log_mb=round(os.path.getsize(long_log) / 2**20, 1),
                        met=long["peak_rss_mb"] < TARGET_MB)
        t0 = time.perf_counter()
        logs = list(make_logs(folder, args.lines, args.seed, args.topics))
        made = time.perf_counter() - t0
        result = run_gaps(logs, ["--limit", "30"])
        stats = _log_stats(logs)
    result.update(
        lines=args.lines,
        topics=args.topics,
        seed=args.seed,
        generate_s=round(made, 1),
        **stats,
        met=result["seconds"] < TARGET_SECONDS and result["peak_rss_mb"] < TARGET_MB,
    )
    if long is not None:
        result["long_questions"] = long
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"ldn-bot gaps over {args.lines:,} log lines ({stats['log_mb']:.0f} MB, {stats['distinct_wordings']:,} "
        f"distinct wordings; generated in {made:.1f} s, seed {args.seed})"
    )
    print(f"  {result['first_line']}")
    print(
        f"  time {result['seconds']:.1f} s (CPU {result['cpu_seconds']:.1f} s; target < {TARGET_SECONDS:.0f}), "
        f"peak RSS {result['peak_rss_mb']:.0f} MB "
        f"(target < {TARGET_MB:.0f}): {'met' if result['met'] else 'NOT met'}"
    )
    if long is not None:
        print(f"ldn-bot gaps over {long['questions']:,} questions of {long['chars']:,} characters "
              f"({long['log_mb']:.1f} MB)")
        print(f"  {long['first_line']}")
        print(f"  time {long['seconds']:.1f} s (CPU {long['cpu_seconds']:.1f} s), "
              f"peak RSS {long['peak_rss_mb']:.0f} MB "
              f"(target < {TARGET_MB:.0f}): {'met' if long['met'] else 'NOT met'}")
    return 0


def _log_stats(logs: list[Path]) -> dict:
    wordings: set[str] = set()
    size = 0
    for path in logs:
        size += os.path.getsize(path)
        with path.open(encoding="utf-8") as f:
            for line in f:
                wordings.add(" ".join(json.loads(line)["question"].split()))
    return {"log_mb": round(size / 2**20, 1), "distinct_wordings": len(wordings)}
