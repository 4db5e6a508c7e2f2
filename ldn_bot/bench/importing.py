"""`ldn-bot bench import`: time and peak memory of `ldn-bot corpus import --dry-run` on a generated export.

The export is PubMed MEDLINE text (what PubMed's "Send to: Citation manager" .nbib holds), made the way PubMed
writes it: tag lines, continuation lines indented by six spaces, a blank line between records. Records have
titles of 8-16 words drawn from the English word list (with condition and design words, as real titles have),
one to six authors from a pool of thousands of generated surnames, a year, a journal, a DOI, publication types,
MeSH terms and an abstract of about 1,000 characters that states a size, a dose and a duration. A share of the
records are planted duplicates, as a real export has them: the same PMID as an earlier record, the same DOI in
other letter case, a nearly identical title (one slip of the keyboard) under a new PMID and DOI, and the bundled
corpus's own studies. The same seed gives the same file.

`ldn-bot corpus import FILE --dry-run` runs in a new process against a copy of the corpus, as a curator runs it;
its wall time and peak RSS (the child's own `ru_maxrss`) are what is reported, with how many records it would add
and skip. Target (issue 14): 100,000 records in under 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

TARGET_SECONDS = 60.0

_CONDITIONS = [
    "fibromyalgia", "multiple sclerosis", "Crohn's disease", "ulcerative colitis", "chronic pain", "long COVID",
    "myalgic encephalomyelitis", "complex regional pain syndrome", "psoriasis", "lichen planopilaris",
    "Hailey-Hailey disease", "diabetic neuropathy", "depression", "autism", "cancer", "pruritus", "alcohol use",
    "irritable bowel syndrome", "Gulf War illness", "interstitial cystitis", "restless legs", "migraine",
]
_DESIGNS = [
    "a randomized controlled trial", "a randomized crossover trial", "an open-label pilot study", "a case report",
    "a case series", "a retrospective cohort", "a systematic review", "a study in mice", "an in vitro study",
]
_SYLLABLES = ["ka", "lo", "mi", "ne", "ro", "sa", "tu", "ve", "zo", "ba", "de", "fi", "gu", "ha", "jo", "ki",
              "le", "mo", "nu", "pa", "ri", "se", "ta", "vi", "wa", "yo", "ber", "dan", "gar", "lin", "mar", "son",
              "sten", "vik", "hol", "berg", "man", "ner", "ski", "ova"]
_JOURNALS = ["J Pain Res", "Pain Med", "Mult Scler", "Inflamm Bowel Dis", "Clin Rheumatol", "J Clin Med",
             "Front Immunol", "Brain Behav Immun", "Arthritis Rheumatol", "BMJ Open", "PLoS One", "Cureus"]
_TYPES = ["Journal Article", "Randomized Controlled Trial", "Clinical Trial", "Case Reports", "Review",
          "Systematic Review", "Observational Study"]
_MESH = ["Humans", "Adult", "Female", "Male", "Middle Aged", "Animals", "Mice", "Naltrexone/therapeutic use",
         "Treatment Outcome", "Double-Blind Method", "Pain Measurement", "Quality of Life"]


def _words(n: int = 20_000) -> list[str]:
    """Plain English words (wordfreq's list) for titles and abstracts."""
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", n) if w.isalpha() and len(w) >= 4]


def _surnames(n: int, rng: random.Random) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(out)


def typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard inside a word: a letter dropped, doubled or replaced."""
    spots = [i for i, c in enumerate(text) if c.isalpha()]
    i = rng.choice(spots[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeioustnrl") + text[i + 1:]


def _title(rng: random.Random, words: list[str]) -> str:
    middle = " ".join(rng.choice(words) for _ in range(rng.randint(5, 11)))
    return (f"Low-dose naltrexone for {rng.choice(_CONDITIONS)}: {middle}, "
            f"{rng.choice(_DESIGNS)}").capitalize()


def _abstract(rng: random.Random, words: list[str], condition: str) -> str:
    n, dose, weeks = rng.randint(8, 400), rng.choice(["1.5", "3", "4.5", "6"]), rng.choice([4, 8, 12, 16, 24])
    sentences = [f"We enrolled {n} adults with {condition}.",
                 f"Participants took {dose} mg naltrexone nightly for {weeks} weeks."]
    while sum(len(s) for s in sentences) < 1000:
        sentences.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 18))).capitalize() + ".")
    return " ".join(sentences)


def _field(tag: str, value: str) -> list[str]:
    """A MEDLINE field: 'TAG - value', wrapped at 88 columns with six-space continuation lines."""
    lines = textwrap.wrap(value, 82) or [""]
    return [f"{tag:<4}- {lines[0]}"] + [f"      {line}" for line in lines[1:]]


def make_export(path: Path, records: int, seed: int = 0, corpus: Path | None = None,
                duplicate_share: float = 0.05) -> dict[str, int]:
    """A MEDLINE export of `records` records at `path`; returns how many duplicates of each kind it plants
    (`same_pmid`, `same_doi`, `similar_title`, `in_corpus`: records the import should skip)."""
    rng = random.Random(seed)
    words = _words()
    surnames = _surnames(6_000, rng)
    planted = {"same_pmid": 0, "same_doi": 0, "similar_title": 0, "in_corpus": 0}
    earlier: list[tuple[str, str, str]] = []  # (pmid, doi, title) of records already written
    corpus_records = _corpus_records(corpus) if corpus else []
    corpus_every = max(1, records // (len(corpus_records) + 1)) if corpus_records else 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(records):
            pmid, doi = str(30_000_000 + i), f"10.99999/bench.{seed}.{i}"
            title = _title(rng, words)
            r = rng.random()
            if corpus_records and i % corpus_every == corpus_every - 1 and planted["in_corpus"] < len(corpus_records):
                pmid, doi, title = corpus_records[planted["in_corpus"]]
                planted["in_corpus"] += 1
            elif earlier and r < duplicate_share * 0.4:
                pmid = rng.choice(earlier)[0]
                planted["same_pmid"] += 1
            elif earlier and r < duplicate_share * 0.7:
                doi = rng.choice(earlier)[1].upper()
                planted["same_doi"] += 1
            elif earlier and r < duplicate_share:
                title = typo(rng.choice(earlier)[2], rng)
                planted["similar_title"] += 1
            else:
                earlier.append((pmid, doi, title))
            year = rng.randint(1980, 2025)
            authors = [rng.choice(surnames) for _ in range(rng.randint(1, 6))]
            condition = next((c for c in _CONDITIONS if c.casefold() in title.casefold()), "chronic pain")
            lines = [*_field("PMID", pmid), *_field("DP", f"{year} {rng.choice(['Jan', 'Mar', 'Jun', 'Oct'])}"),
                     *_field("TI", title), *_field("LID", f"{doi} [doi]"),
                     *_field("AB", _abstract(rng, words, condition))]
            for name in authors:
                initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(1, 2)))
                lines += _field("FAU", f"{name}, {initials}") + _field("AU", f"{name} {initials}")
            lines += _field("PT", rng.choice(_TYPES)) + _field("TA", rng.choice(_JOURNALS))
            for term in rng.sample(_MESH, 3):
                lines += _field("MH", term)
            out.write("\n".join(lines) + "\n\n")
    return planted


def _corpus_records(corpus: Path) -> list[tuple[str, str, str]]:
    """(pmid, doi, title) of the corpus's records that have all three: planted, they must be skipped."""
    from ldn_bot.corpus.rawyaml import read_yaml

    out = []
    for path in sorted((corpus / "studies").glob("*.yaml")):
        raw = read_yaml(path)
        pmid, doi, title = (raw.str_field(k) for k in ("pmid", "doi", "title")) if raw else (None, None, None)
        if pmid and doi and title:
            out.append((pmid, doi, title))
    return out


def run_import(export: Path, corpus: Path) -> dict:
    """`ldn-bot corpus import EXPORT --dry-run --corpus CORPUS` in a new process: wall seconds, peak RSS in MB
    (the child's own), and its summary line."""
    cmd = [sys.executable, "-m", "ldn_bot", "corpus", "import", str(export), "--dry-run", "--corpus", str(corpus)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"ldn-bot corpus import failed ({proc.returncode}): {err.strip()[-500:]}")
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child: this one
    summary = next((line for line in reversed(out.splitlines()) if " skipped, from " in line), "")
    m = re.match(r"(\d+) to add, (\d+) skipped", summary)
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1), "summary": summary,
            "would_add": int(m.group(1)) if m else None, "skipped": int(m.group(2)) if m else None}


