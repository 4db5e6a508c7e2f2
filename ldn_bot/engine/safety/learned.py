"""The learned layer over the safety rules: one linear text classifier per rule, trained on labelled messages.

The lexicon (phrases and concepts) fires on what it lists; a blind set always finds wordings it does not list. The
classifier reads a message by its pieces (letter n-grams of each word, words, word pairs) and was fitted on every
labelled message the project holds (the safety sets, and the questions of the answer sets), so a new wording that
shares pieces with known ones is scored by meaning rather than by an exact phrase. It is combined with the lexicon
in `corpus/safety.yaml` (`learned:`):

    rules:
      crisis: {fire_at: 0.7, otherwise: support, otherwise_at: 0.55, with_otherwise_at: 0.6,
               needs: [death_touch, method, ...]}     # fires only on a message naming a crisis concept
      opioid_interaction: {drop_below: 0.35, learn_from: own, needs: [someone_else, long_ago, ...]}
                                                      # drops a lexicon match where whose or when is said

A crisis match of the lexicon is never dropped. Training (scikit-learn, imported only then) takes a few seconds;
the fitted weights are kept in <corpus>/.cache/safety_model.npz, keyed by a hash of everything it learned from, so
a start-up reads them in a few milliseconds, and scoring needs only numpy (`Model.scores`).
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import math
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ldn_bot.engine.safety.text import tokens, unleet
from ldn_bot.fileio import write_whole

log = logging.getLogger("ldn_bot.safety")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FORMAT = 4  # bump when features() or the fitting changes: every cached model is then refitted
CACHE_FILE = "safety_model.npz"
CONTEXT_TURNS = 3  # a message is read with the member's two before it ("we got a positive test" | "what dose?")
C = 10.0  # inverse regularisation of the logistic regression (chosen by cross-validation over the sets)
CHAR_MIN_DF = 2  # a letter n-gram must occur in two messages to be learned from
LONG_MIN_WORDS = 40  # words from which `long_at` applies (a long ordinary post scores like a long crisis story)
# a short message has too few pieces to be read by meaning alone: "i want to go home" scores like "i want to die"
ALONE_MIN_WORDS = 6
CLASS_WEIGHT: str | None = None  # unweighted: a message with little in it scores near the (low) prior


@dataclass(frozen=True)
class Threshold:
    """How a rule's score is used: fire at `fire_at` or above (None: the score never fires it); a lexicon match
    scored below `drop_below` is dropped (never for crisis); a score from `otherwise_at` up to `fire_at` fires the
    rule `otherwise` instead. With `needs` (lexicon concepts), the score fires, adds or drops nothing unless the
    message names one of them: a short everyday message ("see ya tomorrow") has too little in it to be scored by
    meaning, and an opioid match is dropped only where the message says whose or when ("my husband", "years ago")."""

    fire_at: float | None = None
    drop_below: float | None = None
    otherwise: str | None = None
    otherwise_at: float | None = None
    needs: tuple[str, ...] = ()
    with_otherwise_at: float | None = None  # fires from this score when the lexicon fired `otherwise` itself
    not_with: tuple[str, ...] = ()  # the score adds nothing when the lexicon fired one of these (an accident)
    learn_from: str = "all"  # "all": every labelled message; "own": the rule's own positives and negatives only
    # fires from this score on a message that names none of `needs`: scored that high, a plan in new words
    # ("it'll be the sunday after the family's been round ... i feel calmer than in years") is read by meaning
    alone_at: float | None = None
    # what it takes to fire on a message of LONG_MIN_WORDS words or more: scored whole, a long ordinary post (a
    # grief update, a week's news) reads like the long stories that end in a crisis
    long_at: float | None = None
    # a lexicon match is never dropped where the message names one of these concepts or combinations (the member
    # asks for the person it concerns: "my wife is on butrans ... how low should she go"; "self_take > opioid":
    # "he takes ibuprofen, i take oxycodone")
    kept_by: tuple[str, ...] = ()
    # the `otherwise` rule's line from this score on a message of ALONE_MIN_WORDS words or more that names none of
    # `needs` and none of the rule's vetoes (a figure of speech): read by meaning alone, a crisis in words no concept
    # lists gets the support line above its answer, never the crisis reply ("seeing everyone one more time this week
    # ... she has no idea")
    otherwise_alone_at: float | None = None
    # once the rule fired earlier in the conversation, a score from this one counts as if a concept of `needs`
    # were named, at any length: a reply there ("it wasn't", after "i told her the rope was for a project") is
    # read by its score (`fire_at`); and any later message gets at least the `otherwise` rule's line
    remembered_at: float | None = None


@dataclass(frozen=True)
class Spec:
    """What `learned:` in safety.yaml declares: the labelled sets (globs, relative to the corpus folder), the answer
    sets whose questions are ordinary messages, and each learned rule's thresholds."""

    examples: tuple[str, ...]
    questions: tuple[str, ...]
    rules: dict[str, Threshold]


