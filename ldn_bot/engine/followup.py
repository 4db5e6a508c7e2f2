"""Follow-ups follow the member: whether a message that names no condition or study of its own still speaks of the
conversation's topic ("how long did they run it?", "did anything look at sleep?") or of something else ("can i
drink on it?", "does metformin help weight loss?"), which is answered exactly as it would be alone."""

from __future__ import annotations

from collections.abc import Iterable

from ldn_bot.engine.reading import EVERYDAY_ZIPF, QuestionReader
from ldn_bot.engine.understand import Intent
from ldn_bot.retrieval.query import Query, english_zipf


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