def register(bsub: argparse._SubParsersAction) -> None:
    """Add `bench import` to the `bench` subcommands `bsub`."""
    g = bsub.add_parser(
        "import", help="time and peak memory of `corpus import --dry-run` on a generated export (default 100k records)",
        description="Generate a PubMed MEDLINE export (seeded, with planted duplicates) and time "
                    "`ldn-bot corpus import FILE --dry-run` on it in a new process, against a copy of the corpus. "
                    f"Target: 100,000 records in under {TARGET_SECONDS:.0f} s.")
    g.add_argument("--records", type=int, default=100_000, metavar="N", help="records in the export (default 100000)")
    g.add_argument("--seed", type=int, default=0, help="random seed of the generated export (default 0)")
    g.add_argument("--corpus", metavar="PATH", help="corpus folder to copy (default: the one in the settings file)")
    g.add_argument("--keep", metavar="FILE", help="write the export to FILE and keep it (default: a temporary file)")
    g.add_argument("--json", action="store_true", help="print the result as one JSON object")
    g.set_defaults(func=cmd_bench_import)


def cmd_bench_import(args: argparse.Namespace) -> int:
    """Print the time, peak memory and outcome of a dry-run import of a generated export."""
    from ldn_bot.config import load_config
    from ldn_bot.errors import UsageError

    if args.records < 1:
        raise UsageError("--records must be at least 1")
    source = Path(args.corpus) if args.corpus else load_config(args.config).corpus_path
    with tempfile.TemporaryDirectory(prefix="ldn-bench-import-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(source, corpus, ignore=shutil.ignore_patterns(".cache"))
        export = Path(args.keep) if args.keep else Path(tmp) / "export.nbib"
        t0 = time.perf_counter()
        planted = make_export(export, args.records, args.seed, corpus)
        made = time.perf_counter() - t0
        size_mb = os.path.getsize(export) / 2**20
        result = run_import(export, corpus)
    result.update(records=args.records, seed=args.seed, export_mb=round(size_mb, 1), generate_s=round(made, 1),
                  planted_duplicates=planted, met=result["seconds"] < TARGET_SECONDS)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"ldn-bot corpus import --dry-run of {args.records:,} MEDLINE records ({size_mb:.0f} MB; generated in "
          f"{made:.1f} s, seed {args.seed}; {sum(planted.values()):,} planted duplicates: "
          + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in planted.items()) + ")")
    print(f"  {result['summary']}")
    print(f"  time {result['seconds']:.1f} s (target < {TARGET_SECONDS:.0f}), peak RSS {result['peak_rss_mb']:.0f} MB: "
          f"{'met' if result['met'] else 'NOT met'}")
    return 0
