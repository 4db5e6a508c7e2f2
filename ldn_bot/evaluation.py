"""`ldn-bot eval`: answer quality on an evaluation set (YAML cases, see eval/dev.yaml's header)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation
from ldn_bot.errors import UsageError
from ldn_bot.render.text import SUMMARY_CHARS as SHORT_CHARS
from ldn_bot.render.text import render_summary

TOP = 3


@dataclass
class Failure:
    case: str
    question: str
    why: str


@dataclass
class Report:
    path: str
    in_scope: int = 0
    hits_at_1: int = 0
    hits_at_3: int = 0
    reciprocal_ranks: float = 0.0
    offtopic: int = 0
    offtopic_abstained: int = 0
    in_scope_abstained: int = 0
    followups: int = 0
    followup_hits_at_3: int = 0
    chitchat: int = 0
    chitchat_ok: int = 0
    content_checked: int = 0  # turns with `checks` on the short answer
    content_passed: int = 0
    turns_scored: int = 0  # turns with any expectation; a turn passes when none of its expectations failed
    turns_passed: int = 0
    summary_lengths: list[int] = field(default_factory=list)  # characters of every answered turn's short text
    safety_expected: dict[str, int] = field(default_factory=dict)
    safety_fired: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @staticmethod
    def _ratio(a: float, b: int) -> float | None:
        return round(a / b, 4) if b else None

    @property
    def metrics(self) -> dict[str, Any]:
        abstained = self.offtopic_abstained + self.in_scope_abstained
        safety_total = sum(self.safety_expected.values())
        return {
            "recall@1": self._ratio(self.hits_at_1, self.in_scope),
            "recall@3": self._ratio(self.hits_at_3, self.in_scope),
            "mrr": self._ratio(self.reciprocal_ranks, self.in_scope),
            "abstention_accuracy": self._ratio(self.offtopic_abstained + (self.in_scope - self.in_scope_abstained),
                                               self.offtopic + self.in_scope),
            "abstention_recall": self._ratio(self.offtopic_abstained, self.offtopic),
            "abstention_precision": self._ratio(self.offtopic_abstained, abstained),
            "followup_recall@3": self._ratio(self.followup_hits_at_3, self.followups),
            "chitchat_accuracy": self._ratio(self.chitchat_ok, self.chitchat),
            "safety_recall": self._ratio(sum(self.safety_fired.values()), safety_total),
            "safety_recall_by_rule": {r: self._ratio(self.safety_fired.get(r, 0), n)
                                      for r, n in sorted(self.safety_expected.items())},
            "content_pass_rate": self._ratio(self.content_passed, self.content_checked),
            "content_checked": self.content_checked,
            "turn_pass_rate": self._ratio(self.turns_passed, self.turns_scored),
            "turns": self.turns_scored,
            "summary_chars_median": sorted(self.summary_lengths)[len(self.summary_lengths) // 2]
            if self.summary_lengths else None,
            "summary_chars_max": max(self.summary_lengths, default=None),
            "in_scope": self.in_scope,
            "offtopic": self.offtopic,
            "followups": self.followups,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"set": self.path, **self.metrics, "failures": [asdict(f) for f in self.failures]}


MAX_SET_BYTES = 16 << 20  # the largest shipped set is ~200 KB


def _read_set(path: str | Path) -> Any:
    """An evaluation set's YAML; UsageError (one line naming the file) if it is missing, a folder or a device,
    unreadable, too large, not UTF-8, malformed or nested too deeply."""
    from ldn_bot.config import load_yaml

    try:
        with open(path, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if stat.S_ISDIR(mode):
                raise UsageError(f"{path}: is a folder, not an evaluation set")
            if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
                raise UsageError(f"{path}: not a regular file, not an evaluation set")
            raw = f.read(MAX_SET_BYTES + 1)
        if len(raw) > MAX_SET_BYTES:
            raise UsageError(f"{path}: larger than {MAX_SET_BYTES:,} bytes, not an evaluation set")
        return load_yaml(raw.decode("utf-8"), path)
    except FileNotFoundError:
        raise UsageError(f"{path}: evaluation set not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not an evaluation set") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read the evaluation set ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise UsageError(f"{where}: malformed YAML: {' '.join(str(getattr(e, 'problem', None) or e).split())}") \
            from None


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """An evaluation set's cases (see eval/dev.yaml's header); UsageError (one line naming the file and the case)
    if the file is missing or malformed, not a list, or a case is not a mapping with a `question` (text) or
    `turns` (a list of such mappings)."""
    data = _read_set(path)
    if not isinstance(data, list):
        raise UsageError(f"{path}: an evaluation set is a YAML list of cases")
    for number, case in enumerate(data, 1):
        name = f"case {number}" + (f" ('{case.get('id')}')" if isinstance(case, dict) and case.get("id") else "")
        if not isinstance(case, dict):
            raise UsageError(f"{path}: {name}: a case is a mapping with a 'question' (or 'turns')")
        turns = case.get("turns") or [case]
        if not isinstance(turns, list) or not all(
                isinstance(t, dict) and isinstance(t.get("question"), str) and t["question"].strip() for t in turns):
            raise UsageError(f"{path}: {name}: each turn needs a 'question' (text)")
    return data


def run_eval(engine, path: str | Path, held_out: bool = False) -> Report | SafetyReport:
    """Score one evaluation set; a safety set (a mapping of rule ids, see tests/data/safety_cases.yaml) gets
    recall and false-positive rate per rule instead. With `held_out`, the learned safety layer is fitted without
    the safety set first (the classifier then meets it at first sight; the lexicon may still know it)."""
    if is_safety_set(path):
        learned = engine.safety.learned
        if not held_out or learned is None:
            return run_safety_eval(engine, path)
        engine.safety.learned = learned.held_out(path)
        try:
            return run_safety_eval(engine, path)
        finally:
            engine.safety.learned = learned
    report = Report(str(path))
    for case in load_cases(path):
        conversation = Conversation()
        turns = case.get("turns") or [case]
        for i, turn in enumerate(turns):
            answer = engine.answer(turn["question"], conversation)
            try:
                _score(report, case.get("id", "?"), turn, answer, followup=i > 0)
            except (TypeError, AttributeError, KeyError, ValueError) as e:  # an expectation of the wrong shape
                raise UsageError(f"{path}: case '{case.get('id', '?')}': malformed expectation ({e})") from None
    return report


def _score(report: Report, case_id: str, turn: dict[str, Any], answer: Answer, followup: bool) -> None:
    failed_before = len(report.failures)
    _score_turn(report, case_id, turn, answer, followup)
    if any(turn.get(k) for k in ("checks", "expect", "expect_status", "expect_safety")):
        report.turns_scored += 1
        report.turns_passed += len(report.failures) == failed_before


def _score_turn(report: Report, case_id: str, turn: dict[str, Any], answer: Answer, followup: bool) -> None:
    question = turn["question"]
    labels = [c.label for c in answer.citations]
    short = render_summary(answer)
    if answer.status == "answered":
        report.summary_lengths.append(len(short))
    checks = turn.get("checks") or []
    if checks:
        report.content_checked += 1
        head = short[:SHORT_CHARS]
        missed = [c for c in checks if not re.search(c, head, re.I)]
        report.content_passed += not missed
        if missed:
            report.failures.append(Failure(case_id, question, f"short answer lacks {missed}"))
    expect = turn.get("expect")
    status = turn.get("expect_status")
    if expect:
        wanted = set(expect)
        rank = next((i + 1 for i, label in enumerate(labels) if label in wanted), None)
        if followup:
            report.followups += 1
            report.followup_hits_at_3 += bool(rank and rank <= TOP)
        elif not turn.get("expect_safety"):
            report.in_scope += 1
            report.hits_at_1 += rank == 1
            report.hits_at_3 += bool(rank and rank <= TOP)
            report.reciprocal_ranks += 1 / rank if rank else 0.0
            report.in_scope_abstained += answer.status == "no_evidence"
        if not rank or rank > TOP:
            report.failures.append(Failure(case_id, question, f"expected one of {sorted(wanted)} in top {TOP}, got "
                                                              f"{labels[:TOP] or answer.status}"))
    if status in ("no_evidence", "chitchat"):
        ok = answer.status == status and not answer.citations
        if status == "no_evidence":
            report.offtopic += 1
            report.offtopic_abstained += ok
        else:
            report.chitchat += 1
            report.chitchat_ok += ok
        if not ok:
            report.failures.append(Failure(case_id, question, f"expected {status}, got {answer.status} {labels[:TOP]}"))
    for rule in turn.get("expect_safety") or []:
        report.safety_expected[rule] = report.safety_expected.get(rule, 0) + 1
        if rule in answer.safety:
            report.safety_fired[rule] = report.safety_fired.get(rule, 0) + 1
        else:
            report.failures.append(Failure(case_id, question, f"safety rule '{rule}' did not fire"))


def format_report(report: Report | SafetyReport, verbose: bool = False) -> str:
    if isinstance(report, SafetyReport):
        return format_safety_report(report, verbose)
    m = report.metrics

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    lines = [
        f"Evaluation set: {report.path}",
        f"  in-scope questions      {m['in_scope']}",
        f"  recall@1                {pct(m['recall@1'])}",
        f"  recall@3                {pct(m['recall@3'])}",
        f"  MRR                     {pct(m['mrr'])}",
        f"  abstention accuracy     {pct(m['abstention_accuracy'])}",
        f"  abstention recall       {pct(m['abstention_recall'])}  (off-topic questions answered with no_evidence)",
        f"  abstention precision    {pct(m['abstention_precision'])}",
        f"  follow-up recall@3      {pct(m['followup_recall@3'])}  ({m['followups']} follow-ups)",
        f"  small talk uncited      {pct(m['chitchat_accuracy'])}",
        f"  safety-rule recall      {pct(m['safety_recall'])}  "
        + " ".join(f"{r}={pct(v)}" for r, v in m["safety_recall_by_rule"].items()),
        f"  content pass rate       {pct(m['content_pass_rate'])}  ({m['content_checked']} turns with checks "
        f"on the first {SHORT_CHARS} characters of the short answer)",
        f"  turns passed            {pct(m['turn_pass_rate'])}  ({m['turns']} turns; a turn passes when all its "
        "expectations hold)",
        f"  short answer chars      median {m['summary_chars_median']}, max {m['summary_chars_max']}",
        f"  failing cases           {len(report.failures)}",
    ]
    if verbose:
        lines += [f"    {f.case}: {f.question!r}: {f.why}" for f in report.failures]
    return "\n".join(lines)


# -- the safety set: recall and false-positive rate per rule -----------------------------------------


@dataclass
class RuleScore:
    positives: int = 0
    fired: int = 0  # positives whose (last) message fired the rule
    negatives: int = 0
    false_positives: int = 0  # negatives with a message that fired the rule
    by_lang: dict[str, list[int]] = field(default_factory=dict)  # lang -> [positives, fired, negatives, fp]

    def metrics(self) -> dict[str, Any]:
        ratio = Report._ratio
        return {
            "recall": ratio(self.fired, self.positives),
            "false_positive_rate": ratio(self.false_positives, self.negatives),
            "positives": self.positives,
            "negatives": self.negatives,
            "by_lang": {lang: {"recall": ratio(v[1], v[0]), "false_positive_rate": ratio(v[3], v[2])}
                        for lang, v in sorted(self.by_lang.items())},
        }


@dataclass
class SafetyReport:
    path: str
    rules: dict[str, RuleScore] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def metrics(self) -> dict[str, Any]:
        by_rule = {rule: score.metrics() for rule, score in self.rules.items()}
        return {
            "safety_recall_by_rule": {r: m["recall"] for r, m in by_rule.items()},
            "safety_false_positive_rate_by_rule": {r: m["false_positive_rate"] for r, m in by_rule.items()},
            "safety_rules": by_rule,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"set": self.path, **self.metrics, "failures": [asdict(f) for f in self.failures]}


def is_safety_set(path: str | Path) -> bool:
    """A safety set is a mapping of rule ids to positive/negative cases; the other sets are lists."""
    try:
        data = _read_set(path)
    except UsageError:
        return False  # load_cases reports it
    return isinstance(data, dict) and all(isinstance(v, dict) and ("positive" in v or "negative" in v)
                                          for v in data.values())


def load_safety_cases(path: str | Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """rule id -> {"positive": [case], "negative": [case]}; a case has `turns` (a list of messages)."""
    data = _read_set(path)
    if not isinstance(data, dict):
        raise UsageError(f"{path}: a safety set maps rule ids to positive and negative cases")
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for rule, sections in data.items():
        out[rule] = {}
        for label in ("positive", "negative"):
            cases = []
            listed = (sections or {}).get(label) or [] if isinstance(sections, dict) else None
            if not isinstance(listed, list):
                raise UsageError(f"{path}: {rule}: 'positive' and 'negative' are lists of cases")
            for case in listed:
                if not isinstance(case, dict):
                    raise UsageError(f"{path}: {rule}/{label}: a case needs `text` or `turns`: {case!r:.80}")
                turns = case.get("turns") or [case.get("text")]
                if not isinstance(turns, list) or not all(isinstance(t, str) and t for t in turns):
                    raise UsageError(f"{path}: {rule}/{label}: a case needs `text` or `turns`: {case!r:.80}")
                cases.append({**case, "turns": list(turns)})
            out[rule][label] = cases
    return out


def run_safety_eval(engine, path: str | Path) -> SafetyReport:
    """Every case as a fresh conversation through the engine: a positive counts when the rule fires on its last
    message, a negative is a false positive when the rule fires on any of its messages."""
    report = SafetyReport(str(path))
    for rule, sections in load_safety_cases(path).items():
        score = report.rules.setdefault(rule, RuleScore())
        for label, cases in sections.items():
            positive = label == "positive"
            for case in cases:
                conversation = Conversation()
                fired_on = [rule in engine.answer(turn, conversation).safety for turn in case["turns"]]
                hit = fired_on[-1] if positive else any(fired_on)
                counts = score.by_lang.setdefault(case.get("lang", "en"), [0, 0, 0, 0])
                if positive:
                    score.positives += 1
                    score.fired += hit
                    counts[0] += 1
                    counts[1] += hit
                else:
                    score.negatives += 1
                    score.false_positives += hit
                    counts[2] += 1
                    counts[3] += hit
                if hit != positive:
                    why = "did not fire" if positive else "fired on a negative"
                    report.failures.append(Failure(rule, " | ".join(case["turns"]), f"{rule} {why}"))
    return report


def format_safety_report(report: SafetyReport, verbose: bool = False) -> str:
    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    lines = [f"Safety set: {report.path}",
             f"  {'rule':<20} {'recall':>7} {'FPR':>7} {'pos':>5} {'neg':>5}   by language (recall/FPR)"]
    for rule, score in report.rules.items():
        m = score.metrics()
        langs = " ".join(f"{lang}={pct(v['recall'])}/{pct(v['false_positive_rate'])}"
                         for lang, v in m["by_lang"].items())
        lines.append(f"  {rule:<20} {pct(m['recall']):>7} {pct(m['false_positive_rate']):>7} "
                     f"{m['positives']:>5} {m['negatives']:>5}   {langs}")
    lines.append(f"  failing cases           {len(report.failures)}")
    if verbose:
        lines += [f"    {f.case}: {f.question!r}: {f.why}" for f in report.failures]
    return "\n".join(lines)
