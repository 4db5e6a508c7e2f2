"""The answer engine: question (+ conversation) -> Answer. Knows nothing of terminals or Discord."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ldn_bot.config import Config
from ldn_bot.conversation import Conversation
from ldn_bot.corpus import load_corpus
from ldn_bot.models import Answer, Chunk, Citation, Corpus, LeadSentence, Study
from ldn_bot.retrieval.analyzer import normalize, words
from ldn_bot.retrieval.query import Query
from ldn_bot.retrieval.search import Hit, Searcher

# "that study", "the same trial", "it": a follow-up about the study last cited, not the whole topic.
_DEICTIC = re.compile(r"\b(?:(?:that|this|the same|those|these|the)\s+(?:study|trial|paper|one|review|report|case|pilot)s?|it|they)\b")

MAX_QUESTION_CHARS = 1000  # longer input is read only this far: answering stays fast whatever is pasted
MAX_PASSAGE_CHARS = 420


def clean_question(text: str) -> str:
    """Drop control and unprintable characters, fold whitespace, cap the length."""
    kept = "".join(ch if unicodedata.category(ch)[0] not in "C" else " " for ch in text)
    return " ".join(kept.split())[:MAX_QUESTION_CHARS]


def is_readable(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters >= 2 and letters >= 0.3 * len(text.replace(" ", ""))


@dataclass
class _Source:
    label: str
    hit: Hit
    sentences: list[str]
    via: str | None


class Engine:
    def __init__(self, config: Config, corpus: Corpus | None = None) -> None:
        self.config = config
        self.corpus = corpus if corpus is not None else load_corpus(config.corpus_path)
        self.searcher = Searcher(self.corpus, config.retrieval)

    @property
    def studies(self) -> dict[str, Study]:
        return self.corpus.studies

    def answer(self, question: str, conversation: Conversation | None = None) -> Answer:
        if conversation is not None:
            conversation.expire_if_idle(self.config.conversation.idle_minutes * 60)
            conversation.turns += 1
        text = clean_question(question)
        if not is_readable(text):
            return self._no_evidence(question, self.config.messages.refusal)
        query = self.searcher.parser.parse(text)
        named = self.named_labels(text)
        if conversation is not None and conversation.has_topic and not query.conditions and not named:
            query = self._with_topic(query, text, conversation)
        result = self.searcher.search(text, limit=max(10, self.config.retrieval.top_k * 2), query=query)
        if not result.relevant:
            answer = self._no_evidence(question, None)
            answer.debug = [(h.chunk.id, h.score) for h in result.hits]
            answer.corrections = query.corrections
            return answer
        answer = self._evidence(question, result.hits, query)
        answer.corrections = query.corrections
        if conversation is not None:
            if query.conditions:
                conversation.conditions = query.conditions
            elif named:
                conversation.conditions = list(self.studies[named[0]].conditions[:1])
            conversation.labels = [c.label for c in answer.citations if c.kind == "study"]
        return answer

    def named_labels(self, text: str) -> list[str]:
        """Studies a question names by first author: "the Younger trial", "smith 2013".

        A surname must be capitalised or come with the year, so "younger patients" names nobody.
        """
        original = set(re.findall(r"[A-Z][\w'’-]+", text))
        lowered = set(words(normalize(text)))
        found = []
        for label, study in self.studies.items():
            if not study.authors:
                continue
            surname = study.authors[0].split()[0]
            if not label.startswith(surname):
                continue
            year = str(study.year) if study.year else ""
            if surname in original or (year and year in lowered and normalize(surname) in lowered):
                if not year or year in lowered or not any(w.isdigit() and len(w) == 4 for w in lowered):
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

    def _no_evidence(self, question: str, message: str | None) -> Answer:
        m = self.config.messages
        return Answer(question=question, status="no_evidence", disclaimer=self.config.disclaimer,
                      message=message or f"{m.no_evidence} {m.no_evidence_hint}")

    # -- evidence answers -------------------------------------------------------------------

    def _evidence(self, question: str, hits: list[Hit], query: Query) -> Answer:
        settings = self.config.retrieval
        good = [h for h in hits if h.score >= settings.min_score and h.coverage >= settings.threshold] or hits[:1]
        record_labels = {h.chunk.source for h in good if h.chunk.kind == "study"}
        sources: dict[str, _Source] = {}
        lead: list[tuple[str, str]] = []
        for hit in good:
            if len(sources) >= settings.top_k:
                break
            ranked = self._rank_sentences(hit.chunk, query)
            if not ranked:
                continue
            best = ranked[0]
            labels = best.labels
            if hit.chunk.kind == "article":
                # The study record is better evidence than the article's account of it.
                if labels and all(l in record_labels for l in labels):
                    continue
                labels = tuple(l for l in labels if l in self.studies) or (hit.chunk.source,)
            key = labels[0]
            if key in sources:
                continue
            extra = [s.text for s in ranked[1:2] if len(best.text) + len(s.text) < MAX_PASSAGE_CHARS]
            via = hit.chunk.source if hit.chunk.kind == "article" else None
            sources[key] = _Source(key, hit, [best.text, *extra], via)
            if len(lead) < settings.lead_sentences:
                lead.append((best.text, key))
        numbers = {label: i + 1 for i, label in enumerate(sources)}
        citations = [self._citation(numbers[s.label], s) for s in sources.values()]
        return Answer(
            question=question,
            status="answered",
            disclaimer=self.config.disclaimer,
            lead=[LeadSentence(text, numbers[label]) for text, label in lead],
            citations=citations,
            debug=[(h.chunk.id, h.score) for h in hits],
        )

    def _rank_sentences(self, chunk: Chunk, query: Query) -> list:
        scored = []
        for pos, sent in enumerate(chunk.sentences):
            terms = set(self.searcher.analyzer.tokens(sent.text))
            weight = sum(c.weight for c in query.concepts if any(all(t in terms for t in alt) for alt in c.alternatives))
            scored.append((-weight, pos, sent))
        scored.sort(key=lambda x: (x[0], x[1]))
        return [s for _, _, s in scored]

    def _citation(self, number: int, source: _Source) -> Citation:
        passage = " ".join(source.sentences)
        study = self.studies.get(source.label)
        if study is None:
            doc = next((d for d in self.corpus.documents if d.label == source.label), None)
            return Citation(number=number, label=source.label, title=doc.title if doc else None, design=None, n=None,
                            url=doc.url if doc else None, passage=passage, score=round(source.hit.score, 4),
                            kind="article")
        return Citation(
            number=number, label=study.label, title=study.title, design=study.design, n=study.n, url=study.url,
            passage=passage, score=round(source.hit.score, 4), kind="study", evidence_level=study.evidence_level,
            year=study.year, verified=study.verified, species=study.species,
            note=study.article_note if source.via else None, via=source.via,
        )
