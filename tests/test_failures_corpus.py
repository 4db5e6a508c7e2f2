"""Issue 14, the corpus side: a corpus folder, studies folder or record that cannot be read is one line naming it
(never an empty corpus, never a traceback); `corpus import` stays linear in records and finds the same
duplicates; the helpers made fast for it give the same answers as before.

Tests run as root, where chmod does not stop reads: the failures are injected (os.scandir, os.stat,
Path.read_text raising PermissionError), and where the machine allows it, also made real by running the
command with the file-permission capabilities dropped (setpriv), so chmod 000 holds.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ldn_bot.frontends.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(site / "bot_config.yaml"), *args])
    out, err = capsys.readouterr()
    return code, out, err


def refuse(monkeypatch, module, name: str, target: Path) -> None:
    """Make `module.name(path)` raise PermissionError for `target` only."""
    real = getattr(module, name)

    def patched(path=".", *args, **kwargs):
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, name, patched)


# -- files and folders that cannot be read ---------------------------------------------------------


def test_a_corpus_folder_that_cannot_be_read_is_one_line_for_ask_and_validate(corpus_copy, capsys, monkeypatch):
    root = corpus_copy / "corpus"
    refuse(monkeypatch, os, "scandir", root)
    code, _, err = run(corpus_copy, capsys, "ask", "does ldn help fibromyalgia")
    assert code == 2 and err.strip() == f"ldn-bot: error: {root}: cannot read the corpus folder: Permission denied"
    code, out, err = run(corpus_copy, capsys, "corpus", "validate")
    assert code == 2 and "cannot read the corpus folder" in err and "Traceback" not in out + err
    code, _, err = run(corpus_copy, capsys, "corpus", "new-study", "Newman 2025")
    assert code == 2 and "cannot read the corpus folder" in err


def test_a_studies_folder_that_cannot_even_be_looked_at_is_an_error_not_a_traceback(corpus_copy, capsys,
                                                                                      monkeypatch):
    # Under a folder without search permission, Path.exists() raises on Python 3.11 instead of saying False.
    studies = corpus_copy / "corpus" / "studies"
    refuse(monkeypatch, os, "stat", studies)
    code, _, err = run(corpus_copy, capsys, "ask", "does ldn help fibromyalgia")
    assert code == 2 and f"{studies}: cannot read the folder: Permission denied" in err


def test_validate_names_the_unreadable_record_without_a_flood_of_missing_citations(corpus_copy, capsys,
                                                                                   monkeypatch):
    record = corpus_copy / "corpus" / "studies" / "younger-2013.yaml"
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if self == record:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    code, out, _ = run(corpus_copy, capsys, "corpus", "validate")
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert code == 1 and errors == [f"{record}: error: cannot read: Permission denied"]
    code, _, err = run(corpus_copy, capsys, "ask", "does ldn help fibromyalgia")
    assert code == 2 and f"{record}: cannot read: Permission denied" in err
    # new-study and import could otherwise take a label or a study the unreadable record has: they refuse.
    code, _, err = run(corpus_copy, capsys, "corpus", "new-study", "Newman 2025")
    assert code == 2 and str(record) in err and not (corpus_copy / "corpus/studies/newman-2025.yaml").exists()
    code, _, err = run(corpus_copy, capsys, "corpus", "import", str(ROOT / "tests/fixtures/pubmed_sample.nbib"))
    assert code == 2 and str(record) in err


def test_import_refuses_when_the_studies_folder_cannot_be_listed(corpus_copy, capsys, monkeypatch):
    studies = corpus_copy / "corpus" / "studies"
    before = sorted(p.name for p in studies.iterdir())
    refuse(monkeypatch, os, "scandir", studies)
    code, out, err = run(corpus_copy, capsys, "corpus", "import", str(ROOT / "tests/fixtures/pubmed_sample.nbib"))
    assert code == 2 and f"{studies}: cannot read the folder: Permission denied" in err and "added" not in out
    monkeypatch.undo()
    assert sorted(p.name for p in studies.iterdir()) == before


def _can_drop_file_permissions() -> bool:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search", "true"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_drop_file_permissions(), reason="needs root and setpriv to make chmod 000 hold")
@pytest.mark.parametrize("what", ["corpus", "corpus/studies", "corpus/studies/younger-2013.yaml",
                                  "corpus/documents", "corpus/safety.yaml"])
def test_chmod_000_for_real_is_one_line_naming_it(corpus_copy, what):
    target = corpus_copy / what
    env = {**os.environ, "XDG_CACHE_HOME": str(corpus_copy / "cache"), "XDG_STATE_HOME": str(corpus_copy / "state")}
    cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
           "--inh-caps=-dac_override,-dac_read_search", sys.executable, "-m", "ldn_bot",
           "--config", str(corpus_copy / "bot_config.yaml")]
    mode = target.stat().st_mode
    target.chmod(0)
    try:  # both at once: each is mostly Python starting up
        with ThreadPoolExecutor(2) as pool:
            ask, validate = pool.map(lambda args: subprocess.run([*cmd, *args], capture_output=True, text=True,
                                                                 env=env, timeout=120),
                                     [("ask", "does ldn help fibromyalgia"), ("corpus", "validate")])
    finally:
        target.chmod(mode)
    assert ask.returncode == 2 and "Traceback" not in ask.stderr, ask.stderr
    assert len(ask.stderr.strip().splitlines()) == 1 and str(target) in ask.stderr and "ermission denied" in ask.stderr
    assert validate.returncode in (1, 2) and "Traceback" not in validate.stderr and str(target) in (
        validate.stdout + validate.stderr)
    assert "cites (" not in validate.stdout  # the unreadable record is the error, not the citations it would resolve


# -- corpus import at scale: the same answers, in time linear in records ------------------------------


def _generated_titles(n: int, seed: int = 1) -> list[str]:
    from ldn_bot.bench.importing import _title, _words
    from ldn_bot.corpus.rawyaml import read_yaml

    rng = random.Random(seed)
    words = _words()
    real = [t for p in sorted((ROOT / "corpus/studies").glob("*.yaml")) if (t := read_yaml(p).str_field("title"))]
    return real + [_title(rng, words) for _ in range(n)]


def _variant(title: str, kind: str, rng: random.Random) -> str:
    from ldn_bot.bench.importing import typo

    if kind == "typos":
        return typo(typo(typo(title, rng), rng), rng)
    if kind == "spelling":
        for a, b in (("randomized", "randomised"), ("for", "in"), (" a ", " "), ("trial", "study")):
            title = title.replace(a, b, 1)
        return typo(title, rng)
    if kind == "dropped":
        words = title.split()
        del words[rng.randrange(len(words))]
        return " ".join(words)
    return title + ": " + rng.choice(["a pilot study", "results", "protocol"])


@pytest.mark.parametrize("kind", ["typos", "spelling", "dropped", "subtitle"])
def test_the_title_index_finds_what_comparing_every_title_finds(kind, monkeypatch):
    from rapidfuzz import fuzz, process

    from ldn_bot.corpus.importing import titles
    from ldn_bot.corpus.record_checks import TITLE_SIMILARITY, title_key

    monkeypatch.setattr(titles, "EXHAUSTIVE_UP_TO", 0)  # the index alone, as at 100,000 records
    rng = random.Random(7)
    known = _generated_titles(1500)
    keys = [title_key(t) for t in known]
    index = titles.TitleIndex()
    for i, title in enumerate(known):
        index.add(title, f"record-{i}.yaml")
    near, found = 0, 0
    for title, key in zip(known, keys):
        variant = _variant(title, kind, rng)
        # Comparing every title: most variants are near their own title, so it is tried first; else all of them,
        # in rapidfuzz's own loop (a Python loop made this test take a minute).
        vkey = title_key(variant)
        expected = fuzz.ratio(vkey, key) >= TITLE_SIMILARITY or process.extractOne(
            vkey, keys, scorer=fuzz.ratio, processor=None, score_cutoff=TITLE_SIMILARITY) is not None
        got = index.nearly_identical(variant)
        assert not (got and not expected)  # never a false duplicate: every candidate is checked with the ratio
        near += expected
        found += bool(got)
    assert near > 1400 and found / near >= 0.995, (found, near)
    assert index.nearly_identical("An entirely different paper about sleep in shift workers") is None


def test_citations_and_conditions_give_the_answers_of_the_direct_scan():
    from ldn_bot.corpus.citations import Citations, document_texts
    from ldn_bot.corpus.importing import stubs
    from ldn_bot.corpus.importing.entry import Entry
    from ldn_bot.corpus.synonyms import read_synonyms
    from ldn_bot.retrieval.chunker import CITATION, CitationResolver

    texts = document_texts(ROOT / "corpus")
    labels = {p.stem for p in (ROOT / "corpus/studies").glob("*.yaml")}
    labels = {" ".join(w.capitalize() for w in s.rsplit("-", 1)) for s in labels}

    def direct(label: str, all_labels: set[str]) -> bool:  # the scan import made for every record
        for text in texts:
            resolver = CitationResolver(all_labels)
            if any(resolver.resolve(m.group("author"), m.group("year"), m.group("suffix")) == label
                   for m in CITATION.finditer(text)):
                return True
        return False

    cited = Citations(texts)
    cases = [*sorted(labels), "Donahue 2011", "Donahue 2011c", "Younger 2013b", "Nobody 2020", "Zagon 1983a"]
    for label in cases:
        for extra in (set(), {"Donahue 2011a", "Donahue 2011b"}, {label + "b"}):
            assert cited.cite(label, labels | extra) == direct(label, labels | extra | {label}), (label, extra)

    groups = read_synonyms(ROOT / "corpus").conditions()
    # Each term's pattern compiled once: there are more of them than re's own cache keeps.
    patterns = {term: re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])",
                                 0 if re.search(r"[A-Z]", term) and len(term) <= 5 else re.I)
                for name, aliases in groups for term in (name, *aliases)}

    def direct_conditions(entry: Entry) -> list[str]:
        for text in (entry.title or "", entry.abstract or ""):
            found = []
            for name, aliases in groups:
                for term in (name, *aliases):
                    if patterns[term].search(text):
                        found.append(name)
                        break
            if found:
                return found
        return []

    texts_seen = [t for path in sorted((ROOT / "corpus/studies").glob("*.yaml"))
                  for t in re.findall(r"^(?:title|summary|result): (.+)$", path.read_text(encoding="utf-8"), re.M)]
    texts_seen += ["LDN in MS and ms. symptoms", "ſclerosis and İBD and ıbs", "Crohn's disease (CD) in kids",
                   "fibro-myalgia", "long COVID", "LONG COVID and M.E./CFS", "Hailey–Hailey"]
    for text in texts_seen:
        for entry in (Entry(title=text), Entry(title="x", abstract=text)):
            assert stubs.guess_conditions(entry, groups) == direct_conditions(entry), text


def test_the_faster_yaml_style_checks_agree_with_reading_back():
    import string

    import yaml

    from ldn_bot.corpus import style

    rng = random.Random(3)
    alphabet = "aAnNyY01 ,.()'/;-:#?&=%+_~!*|>\"é\t"
    cases = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(6_000)}
    # Most random text is read back by _plain_ok too, so the cases aimed at each shortcut carry the test: text of
    # a letter and inner punctuation, and DOIs, each with YAML's hazards (":", "#", " ", yes/no/null) mixed in.
    cases |= {rng.choice("aZyNo") + "".join(rng.choice("aZnNyY0 ,.()'/;:#?&=%+_~-") for _ in range(rng.randint(0, 7)))
              for _ in range(4_000)}
    cases |= {"10." + "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 9))) + "/"
              + "".join(rng.choice("-._;()/:aZ0 #") for _ in range(rng.randint(1, 8))) for _ in range(2_000)}
    cases |= {"yes", "No", "ON", "null", "Null x", "a  b", "2024-01-01", "10.1/x", "Crohn's disease", "a: b",
              "https://doi.org/10.1000/x.1", "10.1000/abc:", "C# and F#", "a #b", "Off", "y", "n", "~"}
    def reads_back(source: str, expected: object) -> bool:  # with both of PyYAML's loaders, C and Python
        try:
            return yaml.load(source, Loader=yaml.CSafeLoader) == expected == yaml.safe_load(source)
        except yaml.YAMLError:
            return False

    for text in cases:
        slow_plain = ("\n" not in text and text == text.strip() and reads_back(f"k: {text}", {"k": text})
                      and reads_back(f"- {text}", [text]))
        assert style._plain_ok(text) == bool(text and slow_plain), repr(text)
    for text in {"".join(rng.choice(string.printable[:-5]) for _ in range(6)) for _ in range(5_000)}:
        quoted = "'" + text.replace("'", "''") + "'"
        assert reads_back(f"k: {quoted}", {"k": text}), repr(text)


def test_bench_import_smoke(capsys):
    assert main(["bench", "import", "--records", "400", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    planted = sum(result["planted_duplicates"].values())
    assert result["would_add"] + result["skipped"] == 400 and result["skipped"] == planted > 0


def test_a_record_written_without_the_whole_read_back_still_reads_back_for_hostile_text():
    import yaml

    from ldn_bot.corpus.schema import template_record
    from ldn_bot.corpus.style import dump_record

    rng = random.Random(11)
    pieces = ["a", "Z", " ", "  ", ":", ": ", " #", "#", "-", "- ", "'", '"', "\\", "\t", "\n", "\r", "\x07", "\x85",
              "\u2028", "\ufeff", "é", "µ", "→", "😀", "yes", "null", "1", "0x1F", "2024-01-01", "~", "&a", "*b", "!t",
              "{", "[", "|", ">", "%", "@", "`", "---", "...", "?", ",", "word" * 30]

    def hostile() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))

    for _ in range(400):
        record = template_record(label=hostile(), title=hostile(), authors=[hostile() for _ in range(3)],
                                 journal=hostile(), summary=hostile() * 3, conditions=[hostile()], year=2020)
        text = dump_record(record, header=[hostile()], notes={"title": hostile(), "n": hostile()},
                           footer=["", hostile()], fold=("summary",), check=False)
        expected = {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}
        assert yaml.load(text, Loader=yaml.CSafeLoader) == expected == yaml.safe_load(text), text


def test_control_characters_in_an_export_never_stop_an_import(corpus_copy, capsys):
    export = corpus_copy / "odd.jsonl"
    export.write_text(json.dumps({"title": "Low-dose naltrexone for bell\u0007 ringers' pain", "authors": "Smith J",
                                  "abstract": "We gave 4.5 mg\u0002 to 12 adults.\u2028It helped.", "year": 2024})
                      + "\n", encoding="utf-8")
    code, out, err = run(corpus_copy, capsys, "corpus", "import", str(export))
    assert code == 0 and "1 added" in out, err
    text = (corpus_copy / "corpus/studies/smith-2024.yaml").read_text(encoding="utf-8")
    assert "title: Low-dose naltrexone for bell ringers' pain" in text and "#   We gave 4.5 mg to 12 adults." in text
    assert run(corpus_copy, capsys, "corpus", "validate")[0] == 0


def test_an_entity_bomb_behind_a_long_comment_is_refused_quickly(corpus_copy, capsys):
    import time

    laughs = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    export = corpus_copy / "bomb.xml"
    export.write_text('<?xml version="1.0"?>\n<!-- ' + "x" * 100_000 + ' -->\n<!DOCTYPE PubmedArticleSet ['
                      + laughs + ']>\n<PubmedArticleSet><PubmedArticle>&a9;</PubmedArticle></PubmedArticleSet>\n',
                      encoding="utf-8")
    started = time.perf_counter()
    code, _, err = run(corpus_copy, capsys, "corpus", "import", str(export), "--dry-run")
    assert code == 2 and f"{export}:3: refused: the XML declares its own entities" in err
    assert time.perf_counter() - started < 5


# -- the safety rules are required ------------------------------------------------------------------


@pytest.mark.parametrize("damage, line, detail", [
    ("delete", None, "the safety rules file is missing; ldn-bot does not answer without it"),
    ("empty", 1, "no safety rules: the 'rules' list is empty"),
    ("no text", 2, "rule 'crisis': 'text' must be non-empty text"),
    ("second without text", 6, "rule 'distress': 'text' must be non-empty text"),
    ("folder", None, "not a file"),
    ("deep", 1, "malformed YAML: exceeded maximum nesting depth"),
    ("huge", None, "file is 1,048,589 bytes; a corpus file may have at most 1,048,576"),
    ("unreadable", None, "cannot read: Permission denied"),
])
def test_safety_rules_that_cannot_be_used_stop_ask_and_validate_with_one_line(corpus_copy, capsys, monkeypatch,
                                                                             damage, line, detail):
    path = corpus_copy / "corpus" / "safety.yaml"
    rule = "  - id: crisis\n    action: reply\n    patterns: [suicide]\n"
    if damage in ("delete", "folder"):
        path.unlink()
        if damage == "folder":
            path.mkdir()
    elif damage == "empty":
        path.write_text("rules: []\n", encoding="utf-8")
    elif damage == "no text":
        path.write_text("rules:\n" + rule, encoding="utf-8")
    elif damage == "second without text":
        path.write_text("rules:\n" + rule + "    text: Call 988.\n  - id: distress\n    action: care\n"
                        "    patterns: [cant cope]\n    text: ''\n", encoding="utf-8")
    elif damage == "deep":
        path.write_text("rules: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    elif damage == "huge":
        path.write_text("rules: []\n# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    else:
        real = Path.read_text

        def read_text(self, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "read_text", read_text)
    where = f"{path}:{line}" if line else str(path)
    code, _, err = run(corpus_copy, capsys, "ask", "I want to kill myself")
    assert code == 2 and err.strip() == f"ldn-bot: error: {where}: {detail}", err
    code, out, _ = run(corpus_copy, capsys, "corpus", "validate")
    assert code == 1 and f"{where}: error: {detail}" in out.splitlines(), out


# -- /reload says what changed, and keeps the corpus in service when it cannot ----------------------------


def test_reload_says_which_studies_came_and_went_and_keeps_serving_without_safety_rules(corpus_copy):
    import asyncio

    from discord_fake import bot_config, running_bot

    from ldn_bot.frontends.discord.client import _some

    assert _some([]) == "none" and _some(["A 2020", "B 2021"]) == "A 2020, B 2021"
    assert _some([f"S {i}" for i in range(40)]).endswith("S 14 and 25 more")
    studies = corpus_copy / "corpus" / "studies"
    cfg = bot_config(corpus_copy, corpus=corpus_copy / "corpus")

    async def reload(bot, **options) -> str:
        fake = bot.fake
        mark = fake.mark()
        inter = await fake.slash("reload", options, user=fake.user("zed"), permissions=0x20)
        return (await fake.wait_for_reply(inter, mark)).body["content"]

    async def scenario():
        async with running_bot(cfg) as bot:
            before = len(bot.bot.engine.studies)
            text = (studies / "younger-2013.yaml").read_text(encoding="utf-8")
            (studies / "younger-2013.yaml").unlink()
            new = text.replace("label: Younger 2013\n", "label: Newman 2026\n").replace("year: 2013", "year: 2026")
            (studies / "newman-2026.yaml").write_text(new, encoding="utf-8")
            serving = bot.bot.engine
            reply = await reload(bot)  # Younger 2013 would go: asked first, the corpus in service kept
            assert reply.startswith("Not reloaded: the new corpus would drop 1 study: Younger 2013."), reply
            assert bot.bot.engine is serving
            reply = await reload(bot)  # a second /reload confirms
            assert reply.startswith(f"Reloaded: {before} studies") and f"(was {before} studies)" in reply, reply
            assert "Added: Newman 2026. Removed: Younger 2013." in reply
            engine = bot.bot.engine
            (corpus_copy / "corpus" / "safety.yaml").unlink()
            reply = await reload(bot)
            assert reply.startswith(f"Reload failed, so I am still serving the previous corpus ({before} studies)")
            assert "safety.yaml: the safety rules file is missing" in reply and bot.bot.engine is engine

    asyncio.run(scenario())


def test_an_import_that_cannot_write_leaves_whole_records_only_and_says_so_in_one_line(corpus_copy, capsys,
                                                                                      monkeypatch):
    from ldn_bot import fileio

    studies = corpus_copy / "corpus" / "studies"
    before = {p.name for p in studies.iterdir()}
    real = fileio.os.fsync
    calls = []

    def fsync(fd):  # the second record's data meets a full disk
        calls.append(fd)
        if len(calls) == 3:  # 1: first record, 2: its folder, 3: the second record
            raise OSError(28, "No space left on device")
        return real(fd)

    monkeypatch.setattr(fileio.os, "fsync", fsync)
    code, out, err = run(corpus_copy, capsys, "corpus", "import", str(ROOT / "tests/fixtures/pubmed_sample.nbib"))
    added = {p.name for p in studies.iterdir()} - before
    assert code == 2 and len(err.strip().splitlines()) == 1 and "No space left on device" in err, err
    assert "records written before it: 1" in err and len(added) == 1
    assert all((studies / name).stat().st_size > 0 for name in added)
    assert not [p for p in studies.iterdir() if p.name.startswith(".")]  # no temporary file left
    monkeypatch.undo()
    code, out, _ = run(corpus_copy, capsys, "corpus", "import", str(ROOT / "tests/fixtures/pubmed_sample.nbib"))
    assert code == 0 and "1 added" in out  # run again: what was written is skipped, the rest added


def test_an_unreadable_or_malformed_intents_file_is_one_line_naming_it_once(corpus_copy, capsys, monkeypatch):
    intents = corpus_copy / "corpus" / "intents.yaml"
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if self == intents:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    code, _, err = run(corpus_copy, capsys, "ask", "does ldn help fibromyalgia")
    assert code == 2 and err == f"ldn-bot: error: {intents}: cannot read: Permission denied\n"
    monkeypatch.setattr(Path, "read_text", real)
    intents.write_text("aspects:\n  dose: [dose\n", encoding="utf-8")
    code, _, err = run(corpus_copy, capsys, "ask", "does ldn help fibromyalgia")
    assert code == 2 and err.startswith(f"ldn-bot: error: {intents}:") and err.count(str(intents)) == 1
    assert "malformed YAML" in err and err.count("\n") == 1
