"""The answer engine: question (+ conversation) -> Answer. Knows nothing of terminals or Discord."""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import replace

from ldn_bot.config import Config
from ldn_bot.corpus.loader import load_corpus
from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.corpus.queries import CorpusQueries
from ldn_bot.engine.answer import Answer, Citation, KeyLine, LeadSentence
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.overview import (
    key_finding,
    overview_citations,
    sources_answer,
    studies_on,
    study_citation,
    verdict,
)
from ldn_bot.engine.planner import Topic, choose
from ldn_bot.engine.plans import Plan
from ldn_bot.engine.safety import load_rules
from ldn_bot.engine.smalltalk import smalltalk_intent, smalltalk_reply
from ldn_bot.engine.understand import Intent, load_understanding
from ldn_bot.retrieval.analyzer import normalize, words
from ldn_bot.retrieval.chunk import Chunk, Sentence
from ldn_bot.retrieval.query import Concept, Query, english_zipf
from ldn_bot.retrieval.search import Hit, Searcher

# "that study", "the same trial", "it": a follow-up about the study last cited, not the whole topic.
_DEICTIC = re.compile(r"\b(?:(?:that|this|the same|those|these|the)\s+(?:[a-z-]+\s+)?"
                      r"(?:study|trial|paper|one|review|report|case|pilot)s?|it|they|them|their)\b")
# The singular forms: a follow-up about the one study shown first ("how many were in it?").
_DEICTIC_ONE = re.compile(r"\b(?:(?:that|this|the same)\s+(?:[a-z-]+\s+){0,2}"
                          r"(?:study|trial|paper|one|review|report|case|pilot)|it)\b")

MAX_SAFETY_CHARS = 20000  # safety rules read this much of a message, however long
MAX_QUESTION_CHARS = 1000  # longer input is read only this far: answering stays fast whatever is pasted
MAX_PASSAGE_CHARS = 420
SENTENCE_CACHE = 4096  # chunks whose sentence terms are kept; bounded so a 100k-chunk bot does not grow forever
GENERAL_TOPIC = "defined, mechanism of action"  # what a question with no topic of its own is about
GENERAL_WEIGHT = 1.0  # below this a question's own plain words name no topic
SPECIFIC_WEIGHT = 0.8  # a question's own content words weigh at least this much to point at one study
SPECIFIC_SHARE = 0.6  # ... and the best passage holds this share of their weight
FOREIGN_ZIPF = 3.0  # an unknown word rarer than this in English names another subject (a drug, a disease)
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?(?:mg|mgs|mcg|ug|g|ml|x)?$")
# "and for MS?", "what about crohns": a follow-up that keeps the previous question's aspect.
_CARRY_ASPECT = re.compile(r"^(?:and|what about|how about|same for|and what about|ok and)\b")
SAFETY_TOPIC_WEIGHT = 5.0  # plain words left after a safety text's own words weigh this much to name a topic
SUBJECT_TERMS = frozenset({"low-dose naltrexone", "naltrexone"})  # what every question is about anyway


def clean_question(text: str) -> str:
    """Drop control and unprintable characters, fold whitespace, cap the length."""
    kept = "".join(ch if unicodedata.category(ch)[0] not in "C" else " " for ch in text)
    return " ".join(kept.split())[:MAX_QUESTION_CHARS]


