"""The embed renderer: every Discord limit holds for any answer, long or odd; the disclaimer stays whole."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_bot.engine.answer import Answer, Citation, KeyLine, LeadSentence, OverviewLine
from ldn_bot.render import discord_embeds as rd

DISCLAIMER = "ldn-bot quotes published research and is not medical advice."

# Odd text: markdown, mentions, newlines, backslashes, astral characters, zero-width and control characters.
odd_alphabet = st.sampled_from([*"ab c.!?*_~|`>#[]()<@\\\n\t-", "@everyone", "@here", "<@123456789012345678>",
                                "<@&123456789012345678>", "\U0001F600", "\u200b", "\u0000", "é", "\u202e", ". ",
                                "https://x.y/(a)"])
odd_text = st.lists(odd_alphabet, max_size=60).map("".join)
long_text = st.one_of(odd_text, st.integers(0, 12000).map(lambda n: ("word. " * n)[:n]),
                      st.text(max_size=3000), st.integers(0, 7000).map(lambda n: "\U0001F600" * n))


@st.composite
def answers(draw):
    n = draw(st.integers(0, 40))
    citations = [
        Citation(number=i + 1, label=draw(st.one_of(odd_text, st.just("Younger 2013"))),
                 title=draw(st.none() | long_text), design=draw(st.none() | st.just("randomized controlled trial")),
                 n=draw(st.none() | st.integers(0, 10**6)),
                 url=draw(st.none() | st.just("https://doi.org/10.1/x(1)") | odd_text), passage=draw(long_text),
                 score=1.0, kind=draw(st.sampled_from(["study", "article"])), via=draw(st.none() | odd_text),
                 note=draw(st.none() | long_text))
        for i in range(n)
    ]
    lead = [LeadSentence(draw(long_text), draw(st.integers(1, max(n, 1)))) for _ in range(draw(st.integers(0, 5)))]
    overview = [OverviewLine(draw(odd_text), "case report, n=1", draw(long_text), i + 1)
                for i in range(draw(st.integers(0, 3)))]
    return Answer(question=draw(long_text),
                  status=draw(st.sampled_from(["answered", "no_evidence", "safety", "chitchat"])),
                  disclaimer=draw(st.one_of(st.just(DISCLAIMER), odd_text)), lead=lead, citations=citations,
                  notices=draw(st.lists(long_text, max_size=2)), message=draw(st.none() | long_text),
                  overview=overview, overview_topic=draw(st.none() | odd_text), verdict=draw(st.none() | odd_text),
                  corrections=draw(st.dictionaries(odd_text, odd_text, max_size=2)),
                  headline=draw(st.none() | long_text),
                  key_lines=[KeyLine(draw(long_text), draw(st.none() | st.integers(1, max(n, 1))),
                                     draw(st.none() | odd_text), draw(st.booleans()))
                             for _ in range(draw(st.integers(0, 4)))])


def no_live_mentions(text: str) -> bool:
    return not re.search(r"@(everyone|here)|<@[!&]?\d", text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers())
def test_answer_embed_always_within_discord_limits(answer):
    embed = rd.answer_embed(answer)
    data = embed.to_dict()
    assert rd.embed_problems(data) == []
    assert len(embed) <= rd.TOTAL_LIMIT
    # The disclaimer is the footer, whole (it is far below the footer limit).
    if answer.disclaimer.strip():
        assert data["footer"]["text"] == answer.disclaimer.strip()
    # Nothing the member typed, nor any corpus text, becomes a mention.
    everything = " ".join([data.get("title") or "", data.get("description") or ""]
                          + [f["name"] + f["value"] for f in data.get("fields", [])])
    assert no_live_mentions(everything)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers())
def test_sources_embed_within_limits(answer):
    assert rd.embed_problems(rd.sources_embed(answer)) == []


@given(long_text, st.integers(0, 5000))
def test_cut_fits_and_marks_the_cut(text, limit):
    out = rd.cut(text, limit)
    assert rd.ulen(out) <= limit
    if rd.ulen(text) <= limit:
        assert out == text
    elif limit > 0:
        assert out.endswith(rd.ELLIPSIS)
        assert text.startswith(out[:-1].rstrip("\\"))


def test_cut_prefers_sentence_then_word_ends():
    text = "First sentence here. Second sentence is rather longer than the first one."
    assert rd.cut(text, 40) == "First sentence here.\u2026"
    assert rd.cut("alpha beta gamma delta epsilon", 20) == "alpha beta gamma\u2026"


def test_escape_neutralises_markdown_and_mentions():
    shown = rd.escape("**bold** @everyone <@123456789012345678> # heading")
    assert "**" not in shown.replace("\\*", "")
    assert no_live_mentions(shown)
    assert rd.escape("- item").startswith("\\-")


def test_real_answers_fit(engine):
    for q in ("Does LDN help fibromyalgia?", "What doses were used in the Crohn's trials?", "side effects of LDN",
              "Can I take LDN with oxycodone?", "hello"):
        answer = engine.answer(q)
        data = rd.answer_embed(answer).to_dict()
        assert rd.embed_problems(data) == []
        assert data["footer"]["text"] == answer.disclaimer


def test_real_sources_and_study_embeds_fit(engine):

    for condition in (None, "fibromyalgia", "no such condition"):
        assert rd.embed_problems(rd.sources_embed(engine.sources(condition))) == []
    for study in engine.studies.values():
        embed = rd.study_embed(study, engine.config.disclaimer)
        assert rd.embed_problems(embed) == []
        assert embed.footer.text == engine.config.disclaimer


@pytest.mark.parametrize("question", ["does ldn help fibro", "does ldn help ms and what dose did they use?",
                                      "vivid dreams on ldn normal?", "ldn for cancer?"])
def test_the_short_answer_fits_one_embed_without_cutting_a_result(engine, question):
    answer = engine.answer(question)
    embed = rd.answer_embed(answer, question).to_dict()
    assert rd.embed_problems(embed) == []
    description = embed["description"].replace("\\", "")
    for line in answer.key_lines:
        assert line.text in description  # every study's result whole
    assert answer.headline is None or answer.headline in description


MARKDOWN = "Pain *and* __sleep__ ~~x~~ ||spoiler|| `code` [link](https://example.org) <t:1:R> # not a heading"


def unescaped_markdown(text: str) -> list[str]:
    """Markdown characters in `text` that no backslash escapes (an escaped pair `\\X` is dropped first)."""
    bare = re.sub(r"\\.", "", text)
    return [c for c in "*_~|`[]<" if c in bare]


def test_corpus_text_in_embeds_is_escaped_like_discord_utils_escape_markdown(engine):
    import dataclasses

    import discord

    study = engine.queries.find_study("Younger 2013")
    odd = dataclasses.replace(study, title=MARKDOWN, summary=MARKDOWN, key_findings=[MARKDOWN])
    embed = rd.study_embed(odd, "Not medical advice.").to_dict()
    assert unescaped_markdown(embed["title"]) == [] and unescaped_markdown(embed["description"]) == []
    findings = next(f["value"] for f in embed["fields"] if f["name"] == "Key findings")
    assert unescaped_markdown(findings) == []
    # At least what discord.py's own escaping does: every character it escapes is escaped here too.
    ours, theirs = rd.escape(MARKDOWN), discord.utils.escape_markdown(MARKDOWN, ignore_links=False)
    assert all(f"\\{c}" in ours for c in set(re.findall(r"\\(.)", theirs)))
    citation = Citation(number=1, label="Smith_2020 *", title=MARKDOWN, design="case report", n=1, url=None,
                        passage=MARKDOWN, score=1.0)
    name, value = rd.citation_field(citation)
    assert unescaped_markdown(name) == [] and unescaped_markdown(value.replace("> \u201c", "")) == []