def features(text: str) -> tuple[list[str], list[str]]:
    """(letter n-grams, words and word pairs) of a message, after the safety rules' normalisation (case, accents,
    apostrophes, leetspeak): "kms" and "k.m.s" and "KMS" read alike; "ctb" is learned from the sets, not listed."""
    words = [unleet(w) for w in tokens(text)[0] if w]
    grams: list[str] = []
    for w in words:
        padded = f" {w} "
        for n in range(2, 6):
            grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams, words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass
class Model:
    """Fitted weights: per feature group its vocabulary and idf; per rule its coefficients and intercept."""

    rules: tuple[str, ...]
    vocab: tuple[dict[str, int], dict[str, int]]
    idf: tuple[np.ndarray, np.ndarray]
    coef: np.ndarray  # rules x (len(vocab[0]) + len(vocab[1]))
    intercept: np.ndarray

    def scores(self, text: str) -> dict[str, float]:
        """Rule id -> probability (0-1) that the message is one of the rule's."""
        x = np.zeros(self.coef.shape[1])
        offset = 0
        for group, vocab, idf in zip(features(text), self.vocab, self.idf, strict=True):
            counts = Counter(vocab[f] for f in group if f in vocab)
            if counts:
                ids = np.fromiter(counts, dtype=np.int64)
                w = (1 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[ids]
                x[offset + ids] = w / np.linalg.norm(w)
            offset += len(vocab)
        z = self.coef @ x + self.intercept
        return {r: 1 / (1 + math.exp(-float(v))) for r, v in zip(self.rules, z, strict=True)}


# -- training data -------------------------------------------------------------------------------------------------

def _files(root: Path, patterns: tuple[str, ...], exclude: frozenset[Path] = frozenset()) -> list[Path]:
    found = {Path(p) for pat in patterns for p in glob.glob(str(root / pat))}
    return sorted(p for p in found if p.resolve() not in exclude)


def sources(corpus_root: Path) -> list[Path]:
    """The files the learned layer of a corpus folder is fitted on (its safety.yaml `learned:` patterns), for
    copying a corpus with them (`ldn-bot corpus init`); [] when it declares none or cannot be read."""
    try:
        data = yaml.load((corpus_root / "safety.yaml").read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    learned = data.get("learned") if isinstance(data, dict) else None
    if not isinstance(learned, dict):
        return []
    patterns = [p for key in ("examples", "questions") for p in learned.get(key) or [] if isinstance(p, str)]
    return _files(corpus_root, tuple(patterns))


def _turns(case: dict[str, Any]) -> list[str]:
    """The last CONTEXT_TURNS messages of a case: a safety set's turns are text, an answer set's are mappings."""
    turns = case.get("turns") or [case.get("text") or case.get("question") or ""]
    return [str(t.get("question") or "") if isinstance(t, dict) else str(t) for t in turns][-CONTEXT_TURNS:]


def examples(root: Path, spec: Spec, exclude: frozenset[Path] = frozenset()) -> list[tuple[str, dict[str, int]]]:
    """(message as the classifier reads it, rule id -> 1 positive / 0 negative) from the labelled sets: a case is a
    positive of its own rule; it is a negative of its own rule's negatives, and of every other learned rule (but a
    crisis positive teaches the other rules nothing: crisis answers alone); a rule that learns from its `own`
    cases only (opioid: whose and when) takes none of the others'. A question of an answer set is a
    positive of each rule it expects (`expect_safety`) and an ordinary message (negative) for crisis otherwise.
    Files in `exclude` (resolved paths) are left out."""
    out: list[tuple[str, dict[str, int]]] = []
    for path in _files(root, spec.examples, exclude):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for rule, sections in data.items():
            if not isinstance(sections, dict):
                continue
            for label in ("positive", "negative"):
                for case in sections.get(label) or []:
                    turns = _turns(case)
                    own = 1 if label == "positive" else 0
                    labels = {r: (own if r == rule else 0) for r, th in spec.rules.items()
                              if r == rule or th.learn_from == "all"}
                    if rule == "crisis" and own:
                        labels = {"crisis": 1}
                    out.append((" | ".join(turns), labels))
                    if not own and len(turns) > 1:  # no turn of a negative conversation may fire, read alone
                        out += [(t, labels) for t in turns]
    for path in _files(root, spec.questions, exclude):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        if not isinstance(data, list) or (data and not isinstance(data[0], dict)):
            continue  # a safety set among the answer sets: read above
        for case in data:
            if not isinstance(case, dict) or not (case.get("question") or case.get("turns")):
                continue
            expected = set(case.get("expect_safety") or [])
            labels = {r: 1 for r in spec.rules if r in expected}
            if not expected:
                labels["crisis"] = 0
            if labels:
                turns = _turns(case)
                out.append((" | ".join(turns), labels))
                if not expected and len(turns) > 1:
                    out += [(t, labels) for t in turns]
    return out


def _key(root: Path, spec: Spec) -> str:
    """A hash of what the model learns from (the files' bytes, not their parse: a start-up with a fresh cache
    reads no YAML) and of how."""
    how = {r: th.learn_from for r, th in spec.rules.items()}
    h = hashlib.sha256(json.dumps([FORMAT, C, CHAR_MIN_DF, CONTEXT_TURNS, how]).encode("utf-8"))
    for path in _files(root, spec.examples) + _files(root, spec.questions):
        h.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def fit(data: list[tuple[str, dict[str, int]]], rules: tuple[str, ...], balanced: frozenset[str] = frozenset()
        ) -> Model:
    """Fit the classifiers (scikit-learn) on (message, labels) pairs; a rule fits on the messages labelled for it,
    with its positives and negatives weighed equally when it is in `balanced` (a rule learning from its own cases:
    the question is whose and when, not how often)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [t for t, _ in data]
    feats = [features(t) for t in texts]
    vecs = [TfidfVectorizer(analyzer=lambda f, g=g: f[g], min_df=m, sublinear_tf=True)
            for g, m in ((0, CHAR_MIN_DF), (1, 1))]
    from scipy.sparse import hstack

    matrix = hstack([v.fit_transform(feats) for v in vecs]).tocsr()
    coef = np.zeros((len(rules), matrix.shape[1]))
    intercept = np.zeros(len(rules))
    for i, rule in enumerate(rules):
        rows = [k for k, (_, labels) in enumerate(data) if rule in labels]
        y = [data[k][1][rule] for k in rows]
        if len(set(y)) < 2:
            raise ValueError(f"the learned rule '{rule}' needs positive and negative examples")
        clf = LogisticRegression(C=C, class_weight="balanced" if rule in balanced else CLASS_WEIGHT, max_iter=5000)
        clf.fit(matrix[rows], y)
        coef[i], intercept[i] = clf.coef_[0], clf.intercept_[0]
    vocab = tuple({str(k): int(v) for k, v in vec.vocabulary_.items()} for vec in vecs)
    return Model(rules, (vocab[0], vocab[1]), (vecs[0].idf_, vecs[1].idf_), coef, intercept)


# -- the cache -----------------------------------------------------------------------------------------------------

def _save(path: Path, model: Model, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "key": key, "rules": model.rules,
            "vocab": [sorted(v, key=v.__getitem__) for v in model.vocab]}
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    with write_whole(path, sync=False) as f:  # whole or not at all; refitted if lost
        np.savez(f, meta=blob, idf0=model.idf[0], idf1=model.idf[1], coef=model.coef.astype(np.float32),
                 intercept=model.intercept)


def _load(path: Path, key: str) -> Model | None:
    try:
        with np.load(path) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or meta.get("key") != key:
                return None
            vocab = tuple({w: i for i, w in enumerate(v)} for v in meta["vocab"])
            return Model(tuple(meta["rules"]), (vocab[0], vocab[1]), (z["idf0"], z["idf1"]),
                         z["coef"].astype(np.float64), z["intercept"])
    except (OSError, ValueError, KeyError):
        return None


def load_model(root: Path, spec: Spec, cache: Path | None) -> Model | None:
    """The fitted model for a corpus: from `cache` when it was fitted on exactly these examples, else fitted now
    (and kept there when the folder is writable). None when the declared sets hold no example."""
    if not _files(root, spec.examples):
        return None
    key = _key(root, spec)
    if cache is not None:
        model = _load(cache, key)  # None when missing, stale or unreadable
        if model is not None:
            return model
    model = fit(examples(root, spec), tuple(spec.rules),
                frozenset(r for r, th in spec.rules.items() if th.learn_from == "own"))
    if cache is not None:
        try:
            _save(cache, model, key)
        except OSError as e:  # a read-only cache folder (its one warning line comes from the index): refit
            log.debug("could not keep the safety model in %s: %s", cache, e)
    return model


@dataclass
class Layer:
    """A fitted model with the thresholds that say how its scores change what the lexicon fired."""

    model: Model
    thresholds: dict[str, Threshold]
    root: Path | None = None  # the corpus folder and the spec it was fitted from (for `held_out`)
    spec: Spec | None = None

    def held_out(self, path: str | Path) -> Layer:
        """The same layer fitted without one labelled set: scored on that set, the classifier meets it at first
        sight (`ldn-bot eval --held-out`). Fitting takes a few seconds; nothing is cached."""
        if self.root is None or self.spec is None:
            return self
        data = examples(self.root, self.spec, frozenset({Path(path).resolve()}))
        how = frozenset(r for r, th in self.spec.rules.items() if th.learn_from == "own")
        return Layer(fit(data, tuple(self.spec.rules), how), self.thresholds, self.root, self.spec)

    def scores(self, message: str, earlier: tuple[str, ...] = ()) -> dict[str, float]:
        """Rule id -> score of a message read with the member's earlier messages of the conversation (the last
        CONTEXT_TURNS in all), or alone, whichever is higher: a crisis at the end of a long conversation is not
        diluted by it, and "we got a positive test" still counts for "what dose?" after it."""
        alone = self.model.scores(message)
        if not earlier:
            return alone
        joined = self.model.scores(" | ".join([*earlier[-(CONTEXT_TURNS - 1):], message]))
        return {r: max(alone[r], joined[r]) for r in alone}

    def decide(self, fired: set[str], scores: dict[str, float], anchored: set[str],
               unvetoed: frozenset[str] = frozenset(), words: int = 0,
               remembered: frozenset[str] = frozenset()) -> tuple[set[str], set[str]]:
        """(rule ids to add, rule ids to drop), given the ids the lexicon fired, the scores, the rules whose
        `needs` the message meets, the rules none of whose vetoes is anywhere in it (`alone_at` reads only
        those), how many words the message has (`alone_at` from ALONE_MIN_WORDS, `long_at` from
        LONG_MIN_WORDS), and the rules that fired earlier in the conversation (`remembered_at`)."""
        add: set[str] = set()
        drop: set[str] = set()
        for rid, th in self.thresholds.items():
            s = scores.get(rid, 0.0) if rid in anchored or not th.needs else 0.0
            if th.remembered_at is not None and rid in remembered and rid in unvetoed \
                    and scores.get(rid, 0.0) >= th.remembered_at:
                s = scores[rid]  # a reply in a conversation where the rule already fired: `needs` met
            if th.alone_at is not None and rid in unvetoed and words >= ALONE_MIN_WORDS \
                    and scores.get(rid, 0.0) >= th.alone_at:
                s = scores[rid]  # read by meaning alone: at least `fire_at`
            if fired & set(th.not_with):
                s = 0.0  # "my kid swallowed a whole bottle by accident" is the pharmacist's line, not crisis
            bar = th.long_at if th.long_at is not None and words >= LONG_MIN_WORDS else 0.0
            if rid in fired:
                if th.drop_below is not None and (rid in anchored or not th.needs) \
                        and scores.get(rid, 0.0) < th.drop_below:
                    drop.add(rid)
            elif th.fire_at is not None and s >= max(th.fire_at, bar):
                add.add(rid)
            elif th.with_otherwise_at is not None and th.otherwise in fired and s >= max(th.with_otherwise_at, bar):
                add.add(rid)  # two weaker signals agree: the lexicon's support line and the score
            elif th.otherwise and ((th.otherwise_at is not None and s >= th.otherwise_at)
                                   or self._support_alone(th, fired, scores.get(rid, 0.0), words, rid in unvetoed)
                                   or (th.remembered_at is not None and rid in remembered)):
                add.add(th.otherwise)  # after a crisis in the conversation, never less than the support line
        return add - fired, drop

    @staticmethod
    def _support_alone(th: Threshold, fired: set[str], score: float, words: int, unvetoed: bool) -> bool:
        """Whether a score reaches `otherwise_alone_at` on a message long enough to be read by meaning, with none of
        the rule's vetoes in it and none of the rules the score defers to (`not_with`) fired."""
        return th.otherwise_alone_at is not None and unvetoed and words >= ALONE_MIN_WORDS \
            and not fired & set(th.not_with) and score >= th.otherwise_alone_at
