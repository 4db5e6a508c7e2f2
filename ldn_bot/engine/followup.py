"""Follow-ups follow the member: whether a message that names no condition or study of its own still speaks of the
conversation's topic ("how long did they run it?", "did anything look at sleep?") or of something else ("can i
drink on it?", "does metformin help weight loss?"), which is answered exactly as it would be alone; what a
follow-up points back at ("it", "that study", "they"), and what an answer leaves for the next one to refer to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from ldn_bot.corpus.models import Study
from ldn_bot.engine.answer import Answer
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.plans import Plan
from ldn_bot.engine.reading import EVERYDAY_ZIPF, QuestionReader
from ldn_bot.engine.understand import Intent
from ldn_bot.retrieval.analyzer import normalize
from ldn_bot.retrieval.query import Query, QueryParser, english_zipf

# "that study", "the same trial", "it": a follow-up about the study last cited, not the whole topic.
_DEICTIC = re.compile(
    r"\b(?:(?:that|this|the same|those|these|the)\s+(?:[a-z-]+\s+)?"
    r"(?:study|trial|paper|one|review|report|case|pilot)s?|it|they|them|their)\b"
)
# The singular forms: a follow-up about the one study shown first ("how many were in it?").
_DEICTIC_ONE = re.compile(
    r"\b(?:(?:that|this|the same)\s+(?:[a-z-]+\s+){0,2}"
    r"(?:study|trial|paper|one|review|report|case|pilot)|it)\b"
    r"|\b(?:was|is|were)\s+(?:that|this)\s*[?.!]*$"  # "what design was that?", "how big was this"
)
# "on it", "taking it": the drug, not the study just shown ("can i drink on it?")
_ON_IT = re.compile(r"\b(?:on|taking|take|took|takes|start|started|starting|stop|stopped|stopping) it\b")
# "and what about ...?": a follow-up with no topic of its own keeps the previous question's aspect.
_CARRY_ASPECT = re.compile(r"^(?:and|what about|how about|same for|and what about|ok and)\b")


def deixis(text: str) -> str | None:
    """What a question's words point back at: "one" study ("it", "that study"), "many" ("they", "those trials"),
    or None."""
    lowered = normalize(text)
    return "one" if _DEICTIC_ONE.search(lowered) else "many" if _DEICTIC.search(lowered) else None


def points_at_shown(text: str) -> bool:
    """Whether a question points at the studies just shown ("how many were in them?"), not at the drug ("can i
    drink on it?")."""
    return bool(_DEICTIC.search(_ON_IT.sub(" ", normalize(text))))


def continued(query: Query, asked: Intent, text: str, conversation: Conversation,
              parser: QueryParser) -> tuple[Query, Intent]:
    """A follow-up's query with the conversation's topic as context (the study last shown when `text` points at
    it, and its condition), and its intent with the previous aspects when it asks none of its own ("and what
    about ...?")."""
    context: list = []
    if _DEICTIC.search(normalize(text)) and conversation.labels:
        context += parser.parse(conversation.labels[0]).concepts
    for condition in conversation.conditions:
        context += parser.parse(condition).concepts
    if not asked.aspects and conversation.aspects and _CARRY_ASPECT.search(normalize(text)):
        asked = replace(asked, aspects=tuple(conversation.aspects))
    return query.with_context(context), asked


def remember(conversation: Conversation, answer: Answer, plan: Plan | None, asked: Intent, query: Query,
             named: list[str], own: list[str], studies: Mapping[str, Study]) -> None:
    """What a follow-up refers back to: the condition asked (`own`: the question's conditions with studies; else
    the query's, else the first `named` study's), the studies shown (a single-study answer makes "it" and "they"
    mean that study), and the aspects asked."""
    if own:
        conversation.conditions = own[:1]
    elif query.conditions:
        conversation.conditions = query.conditions[:1]
    elif named:
        conversation.conditions = list(studies[named[0]].conditions[:1])
    single = plan is not None and plan.kind == "study"
    shown = [s.label for s in plan.studies] if plan is not None else []
    cited = [c.label for c in answer.citations if c.kind == "study"]
    conversation.labels = shown if single else list(dict.fromkeys([*shown, *cited]))
    if asked.aspects:
        conversation.aspects = list(asked.aspects)


def leaves_topic(said: Query, asked: Intent, reader: QuestionReader, topic_terms: Iterable[frozenset[str]],
                 points: bool = False, whole: Query | None = None) -> bool:
    """Whether a follow-up's question (`said`: its own words parsed, `asked`: its intent) is about something else
    than the topic whose records' index terms are `topic_terms`: it names another drug or disease the corpus never
    uses, or it asks no aspect or filter the plans answer and none of its own uncommon words occurs in the topic's
    records, or it is off the corpus's subject altogether (`QuestionReader.off_topic`; `whole`: the whole message
    parsed). A follow-up with no words of its own ("and?"), or that `points` at the studies shown ("how many vets
    were in it?") with words the corpus knows, stays on the topic."""
    if reader.foreign_words(said):
        return True
    if points:  # unless all its own words are strangers to the corpus ("is it gonna rain in dublin next week?")
        return reader.off_topic(said, asked, whole, strict=True)
    if reader.off_topic(said, asked, whole):  # "ok random but whats the weather like this wk": answered as alone
        return True
    if asked.aspects or asked.population or asked.species or asked.superlative or asked.design:
        return False
    content, _ = reader.content(said, asked)
    own = [c for c in content if not c.text[:1].isdigit() and english_zipf(c.text) < EVERYDAY_ZIPF]
    if not own:
        return False
    terms = frozenset().union(*topic_terms)
    return not any(all(t in terms for t in alt) for c in own for alt in c.alternatives)