def is_readable(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and letters >= 0.3 * len(text.replace(" ", ""))


class Engine:
    """The answer engine. Build it from settings (the corpus is loaded from `config.corpus_path` unless given);
    then `answer()` each question. Knows nothing of terminals or Discord."""

    def __init__(self, config: Config, corpus: Corpus | None = None) -> None:
        self.config = config
        self.corpus = corpus if corpus is not None else load_corpus(config.corpus_path)
        self.searcher = Searcher(self.corpus, config.retrieval)
        self.safety = load_rules(self.corpus.root)
        self.queries = CorpusQueries(self.corpus)  # study lookup, conditions, counts: for the front ends
        self.understanding = load_understanding(self.corpus.root)
        self._sentence_terms: OrderedDict[str, list[frozenset[str]]] = OrderedDict()  # least recently used first
        # First author's surname (as a question would spell it) -> labels of the studies it names.
        self._by_surname: dict[str, list[str]] = {}
        # Former labels and common names ("Pain Rep 2023", "the FINAL trial"), as word sequences with spaces around.
        self._aliases = [(f" {' '.join(words(normalize(a)))} ", label) for label, s in self.studies.items()
                         if s.reviewed for a in (*s.aliases, label) if len(words(normalize(a))) >= 2]
        for label, study in self.studies.items():
            if study.reviewed and study.authors and label.startswith(study.authors[0].split()[0]):
                key = normalize(study.authors[0].split()[0]).replace("'", "")
                self._by_surname.setdefault(key, []).append(label)

    @property
    def studies(self) -> dict[str, Study]:
        return self.corpus.studies

    def sources(self, condition: str | None = None) -> Answer:
        """The studies in the corpus on `condition` (free text, resolved like a question's; None: all), strongest
        design first, as an answer (status "answered", or "no_evidence" naming the covered conditions when the
        condition is unknown). Backs `:sources` in the REPL and `/sources` in Discord."""
        return sources_answer(self, condition)

    def answer(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question as typed. Pass the asker's `conversation` to let follow-ups refer back to the
        previous answer ("what dose did they use?"); it is updated in place. Never raises for any text."""
        if conversation is not None:
            conversation.expire_if_idle(self.config.conversation.idle_minutes * 60)
            conversation.turns += 1
        text = clean_question(question)
        if not is_readable(text):
            return self._reply(question, "no_evidence", self.config.messages.refusal)
        intent = smalltalk_intent(text)
        if intent:
            return self._reply(question, "chitchat", smalltalk_reply(intent, self.config.messages))
        fired = self.safety.check(question[:MAX_SAFETY_CHARS])  # all of a long message: a crisis may come last
        safety = [r.id for r in fired]
        for rule in fired:
            if rule.action == "reply":  # a crisis gets care, not a study dump
                answer = self._reply(question, "safety", rule.text)
                answer.safety = safety
                return answer

        rest = self.safety.strip(text, fired) if fired else text
        query = self.searcher.parser.parse(rest)
        named = self.named_labels(text)
        asked = self.understanding.read(text)
        if fired and not any(r.action == "dose" for r in fired) and not self._names_topic(rest, query, named):
            # "I'm on tramadol, is that ok?": the warning is the answer; no study matches a topic never named
            answer = self._reply(question, "safety", None)
            answer.notices, answer.safety = [r.text for r in fired], safety
            return answer
        own = [c for c in query.conditions if studies_on(self.studies, c)]
        followup = conversation is not None and conversation.has_topic and not query.conditions and not named
        if followup:
            assert conversation is not None
            query = self._with_topic(query, text, conversation)
            if not asked.aspects and conversation.aspects and _CARRY_ASPECT.search(normalize(text)):
                asked = replace(asked, aspects=tuple(conversation.aspects))
        elif (not named and not any(g.name not in SUBJECT_TERMS for g in query.synonyms)
              and sum(c.weight for c in query.asked if c.plain) < GENERAL_WEIGHT):
            # No topic of its own ("What is LDN?", or only a drug name the safety rule took): answer with
            # the corpus's general material on what LDN is and how it works, not whatever repeats "LDN" most.
            query = query.with_context(self.searcher.parser.parse(GENERAL_TOPIC).concepts)
        if any(r.action == "dose" for r in fired):
            query = query.with_context(self.searcher.parser.parse("dose").concepts)
        result = self.searcher.search(text, limit=max(10, self.config.retrieval.top_k * 2), query=query)
        notices = [r.text for r in fired]

        topic = Topic(
            condition=(own or (conversation.conditions if followup and conversation else []) or [None])[0],
            own_condition=bool(own),
            named=[self.studies[label] for label in named],
            last=[self.studies[x] for x in conversation.labels if x in self.studies] if followup and conversation
            else [],
            deictic=("one" if _DEICTIC_ONE.search(normalize(text)) else
                     "many" if _DEICTIC.search(normalize(text)) else None),
            specific=self._specific_study(query, asked, result.hits) if result.relevant else None,
        )
        plan = choose(asked, topic, lambda c: studies_on(self.studies, c))
        # A plan answers a question about LDN even when filler words dilute the passage match; a question
        # about something else (another drug, say) still needs passages that match it.
        trusted = result.relevant or bool(named) or (followup and plan is not None) or (
            plan is not None and (self._names_subject(query) or (
                not self._foreign_words(query)
                and (bool(own) or asked.strength >= 2 or not self._unknown_words(query)))))
        if plan is not None and plan.kind == "mechanism" and trusted and not result.relevant:
            # "how does it even work?" with filler around it: the corpus's mechanism passages
            general = query.with_context(self.searcher.parser.parse(GENERAL_TOPIC).concepts)
            result = self.searcher.search(text, limit=max(10, self.config.retrieval.top_k * 2), query=general)
            result.relevant = bool(result.hits)
        if plan is not None and not (plan.points or plan.headline):
            plan = None

        if plan is not None and plan.kind == "access" and trusted:  # nothing in the corpus says how to get it
            answer = self._reply(question, "no_evidence", plan.headline)
            answer.notices, answer.safety = notices, safety
            return answer
        if not trusted or (not result.relevant and plan is None):
            # A warning stands on its own; the dosing notice introduces doses, and there are none to show.
            notices = [r.text for r in fired if r.action != "dose"]
            if notices:
                answer = self._reply(question, "safety", None)
            else:
                m = self.config.messages
                answer = self._reply(question, "no_evidence", f"{m.no_evidence} {m.no_evidence_hint}")
            answer.notices, answer.safety = notices, safety
            answer.debug = [(h.chunk.id, h.score) for h in result.hits]
            answer.corrections = query.corrections
            return answer

        hits = result.hits if result.relevant else []
        overview_on = None
        seed: list[Study] = []
        if plan is not None and plan.kind == "efficacy" and not (asked.species or asked.population) and (
                not self._matched_content(query, asked, hits)):
            overview_on = topic.condition  # the condition as a whole: every study on it, strongest first
        elif plan is None and query.conditions and not named and not any(c.plain for c in query.asked):
            overview_on = query.conditions[0]
        elif plan is not None:
            seed = plan.studies  # the studies the short answer speaks for come first
        answer = self._evidence(question, hits, query, overview_on, seed=seed)
        if plan is not None:
            self._cite(answer, plan.studies)
            self._summarize(answer, plan, specific=self._matched_content(query, asked, hits))
        answer.notices, answer.safety = notices, safety
        answer.corrections = query.corrections
        if conversation is not None:
            if own:
                conversation.conditions = own[:1]
            elif query.conditions:
                conversation.conditions = query.conditions[:1]
            elif named:
                conversation.conditions = list(self.studies[named[0]].conditions[:1])
            # A single-study answer makes "they" and "it" mean that study; otherwise every study cited.
            single = plan is not None and plan.kind == "study"
            shown = [s.label for s in plan.studies] if plan is not None else []
            conversation.labels = shown if single else list(dict.fromkeys(
                [*shown, *(c.label for c in answer.citations if c.kind == "study")]))
            if asked.aspects:
                conversation.aspects = list(asked.aspects)
        return answer

    def _summarize(self, answer: Answer, plan: Plan, specific: bool = False) -> None:
        """The plan's headline and key lines, each study line pointing at its citation. A does-it-work question
        about one outcome ("brain fog", "mood") keeps its first (null) line, then the passages on that outcome."""
        numbers = {c.label: c.number for c in answer.citations}
        answer.plan, answer.headline = plan.kind, plan.headline
        answer.key_lines = [KeyLine(p.text, numbers.get(p.label) if p.label else None, p.head, p.subhead)
                            for p in plan.points]
        if plan.kind == "efficacy" and specific and answer.lead:
            by_number = {c.number: c for c in answer.citations}
            shown = {line.citation for line in answer.key_lines[:1]}
            on_topic = {s.label for s in studies_on(self.studies, plan.topic) if s.evidence_level != "narrative review"}
            lead = [s for s in answer.lead if s.citation not in shown and by_number[s.citation].label in on_topic]
            answer.key_lines = answer.key_lines[:1] + [
                KeyLine(s.text, s.citation, f"{by_number[s.citation].label} ({by_number[s.citation].design_line})")
                for s in lead[:2]]
        if plan.kind == "mechanism":  # the proposed mechanisms are the corpus's own sentences
            answer.key_lines = [KeyLine(s.text, s.citation) for s in answer.lead[:3]]

    def _names_topic(self, rest: str, query: Query, named: list[str]) -> bool:
        """Whether a question, its safety words taken out, still names a topic of its own: a condition, a study,
        an aspect (dose, side effects, ...) or weighty plain words. Only then do studies follow a safety text."""
        return bool(named or query.conditions or self.understanding.read(rest).aspects
                    or any(g.name not in SUBJECT_TERMS for g in query.synonyms)
                    or sum(c.weight for c in query.asked if c.plain and not c.text[:1].isdigit())
                    >= SAFETY_TOPIC_WEIGHT)

    def _names_subject(self, query: Query) -> bool:
        return any(g.name in SUBJECT_TERMS for g in query.synonyms)

    def _foreign_words(self, query: Query) -> list[str]:
        """Uncommon words the corpus never uses ("gabapentin", "shingles", "B12"): a sign the question is about
        another subject. Amounts ("6mg") and everyday words ("server") are not."""
        df = self.searcher.stats.df
        return [c.text for c in query.asked if c.plain and len(c.text) > 2 and not _AMOUNT.match(c.text)
                and not any(all(t in df for t in alt) for alt in c.alternatives)
                and english_zipf(c.text) < FOREIGN_ZIPF]

    def _unknown_words(self, query: Query) -> list[str]:
        """Words of four or more letters the corpus never uses, however common in English ("shingles")."""
        df = self.searcher.stats.df
        return [c.text for c in query.asked if c.plain and len(c.text) > 3 and not _AMOUNT.match(c.text)
                and not any(all(t in df for t in alt) for alt in c.alternatives)]

    def _reply(self, question: str, status: str, message: str | None) -> Answer:
        return Answer(question=question, status=status, disclaimer=self.config.disclaimer,  # type: ignore[arg-type]
                      message=message)

    def named_labels(self, text: str) -> list[str]:
        """Studies a question names by first author: "the Younger trial", "smith 2013".

        A surname must be capitalised or come with the year, so "younger patients" names nobody.
        """
        phrase = f" {' '.join(words(normalize(text)))} "
        by_alias = [label for alias, label in self._aliases if alias in phrase]
        if by_alias:
            return list(dict.fromkeys(by_alias))
        lowered = set(words(normalize(text)))
        candidates = [label for w in lowered for label in self._by_surname.get(w, ())]
        if not candidates:
            return []
        original = set(re.findall(r"[A-Z][\w'\u2019-]+", text))
        years_named = any(w.isdigit() and len(w) == 4 for w in lowered)
        found = []
        for label in sorted(candidates):
            study = self.studies[label]
            surname = study.authors[0].split()[0]
            year = str(study.year) if study.year else ""
            if surname in original or (year and year in lowered):
                if not year or year in lowered or not years_named:
                    found.append(label)
        return found

    def _with_topic(self, query: Query, text: str, conversation: Conversation) -> Query:
        parser = self.searcher.parser
        context: list = []
        if _DEICTIC.search(normalize(text)) and conversation.labels:
            context += parser.parse(conversation.labels[0]).concepts
        for condition in conversation.conditions:
            context += parser.parse(condition).concepts
        return query.with_context(context)

    # -- evidence answers -------------------------------------------------------------------

    def _evidence(self, question: str, hits: list[Hit], query: Query, overview_on: str | None,
                  seed: list[Study] | None = None) -> Answer:
        """Lead sentences and citations from the hits; an overview of `overview_on`'s studies, or the `seed`
        studies (an answer plan's) cited first."""
        settings = self.config.retrieval
        good = [h for h in hits if h.score >= settings.min_score and h.coverage >= settings.threshold] or hits[:1]
        record_labels = {h.chunk.source for h in good if h.chunk.kind == "study"}
        answer = Answer(question=question, status="answered", disclaimer=self.config.disclaimer,
                        debug=[(h.chunk.id, h.score) for h in hits])
        cited: dict[str, Citation] = {}
        unmatched: set[str] = set()  # overview citations no passage has matched yet
        if overview_on:
            studies = studies_on(self.studies, overview_on)
            answer.overview, seeded = overview_citations(studies)
            answer.overview_topic, answer.verdict = overview_on, verdict(studies)
            cited = {c.label: c for c in seeded}
            unmatched = set(cited)
        elif seed:
            cited = {s.label: study_citation(s, i, key_finding(s), 0.0) for i, s in enumerate(seed, start=1)}
            unmatched = set(cited)
        added = 0
        for hit in good:
            if added >= settings.top_k or (overview_on and len(answer.lead) >= settings.lead_sentences):
                break
            ranked = self._rank_sentences(hit.chunk, query)
            if not ranked:
                continue
            best = ranked[0]
            label = self._source_label(hit.chunk, best, record_labels)
            if label is None:
                continue
            citation = cited.get(label)
            if citation is None:
                citation = self._citation(len(cited) + 1, label, hit, ranked)
                cited[label] = citation
                added += 1
            elif label in unmatched:  # listed by the overview, and now a matching passage too
                unmatched.discard(label)
                citation.score = round(hit.score, 4)
                if best.text not in citation.passage:
                    citation.passage = f"{citation.passage} {best.text}"
            elif not overview_on:
                continue
            text = best.text
            study = self.studies.get(label)
            if hit.chunk.kind == "article" and study is not None and study.article_note:
                # The article overstates this study: its record's own finding leads, never the article's claim.
                text = key_finding(study)
            if len(answer.lead) < settings.lead_sentences and all(text != s.text for s in answer.lead):
                answer.lead.append(LeadSentence(text, citation.number))
        answer.citations = sorted(cited.values(), key=lambda c: c.number)
        return answer

    def _source_label(self, chunk: Chunk, best: Sentence, record_labels: set[str]) -> str | None:
        """Which source a chunk's best sentence is cited as; None when a better source is already cited."""
        if chunk.kind == "study":
            return chunk.source
        labels = [l for l in best.labels if l in self.studies and self.studies[l].reviewed]
        # The study record is better evidence than the article's account of it.
        if labels and all(l in record_labels for l in labels):
            return None
        return labels[0] if labels else chunk.source

    def _content(self, query: Query, asked: Intent) -> tuple[list[Concept], bool]:
        """A question's own content words (not its topic, not its aspect words) and whether they weigh enough
        to be a specific question rather than filler around a topic."""
        aspect_words = {w for phrases in asked.matched.values() for p in phrases for w in p.split()}
        topic = {" ".join(words(normalize(a))) for g in query.synonyms
                 if g.kind == "condition" or g.name in SUBJECT_TERMS for a in (g.name, *g.aliases)}
        content = [c for c in query.asked if c.plain and not c.context and c.text not in aspect_words
                   and c.text not in topic]
        return content, sum(c.weight for c in content) >= SPECIFIC_WEIGHT

    def _cite(self, answer: Answer, studies: list[Study]) -> None:
        """Cite an answer plan's studies that the passages did not already cite, after them."""
        have = {c.label for c in answer.citations}
        for study in studies:
            if study.label not in have:
                answer.citations.append(study_citation(study, len(answer.citations) + 1, key_finding(study), 0.0))
                have.add(study.label)

    def _matched_content(self, query: Query, asked: Intent, hits: list[Hit]) -> bool:
        """Whether the question's own content words weigh enough and the best passage holds most of them: a
        specific question ("the crossover trial with 31 women"), not filler or a story around a topic."""
        content, weighty = self._content(query, asked)
        if not weighty or not hits:
            return False
        total = sum(c.weight for c in content)
        for hit in hits[:3]:
            terms = frozenset().union(*self._terms(hit.chunk))
            held = sum(c.weight for c in content if any(all(t in terms for t in alt) for alt in c.alternatives))
            if held >= SPECIFIC_SHARE * total:
                return True
        return False

    def _specific_study(self, query: Query, asked: Intent, hits: list[Hit]) -> Study | None:
        """The study a specific question's best passage speaks for (see `_matched_content`), if reviewed."""
        if not self._matched_content(query, asked, hits[:1]):
            return None
        best = hits[0]
        label = best.chunk.source if best.chunk.kind == "study" else None
        if label is None:
            ranked = self._rank_sentences(best.chunk, query)
            cited = [x for x in (ranked[0].labels if ranked else ()) if x in self.studies]
            label = cited[0] if cited else None
        study = self.studies.get(label) if label else None
        return study if study is not None and study.reviewed else None

    def _terms(self, chunk: Chunk) -> list[frozenset[str]]:
        cached = self._sentence_terms.get(chunk.id)
        if cached is None:
            cached = [frozenset(self.searcher.analyzer.tokens(s.text)) for s in chunk.sentences]
            self._sentence_terms[chunk.id] = cached
            if len(self._sentence_terms) > SENTENCE_CACHE:
                self._sentence_terms.popitem(last=False)
        else:
            self._sentence_terms.move_to_end(chunk.id)
        return cached

    def _rank_sentences(self, chunk: Chunk, query: Query) -> list[Sentence]:
        cached = self._terms(chunk)
        scored = []
        for pos, (sent, terms) in enumerate(zip(chunk.sentences, cached)):
            weight = sum(c.weight for c in query.concepts if any(all(t in terms for t in alt) for alt in c.alternatives))
            scored.append((-weight, pos, sent))
        scored.sort(key=lambda x: (x[0], x[1]))
        return [s for _, _, s in scored]

    def _citation(self, number: int, label: str, hit: Hit, ranked: list[Sentence]) -> Citation:
        best = ranked[0]
        extra = [x.text for x in ranked[1:2] if len(best.text) + len(x.text) < MAX_PASSAGE_CHARS]
        passage = " ".join([best.text, *extra])
        study = self.studies.get(label)
        via = hit.chunk.source if hit.chunk.kind == "article" else None
        if study is not None:
            return study_citation(study, number, passage, hit.score, via=via)
        doc = next((d for d in self.corpus.documents if d.label == label), None)
        return Citation(number=number, label=label, title=doc.title if doc else None, design=None, n=None,
                        url=doc.url if doc else None, passage=passage, score=round(hit.score, 4), kind="article")
