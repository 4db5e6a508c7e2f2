"""The answer engine: question (+ conversation) -> Answer. Knows nothing of terminals or Discord."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property

from ldn_bot.config import Config
from ldn_bot.corpus.evidence import LDN_CLASSES, USE_WORDS, asked_use
from ldn_bot.corpus.loader import load_corpus
from ldn_bot.corpus.models import Corpus, Study
from ldn_bot.corpus.queries import CorpusQueries
from ldn_bot.corpus.stats import condition_groups
from ldn_bot.engine import plans
from ldn_bot.engine.answer import Answer, KeyLine, Status
from ldn_bot.engine.budget import fit
from ldn_bot.engine.conversation import Conversation
from ldn_bot.engine.followup import continued, deixis, leaves_topic, points_at_shown, remember
from ldn_bot.engine.leads import OUTCOME_PLANS, Leads, shown_notices
from ldn_bot.engine.outcomes import OutcomeRanker
from ldn_bot.engine.overview import StudiesOn, sources_answer
from ldn_bot.engine.passages import ASKED_WEIGHT, Passages, restates
from ldn_bot.engine.planner import Topic, choose
from ldn_bot.engine.plans import Plan
from ldn_bot.engine.reading import (
    SUBJECT_TERMS,
    QuestionReader,
    clean_question,
    is_readable,
    without_amounts,
)
from ldn_bot.engine.records_query import ASPECTS_FIRST as ASPECTS
from ldn_bot.engine.records_query import RecordSearch
from ldn_bot.engine.request import Request, RequestReader
from ldn_bot.engine.safety import Rule, load_rules
from ldn_bot.engine.screening import MAX_SAFETY_CHARS, Screened, screen
from ldn_bot.engine.smalltalk import emoji_only, load_smalltalk, smalltalk_reply, thanks_first
from ldn_bot.engine.understand import Intent, load_understanding
from ldn_bot.retrieval.chunk import Chunk
from ldn_bot.retrieval.chunker import field_sentences
from ldn_bot.retrieval.query import Query
from ldn_bot.retrieval.search import Hit, Searcher, SearchResult

GENERAL_TOPIC = "defined, mechanism of action"  # what a question with no topic of its own is about
GENERAL_WEIGHT = 1.0  # below this a question's own plain words name no topic


DETAIL_LINES = 2  # a specific study's answer adds at most this many of its sentences on what was asked
MECHANISM_CANDIDATES = 50  # records searched for the mechanisms they name; a few reviews propose them


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
        self.smalltalk = load_smalltalk(self.corpus.root)  # "hi", "thanks", "are you a bot?": a fixed reply
        self.condition_groups = condition_groups(self.corpus)
        self.studies_on = StudiesOn(self.corpus.studies)  # condition -> its reviewed studies, strongest first
        self.passages = Passages(self.corpus, config.retrieval, self.searcher.analyzer, self.studies_on)
        self.records = RecordSearch.for_corpus(self.corpus)  # questions across studies
        # the asked outcome's sentences
        self.outcomes = OutcomeRanker.for_corpus(self.corpus, self.searcher.analyzer, self.searcher.stats.idf)
        self.reader = QuestionReader(self.studies, self.searcher.stats.df, self.understanding, self.passages)
        self.leads = Leads(self.reader, self.outcomes, self.studies_on, self.searcher, self.records)
        self.requests = RequestReader(self.searcher.parser, self.understanding, self.reader, self.records.filters,
                                      self.records.exclusions(lambda t: self.searcher.parser.parse(t).conditions),
                                      self.smalltalk.aside)  # small talk in a longer message asks nothing

    @property
    def studies(self) -> dict[str, Study]:
        return self.corpus.studies

    def sources(self, condition: str | None = None) -> Answer:
        """The studies in the corpus on `condition` (free text, resolved like a question's; None: all), strongest
        design first, as an answer (status "answered", or "no_evidence" naming the covered conditions when the
        condition is unknown). Backs `:sources` in the REPL and `/sources` in Discord."""
        return sources_answer(self.searcher.parser, self.studies, condition, self.config.disclaimer)

    def request(self, question: str) -> Request:
        """What a message asks, as the engine reads it (before the conversation fills anything): its subject,
        aspects, outcome words, filters and aggregate. For tests and debugging; `answer()` reads it the same way."""
        return self.requests.read(clean_question(question)).request

    def screen(self, question: str, conversation: Conversation | None = None) -> Screened:
        """The safety check of `question` ahead of its answer, leaving `conversation` as it is: for a front end that
        must know first whether the answer will be about the member (a crisis). Pass the result to `answer()` with
        the same question and conversation, and the message is not checked again."""
        text = clean_question(question)
        return screen(self.safety, question, conversation, self._idle_seconds,
                      is_readable(text) or emoji_only(text))

    @property
    def _idle_seconds(self) -> float:
        return self.config.conversation.idle_minutes * 60

    def answer(self, question: str, conversation: Conversation | None = None,
               screened: Screened | None = None) -> Answer:
        """Answer one question as typed. Pass the asker's `conversation` to let follow-ups refer back to the
        previous answer ("what dose did they use?"); it is updated in place. `screened`: this question's
        `screen()`, used instead of checking it again while it still fits. Never raises for any text."""
        if conversation is not None:
            conversation.expire_if_idle(self._idle_seconds)
            conversation.turns += 1
        text = clean_question(question)
        if not is_readable(text) and not emoji_only(text):
            return self._reply(question, "no_evidence", self.config.messages.refusal)
        # all of a long message (a crisis may come last), before small talk ("bye everyone, thanks for everything")
        earlier = conversation.hear(question) if conversation is not None else ()
        fired = self._checked(question, conversation, earlier, screened)
        safety, notices = [r.id for r in fired], [r.text for r in fired]
        for rule in fired:
            if rule.action == "reply":  # a crisis gets care, not a study dump
                return self._reply(question, "safety", rule.text, safety)
        intent = self.smalltalk.intent(text)
        if intent and not fired:
            return self._reply(question, "chitchat", smalltalk_reply(intent, self.config.messages))

        # The question decides: its clauses set what is asked; the story only fills what they leave open.
        asking = self.requests.read(text)
        typed, text = text, asking.text
        asked = asking.intent
        if not fired and self.smalltalk.about_platform(asking.asked, self.reader.names_subject(asking.said), asked):
            return self._reply(question, "no_evidence", smalltalk_reply("platform", self.config.messages))
        if asking.request.full_dose:  # naltrexone at 50 mg for alcohol: not what the corpus is about
            return self._reply(question, "no_evidence", plans.NOT_LOW_DOSE, safety, notices)
        rest = self.safety.strip(text, fired) if fired else text
        # "did ldn users end up on fewer opioids?": opioid use is what is asked, not a drug taken
        taken_out = set(text.split()) - set(rest.split())
        if drug_use := bool(fired) and self.leads.changed(asking.asked, taken_out):
            rest = text
        query = self.searcher.parser.parse(rest)
        if fired and (whole := self.searcher.parser.parse(text)).conditions != query.conditions:
            rest, query = text, whole  # the safety rule took part of a condition's name ("opioid dependence")
        named = self.reader.named_labels(text, query.conditions)
        if not fired and not named and thanks_first(typed) and not (
            query.synonyms or asked.aspects or sum(c.weight for c in query.asked if c.plain) >= GENERAL_WEIGHT
        ):
            # "thank u, its a lot to take in": thanks with nothing asked after it
            return self._reply(question, "chitchat", smalltalk_reply("thanks", self.config.messages))
        topic_query = query
        asked_rest = self.safety.strip(asking.asked, fired) if fired else asking.asked  # read once, used twice
        if fired and self.understanding.read(asked_rest).amount_only:
            topic_query = self.searcher.parser.parse(without_amounts(rest))
        dose_rule = any(r.action == "dose" for r in fired)
        # naltrexone with an opioid, detox: another use's studies ("what is ultra low dose?" asks a definition)
        use = None if asked.has("definition") else asked_use(asking.asked, asked.has("efficacy", "evidence"))
        if fired and not (dose_rule or use or drug_use) and not (self.reader.names_topic(rest, topic_query, named)
                                                                 or self.leads.changed(asking.asked)):
            # "I'm on tramadol, is that ok?": the warning is the answer; no study matches a topic never named
            return self._reply(question, "safety", None, safety, notices)
        own = [c for c in query.conditions if self.studies_on(c)]
        if asked.population and asking.request.subject.filled_by == "story" and not named and not asked.has(*ASPECTS):
            own = []  # "my son has crohns. was ldn ever tested in teens?": the population asked, not the story's
        said = self.searcher.parser.parse(asked_rest) if fired else asking.said
        followup = conversation is not None and conversation.has_topic and not query.conditions and not named
        if followup and conversation is not None and leaves_topic(
            said, asked, self.reader, self._terms_of(conversation),
            points=bool(conversation.labels) and points_at_shown(asking.asked), whole=query,
        ):
            followup = False  # "can i drink on it?" after a fibromyalgia answer: answered as it would be alone
        if followup:
            assert conversation is not None
            query, asked = continued(query, asked, text, conversation, self.searcher.parser)
        elif not named and (
            (asked.has("definition") and not query.conditions)
            or (
                not any(g.name not in SUBJECT_TERMS for g in query.synonyms)
                and sum(c.weight for c in query.asked if c.plain) < GENERAL_WEIGHT
                and (self.reader.names_subject(query) or asked.aspects)  # "hi!! new here" asks nothing of LDN
            )
        ):
            # No topic of its own ("What is LDN?", or only a drug name the safety rule took), or what a term
            # means ("what counts as very low dose?"): the corpus's general material on what LDN is and how it
            # works, not whatever repeats "low dose" most.
            query = query.with_context(self.searcher.parser.parse(GENERAL_TOPIC).concepts)
        if any(r.action == "dose" for r in fired):
            query = query.with_context(self.searcher.parser.parse("dose").concepts)
        if use:  # "does naltrexone with oxycodone work?": passages on that use, whatever the safety rule took
            query = query.with_context(self.searcher.parser.parse(USE_WORDS[use]).concepts)
        result = self.searcher.search(text, limit=max(10, self.config.retrieval.top_k * 2), query=query)

        topic = self._topic(text, query, asked, result, named, own, conversation if followup else None)
        topic.use, topic.groups = use, self.condition_groups
        plan = choose(asked, topic, lambda c: self.studies_on(c))
        # a question across studies: a record query answers it ("any neuro trials? (not ms)": MS is not listed)
        across = self.records.read(asking.asked, asked, exclude=asking.excluded)
        across_plan = None if named or (topic.deictic == "one" and topic.last) else self.records.plan(
            across, asked, [topic.condition] if topic.condition else [], about_one=len(topic.last) == 1 and not own)
        plan = across_plan or plan
        led = False  # the short answer leads with the asked outcome: no more sentences on it are added
        if across_plan is None and not use:  # the asked outcome or harm leads (engine/leads.py)
            unled, plan = plan, self.leads.lead(plan, asking.asked, query, asked, topic.condition,
                                                asking.request.story, bool(named or query.conditions or followup))
            led = plan is not unled and (unled is None or unled.kind in OUTCOME_PLANS)
        # Whether to answer is judged on the question's own words (`said`): a drug named in the story is no subject.
        trusted = bool(use and plan) or self._trusted(asking.asked, query, said, asked, result, plan, named, own,
                                                      followup) or (
            across_plan is not None and not set(self.reader.foreign_words(said)) - across.matched_words
        )  # a question across studies is answered from the records' fields
        if plan is not None and plan.kind == "mechanism" and trusted and not self._on_mechanism(result, query):
            # "how does it even work?" with filler around it, or "isn't naltrexone for addiction?" matching a
            # passage on addiction: the corpus's mechanism passages
            query = query.with_context(self.searcher.parser.parse(GENERAL_TOPIC).concepts)
            result = self.searcher.search(text, limit=max(10, self.config.retrieval.top_k * 2), query=query)
            result.relevant = bool(result.hits)
        if plan is not None and plan.kind == "mechanism" and self._mechanism_plan is not None:
            plan = self._mechanism_plan
        if plan is not None and not (plan.points or plan.headline):
            plan = None

        if plan is not None and plan.kind == "access" and trusted:  # nothing in the corpus says how to get it
            return self._reply(question, "no_evidence", plan.headline, safety, notices)
        if not trusted or (not result.relevant and plan is None):
            return self._unanswered(question, fired, result, query)

        hits = result.hits if result.relevant else []
        if use and plan is not None:  # a use other than LDN answers from its own studies only
            hits = [h for h in hits if getattr(self.studies.get(h.chunk.source), "dose_class", None) == use]
        overview_on = None
        seed: list[Study] = []
        if (
            plan is not None
            and plan.kind == "efficacy"
            and not (asked.species or asked.population or use or led)  # led: the study reporting it is cited first
            and (not self.reader.matched_content(query, asked, hits))
        ):
            overview_on = topic.condition  # the condition as a whole: every study on it, strongest first
        elif plan is None and query.conditions and not named and not any(c.plain for c in query.asked):
            overview_on = query.conditions[0]
        elif plan is not None:
            seed = plan.studies  # the studies the short answer speaks for come first
        answer = self.passages.evidence(question, hits, query, self.config.disclaimer, overview_on, seed=seed)
        by_number = {c.number: c for c in answer.citations}
        if asked.species != "animal":  # a mouse or cell study never leads an answer about people, nor another use
            answer.lead.sort(key=lambda s: (by_number[s.citation].species not in ("human", ""),
                                            not use and by_number[s.citation].dose_class not in LDN_CLASSES))
        if plan is not None:
            self.passages.cite(answer, [*plan.studies, *(self.studies[x] for p in plan.points for x in p.names)])
            specific = not led and (bool(named) or self.reader.matched_content(query, asked, hits))
            self._summarize(answer, plan, query, specific=specific)
        answer.notices, answer.safety = shown_notices(fired, plan), safety
        fit(answer, introductions=[r.text for r in fired if r.action == "dose"])  # within budget, no line twice
        answer.corrections = query.corrections
        answer.topic = topic.condition
        if conversation is not None:
            remember(conversation, answer, plan, asked, query, named, own, self.studies)
        return answer

    def _topic(self, text: str, query: Query, asked: Intent, result: SearchResult, named: list[str],
               own: list[str], previous: Conversation | None) -> Topic:
        """What the question is about: its own condition, or the conversation's (`previous`, for a follow-up);
        the studies it names, best match first; those last shown; the one its own words point at."""
        return Topic(
            condition=next(iter(own or (previous.conditions if previous else [])), None),
            own_condition=bool(own),
            named=self._best_matching(named, result.hits),
            last=[self.studies[x] for x in previous.labels if x in self.studies] if previous else [],
            deictic=deixis(text),
            specific=self._on_own(self.reader.specific_study(query, asked, result.hits), own)
            if result.relevant else None,
            spellings=tuple(a.lower() for g in query.synonyms if g.kind == "term" and g.name not in SUBJECT_TERMS
                            for a in (g.name, *g.aliases)),
            others=own[1:],
            pointed=self.reader.descriptions.points_at_one(text),
        )

    def _trusted(self, text: str, query: Query, said: Query, asked: Intent, result: SearchResult,
                 plan: Plan | None, named: list[str], own: list[str], followup: bool) -> bool:
        """Whether to answer at all. A plan answers a question about LDN even when filler words dilute the
        passage match; a question about something else (another drug, say) still needs passages that match it,
        and "does ldn help lupus? ... joint pain" is not answered with the corpus's joint-pain studies, nor the
        weather with a corpus word in it by chance ("wk"). `text`, `said`: the question clauses, typed and parsed."""
        if not named and (self.reader.unstudied_subject(text, said, asked) is not None
                          or (not followup and self.reader.off_topic(said, asked, query))):
            return False
        return (
            result.relevant
            or bool(named)
            or (followup and plan is not None)
            or (
                plan is not None
                and (
                    self.reader.names_subject(query)
                    or (
                        not self.reader.foreign_words(said, asked if plan.kind == "population" else None)
                        and (bool(own) or asked.strength >= 2 or not self.reader.unknown_words(said, asked))
                    )
                )
            )
        )

    def _unanswered(self, question: str, fired: list, result: SearchResult, query: Query) -> Answer:
        """No evidence to show: the safety warnings alone if any fired (the dosing notice introduces doses, and
        there are none), else the no-evidence message. Cites nothing."""
        notices = [r.text for r in fired if r.action != "dose"]
        m = self.config.messages
        message = None if notices else f"{m.no_evidence} {m.no_evidence_hint}"
        answer = self._reply(question, "safety" if notices else "no_evidence", message, [r.id for r in fired], notices)
        answer.debug = [(h.chunk.id, h.score) for h in result.hits]
        answer.corrections = query.corrections
        return answer

    @staticmethod
    def _on_own(study: Study | None, own: list[str]) -> Study | None:
        """`study`, unless the question names conditions and it is on none of them ("fibro since 2016": not the
        2016 MS chart review)."""
        if study is None or not own or any(c.lower() in own for c in study.conditions):
            return study
        return None

    def _best_matching(self, labels: list[str], hits: list[Hit]) -> list[Study]:
        """The named studies, the one whose passage matches the question best first ("berkson kidney cancer"
        names four Berkson reports; the kidney one leads)."""
        rank = {h.chunk.source: i for i, h in reversed(list(enumerate(hits))) if h.chunk.kind == "study"}
        return [self.studies[x] for x in sorted(labels, key=lambda x: rank.get(x, len(hits)))]

    @cached_property
    def _study_chunks(self) -> dict[str, Chunk]:
        return {c.source: c for c in self.searcher.chunks if c.kind == "study"}

    def _summarize(self, answer: Answer, plan: Plan, query: Query, specific: bool = False) -> None:
        """The plan's headline and key lines, each study line pointing at its citation; a question about one study
        ("did it heal the gut lining on scopes?") adds that study's sentences on what was asked."""
        numbers = {c.label: c.number for c in answer.citations}
        answer.plan, answer.headline, answer.tally = plan.kind, plan.headline, plan.tally
        answer.key_lines = [plans.key_line(p, numbers, self.studies.get(p.label or "")) for p in plan.points]
        if plan.kind == "efficacy" and specific and answer.lead:
            # no record sentence on what was asked led it (see outcomes.lead): the best passages on it follow
            # the first (null) line
            by_number = {c.number: c for c in answer.citations}
            shown = {line.citation for line in answer.key_lines[:1]}
            on_topic = {s.label for s in self.studies_on(plan.topic) if s.evidence_level != "narrative review"}
            lead = [s for s in answer.lead if s.citation not in shown and by_number[s.citation].label in on_topic]
            answer.key_lines = answer.key_lines[:1] + [
                KeyLine(s.text, s.citation, f"{by_number[s.citation].label} ({by_number[s.citation].design_line})")
                for s in lead[:2]
            ]
        if plan.kind == "study" and specific and (chunk := self._study_chunks.get(plan.studies[0].label)):
            # "did it heal the gut lining on scopes?": after the study's result, its sentences on what was asked
            cited = numbers.get(plan.studies[0].label)
            said = " ".join(line.text for line in answer.key_lines)
            # The words that name the study ("cree", "2010") are in most of its sentences; what is asked is not.
            name = frozenset(self.searcher.analyzer.tokens(plan.studies[0].label))
            asked_about = [c for c in query.concepts if not any(set(alt) <= name for alt in c.alternatives)]
            # A record field as a sentence ("Comparator in X: none.") adds nothing when it says "none" or the plan
            # already shows its value ("Dose in X: ..." under a dose question).
            fields = {f for f in field_sentences(plan.studies[0])
                      if re.search(r": none\b", f) or f.split(": ", 1)[1].rstrip(".") in said}
            for weight, sentence in self.passages.weighed_sentences(chunk, replace(query, concepts=asked_about)):
                if len(answer.key_lines) >= len(plan.points) + DETAIL_LINES or weight < ASKED_WEIGHT:
                    break
                if sentence.text not in fields and not restates(sentence.text, said):
                    answer.key_lines.append(KeyLine(sentence.text, cited))
                    said = f"{said} {sentence.text}"
        if plan.kind == "mechanism" and not plan.points:  # no record names a mechanism: the best passages
            answer.key_lines = [KeyLine(s.text, s.citation) for s in answer.lead[:3]]

    @cached_property
    def _mechanism_plan(self) -> Plan | None:
        """The answer to "how does it work?", the same for every such question: the records naming the most of
        the `mechanisms` synonyms.yaml declares, each with its sentence naming most. Candidates come from the
        index (a search for those mechanisms), so the cost does not grow with the corpus."""
        groups = [g for g in self.corpus.synonyms if g.kind == "mechanism"]
        if not groups:
            return None
        tokens = self.searcher.analyzer.tokens
        spellings = [[frozenset(tokens(a)) for a in (g.name, *g.aliases)] for g in groups]
        query = self.searcher.parser.parse(" ".join(g.name for g in groups))
        mentions = []
        for hit in self.searcher.search("", limit=MECHANISM_CANDIDATES, query=query).hits:
            study = self.studies.get(hit.chunk.source) if hit.chunk.kind == "study" else None
            if study is None or not study.reviewed:
                continue
            named = [(sum(any(a and a <= terms for a in alts) for alts in spellings), sentence.text)
                     for sentence, terms in zip(hit.chunk.sentences, self.passages.terms(hit.chunk))]
            count, sentence = max(named, key=lambda x: x[0], default=(0, ""))
            if count:
                mentions.append((study, sentence, count))
        return plans.mechanism(mentions) if mentions else None

    def _on_mechanism(self, result: SearchResult, query: Query) -> bool:
        """Whether a relevant result's best passages speak of a mechanism (in intents.yaml's words)."""
        if not result.relevant:
            return False
        for hit in result.hits[:3]:
            ranked = self.passages.rank_sentences(hit.chunk, query)
            if ranked and self.understanding.read(ranked[0].text).has("mechanism"):
                return True
        return False

    def _checked(self, question: str, conversation: Conversation | None, earlier: tuple[str, ...],
                 screened: Screened | None) -> list[Rule]:
        """The rules the message fires: the screened ones if they still fit (the conversation's memory then takes
        what the screening added), else checked now."""
        memory = conversation.safety_memory if conversation is not None else None
        if screened is not None and screened.fits(self.safety, question, memory, earlier):
            if memory is not None and screened.memory_after is not None:
                memory.clear()  # as the check left it: it may have added (an opioid named) or forgotten
                memory.update(screened.memory_after)
            return list(screened.fired)
        return self.safety.check(question[:MAX_SAFETY_CHARS], memory, earlier)

    def _reply(self, question: str, status: Status, message: str | None, safety: list[str] | None = None,
               notices: list[str] | None = None) -> Answer:
        """An answer of `message` alone (None: the `notices` alone), with the ids of the safety rules that fired."""
        return Answer(question=question, status=status, disclaimer=self.config.disclaimer, message=message,
                      safety=safety if safety is not None else [], notices=notices if notices is not None else [])

    def _terms_of(self, conversation: Conversation) -> list[frozenset[str]]:
        """The index terms of the records a conversation is about: its condition's studies and those last shown."""
        labels = [s.label for c in conversation.conditions for s in self.studies_on(c)] + conversation.labels
        return [self.passages.chunk_terms(chunk) for x in dict.fromkeys(labels) if (chunk := self._study_chunks.get(x))]
