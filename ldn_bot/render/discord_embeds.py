"""Answer -> Discord embed, within every Discord limit.

Long content is cut at a sentence or word end with "…", never rejected by Discord. The disclaimer is the
embed footer and is never cut (unless it alone exceeds the footer limit). Text shown back from a member is
escaped (markdown and mentions); corpus text is escaped too, so a stray `*` or `_` never garbles an answer.
Every message the bot sends uses ``NO_PINGS``.

Lengths are measured in UTF-16 code units, which is never less than the number of code points, so an
embed that fits here fits Discord however it counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import discord

from ldn_bot.corpus.models import Study
from ldn_bot.engine.answer import Answer, Citation, KeyLine
from ldn_bot.render.discord_text import (
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    MESSAGE_LIMIT,
    THREAD_NAME_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    cut,
    escape,
    link,
    one_line,
    plain_name,
    safe_url,
    ulen,
    user_text,
)
from ldn_bot.render.text import lead_text

NO_PINGS = discord.AllowedMentions.none()

COLOURS = {
    "answered": discord.Colour(0x2E8B57),
    "no_evidence": discord.Colour(0x808B96),
    "safety": discord.Colour(0xC0392B),
    "chitchat": discord.Colour(0x5865F2),
}


# -- a generic embed that always fits ---------------------------------------------------------------------


@dataclass
class EmbedSpec:
    title: str = ""
    description: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    footer: str = ""
    url: str | None = None
    colour: discord.Colour | None = None
    overflow_note: str = "{n} more not shown"

    def build(self) -> discord.Embed:
        return build_embed(self)


def fit(spec: EmbedSpec) -> EmbedSpec:
    """A copy of spec within every embed limit. Footer (the disclaimer) is kept whole whenever possible."""
    title = cut(one_line(spec.title), TITLE_LIMIT)
    footer = cut(spec.footer.strip(), FOOTER_LIMIT)
    description = cut(spec.description.strip(), DESCRIPTION_LIMIT)
    fields = [(cut(one_line(n), FIELD_NAME_LIMIT) or "\u200b", cut(v.strip(), FIELD_VALUE_LIMIT) or "\u200b")
              for n, v in spec.fields]
    dropped = 0
    if len(fields) > FIELD_COUNT_LIMIT:
        dropped = len(fields) - (FIELD_COUNT_LIMIT - 1)
        fields = fields[: FIELD_COUNT_LIMIT - 1]

    def note() -> str:
        return spec.overflow_note.format(n=dropped) if dropped else ""

    def total() -> int:
        extra = ulen(note()) + 2 if dropped else 0
        return (ulen(title) + ulen(description) + ulen(footer) + extra
                + sum(ulen(n) + ulen(v) for n, v in fields))

    # Shrink the longest field values first (the passages), then the description, in stages, so the lead
    # and the sources keep a fair share; only then drop fields from the end.
    for in_description, floor in ((False, 300), (True, 1500), (False, 120), (True, 400), (False, 40), (True, 40)):
        while total() > TOTAL_LIMIT:
            over = total() - TOTAL_LIMIT
            if in_description:
                size, which = ulen(description), -1
            else:
                size, which = max(((ulen(v), i) for i, (_, v) in enumerate(fields)), default=(0, -1))
            if size <= floor:
                break
            target = max(floor, size - over)
            if which == -1:
                description = cut(description, target)
            else:
                name, value = fields[which]
                fields[which] = (name, cut(value, target))
    while total() > TOTAL_LIMIT and fields:
        fields.pop()
        dropped += 1
    if total() > TOTAL_LIMIT:
        # Only a title, a short description and the footer are left: cut the title, then the rest.
        title = cut(title, max(20, ulen(title) - (total() - TOTAL_LIMIT)))
        if total() > TOTAL_LIMIT:
            description = cut(description, max(0, ulen(description) - (total() - TOTAL_LIMIT)))
        if total() > TOTAL_LIMIT:
            footer = cut(footer, max(1, ulen(footer) - (total() - TOTAL_LIMIT)))
    if dropped:
        description = (description + "\n\n" if description else "") + note()
        description = cut(description, DESCRIPTION_LIMIT)
    return EmbedSpec(title, description, fields, footer, spec.url, spec.colour, spec.overflow_note)


def build_embed(spec: EmbedSpec) -> discord.Embed:
    spec = fit(spec)
    embed = discord.Embed(title=spec.title or None, description=spec.description or None,
                          url=safe_url(spec.url) if spec.title else None, colour=spec.colour)
    for name, value in spec.fields:
        embed.add_field(name=name, value=value, inline=False)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


def embed_problems(embed: discord.Embed | dict) -> list[str]:
    """Every Discord embed limit the embed breaks (empty when it is valid); used by tests and as a guard."""
    data = embed.to_dict() if isinstance(embed, discord.Embed) else embed
    problems = []
    title = data.get("title") or ""
    desc = data.get("description") or ""
    footer = (data.get("footer") or {}).get("text") or ""
    author = (data.get("author") or {}).get("name") or ""
    fields = data.get("fields") or []
    if ulen(title) > TITLE_LIMIT:
        problems.append(f"title {ulen(title)} > {TITLE_LIMIT}")
    if ulen(desc) > DESCRIPTION_LIMIT:
        problems.append(f"description {ulen(desc)} > {DESCRIPTION_LIMIT}")
    if ulen(footer) > FOOTER_LIMIT:
        problems.append(f"footer {ulen(footer)} > {FOOTER_LIMIT}")
    if len(fields) > FIELD_COUNT_LIMIT:
        problems.append(f"{len(fields)} fields > {FIELD_COUNT_LIMIT}")
    total = ulen(title) + ulen(desc) + ulen(footer) + ulen(author)
    for f in fields:
        name, value = f.get("name") or "", f.get("value") or ""
        if not name.strip() and name != "\u200b":
            problems.append("empty field name")
        if not value.strip() and value != "\u200b":
            problems.append("empty field value")
        if ulen(name) > FIELD_NAME_LIMIT:
            problems.append(f"field name {ulen(name)} > {FIELD_NAME_LIMIT}")
        if ulen(value) > FIELD_VALUE_LIMIT:
            problems.append(f"field value {ulen(value)} > {FIELD_VALUE_LIMIT}")
        total += ulen(name) + ulen(value)
    if total > TOTAL_LIMIT:
        problems.append(f"total {total} > {TOTAL_LIMIT}")
    return problems


# -- answers ----------------------------------------------------------------------------------------------


def citation_field(c: Citation) -> tuple[str, str]:
    """One cited source: "[n] label" and design line, linked title, quoted passage, where it was quoted from."""
    name = f"[{c.number}] {c.label}"
    head = escape(c.design_line)
    if c.title:
        head += " \u00b7 " + link(c.title, c.url, 400)
    elif safe_url(c.url):
        head += f" \u00b7 [link]({safe_url(c.url)})"
    tail = []
    if c.via:
        tail.append(f"*as described in the {escape(c.via.lower())}*")
    if c.note:
        tail.append("Note: " + escape(one_line(c.note)))
    tail_text = cut("\n".join(tail), 300) if tail else ""
    room = FIELD_VALUE_LIMIT - ulen(head) - ulen(tail_text) - 8
    passage = "> \u201c" + cut(escape(one_line(c.passage)), max(room, 40)) + "\u201d"
    value = "\n".join(p for p in (head, passage, tail_text) if p)
    return escape(name), value


def _blocks(answer: Answer) -> list[str]:
    """The description, in the order render_text uses: notices, message, lead, verdict, corrections."""
    blocks = [escape(n) for n in answer.notices]
    if answer.message:
        blocks.append(escape(answer.message))
    if answer.overview:
        topic = answer.overview_topic
        lines = [f"**Studies on {escape(topic)}, strongest design first:**" if topic else "**Studies:**"]
        lines += [f"[{o.citation}] {escape(o.label)} \u2014 {escape(o.design_line)}" for o in answer.overview]
        blocks.append("\n".join(lines))
    if answer.lead:
        blocks.append(escape(lead_text(answer)))
    if answer.verdict:
        blocks.append(f"**Strength of evidence:** {escape(answer.verdict)}")
    if answer.corrections:
        fixed = ", ".join(f"{a} \u2192 {b}" for a, b in answer.corrections.items())
        blocks.append(f"*(Searched with spelling corrected: {escape(fixed)})*")
    return blocks


def _key_line(line: KeyLine) -> str:
    if line.subhead:
        return f"**{escape(line.text)}**"
    ref = f" [{line.citation}]" if line.citation else ""
    if line.head:
        return f"\u2022 **{escape(line.head)}**: {escape(line.text)}{ref}"
    return f"\u2022 {escape(line.text)}{ref}"


def has_more(answer: Answer) -> bool:
    """Whether the full answer holds more than the short one (sources, overview, passages)."""
    return bool(answer.key_lines or answer.headline) and bool(answer.citations)


def answer_embed(answer: Answer, question: str | None = None) -> discord.Embed:
    """The embed for one engine answer (/ask, mention, DM), the question as its title: the short answer (the
    tally and key studies, each result whole, with those studies' sources) when the engine made one, else the
    full answer. The full answer is `detail_embed`, one click away (the More button)."""
    if not (answer.key_lines or answer.headline):
        return detail_embed(answer, question)
    q = question if question is not None else answer.question
    blocks = [escape(n) for n in answer.notices]
    if answer.message:
        blocks.append(escape(answer.message))
    lines = [f"**{escape(answer.headline)}**"] if answer.headline else []
    lines += [_key_line(k) for k in answer.key_lines]
    blocks.append("\n".join(lines))
    shown = {k.citation for k in answer.key_lines if k.citation} | {n for k in answer.key_lines for n in k.cites}
    rest = len(answer.citations) - len(shown)
    if rest > 0:
        blocks.append(f"*{rest} more source{'s' if rest != 1 else ''}: press **More** for every source "
                      "with its quoted passage.*")
    spec = EmbedSpec(
        title=user_text(q, TITLE_LIMIT) if q.strip() else "",
        description="\n\n".join(blocks),
        fields=[citation_field(c) for c in answer.citations if c.number in shown],
        footer=answer.disclaimer,
        colour=COLOURS.get(answer.status),
        overflow_note="*{n} more sources not shown.*",
    )
    return build_embed(spec)


def detail_embed(answer: Answer, question: str | None = None) -> discord.Embed:
    """The full answer: overview, quoted lead sentences and every source with its passage."""
    q = question if question is not None else answer.question
    description = "\n\n".join(_blocks(answer))
    fields = [citation_field(c) for c in answer.citations]
    spec = EmbedSpec(
        title=user_text(q, TITLE_LIMIT) if q.strip() else "",
        description=description,
        fields=fields,
        footer=answer.disclaimer,
        colour=COLOURS.get(answer.status),
        overflow_note="*{n} more sources not shown.*",
    )
    return build_embed(spec)


def _design_group(c: Citation | None, design_line: str) -> str:
    if c is None or not c.design:
        return design_line.split(", n")[0]
    return c.design if c.species in ("human", "") or c.species in c.design else f"{c.design} ({c.species})"


def sources_embed(answer: Answer) -> discord.Embed:
    """/sources: the studies grouped by design (strongest first), each with its size; findings when they fit."""
    by_number = {c.number: c for c in answer.citations}
    groups: dict[str, list[tuple[str, str]]] = {}
    for o in answer.overview:
        c = by_number.get(o.citation)
        # the design line after its design: the size, and a conference abstract, preprint or other dose saying so
        size = o.design_line.split(", ", 1)[-1]
        head = f"[{o.citation}] **{escape(o.label)}** ({escape(size)})"
        groups.setdefault(_design_group(c, o.design_line), []).append((head, escape(one_line(o.finding))))
    topic = answer.overview_topic or "all conditions"
    intro = [f"Studies on **{escape(topic)}** in my corpus, strongest design first."]
    if answer.verdict:
        intro.append(f"**Strength of evidence:** {escape(answer.verdict)}")
    intro.append("Use `/study` for one study's record.")
    description = "\n".join(intro)
    count = len(answer.overview)
    spec = None
    # The most detail that fits: full findings, short findings, then labels and sizes only.
    for finding_room in (400, 160, 80, 0):
        fields = []
        for design, items in groups.items():
            lines = [f"{h}: {cut(f, finding_room)}" if finding_room and f else h for h, f in items]
            fields.append((escape(f"{design[:1].upper()}{design[1:]} ({len(items)})"),
                           join_lines(lines, FIELD_VALUE_LIMIT)))
        spec = EmbedSpec(title=f"Sources: {escape(topic)} ({count} {'study' if count == 1 else 'studies'})",
                         description=description, fields=fields, footer=answer.disclaimer,
                         colour=COLOURS["answered"], overflow_note="*{n} more designs not shown.*")
        total = ulen(spec.title) + ulen(description) + ulen(answer.disclaimer) + sum(
            ulen(n) + ulen(v) for n, v in fields)
        if total <= TOTAL_LIMIT and len(fields) <= FIELD_COUNT_LIMIT:
            break
    assert spec is not None
    if not answer.overview:
        spec.description = escape(answer.message or "No studies found.")
        spec.fields = []
        spec.title = "Sources"
        spec.colour = COLOURS.get(answer.status)
    return build_embed(spec)


def join_lines(lines: Iterable[str], limit: int) -> str:
    """Whole lines up to limit, then "…and N more"."""
    lines = list(lines)
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        rest = len(lines) - i
        reserve = 0 if rest == 1 else 20
        if used + ulen(line) + 1 + reserve > limit:
            out.append(f"{ELLIPSIS}and {rest} more")
            break
        out.append(line)
        used += ulen(line) + 1
    return cut("\n".join(out), limit)


def study_embed(study: Study, disclaimer: str) -> discord.Embed:
    """/study: one study's record."""
    fields: list[tuple[str, str]] = [("Study", escape(f"{study.label} \u2014 {study.design_line}"))]
    if study.conditions:
        fields.append(("Conditions", escape(", ".join(study.conditions))))
    for name, value in (("Dose", study.dose), ("Duration", study.duration), ("Comparator", study.comparator)):
        if value:
            fields.append((name, escape(one_line(value))))
    if study.key_findings:
        fields.append(("Key findings", "\n".join(f"\u2022 {escape(one_line(k))}" for k in study.key_findings)))
    if study.adverse_events:
        fields.append(("Adverse events", escape(one_line(study.adverse_events))))
    if study.article_note:
        fields.append(("Note on the source article", escape(one_line(study.article_note))))
    ref = ", ".join(p for p in (", ".join(study.authors[:3]) + (" et al." if len(study.authors) > 3 else ""),
                                study.journal or "", str(study.year or "")) if p)
    ids = " \u00b7 ".join(p for p in (f"PMID {study.pmid}" if study.pmid else "",
                                      f"DOI {study.doi}" if study.doi else "") if p)
    fields.append(("Reference", escape(ref) + (f"\n{escape(ids)}" if ids else "")
                   + (f"\n{safe_url(study.url)}" if safe_url(study.url) else "")))
    if not study.verified:
        fields.append(("Details not verified", "This record was not checked against a bibliographic record of the "
                                               "paper."))
    spec = EmbedSpec(title=escape(study.title or study.label), url=study.url, description=escape(study.summary),
                     fields=fields, footer=disclaimer, colour=COLOURS["answered"])
    return build_embed(spec)


# What a thread on an answer is about, by the engine's answer plan (ldn_bot/engine/plans.py); never the asker's words.
ASPECTS = {
    "dose": "doses", "side_effects": "side effects", "onset": "how soon it works", "mechanism": "how it works",
    "comparator": "compared with other treatments", "population": "who was studied", "evidence": "the evidence",
    "species": "studies in people and animals", "reviews": "the systematic reviews",
}
NEUTRAL_THREAD = "LDN question"


def thread_title(answer: Answer) -> str:
    """A thread's name from what the engine found, never from the member's words: "LDN and fibromyalgia",
    "LDN and multiple sclerosis: doses", "LDN: side effects", "LDN: Younger 2013", else "LDN question"."""
    aspect = ASPECTS.get(answer.plan or "")
    if answer.topic:
        name = f"LDN and {answer.topic}" + (f": {aspect}" if aspect else "")
    elif aspect:
        name = f"LDN: {aspect}"
    elif answer.plan == "study" and answer.citations:
        name = f"LDN: {answer.citations[0].label}"
    else:
        name = NEUTRAL_THREAD
    return plain_name(name, THREAD_NAME_LIMIT)


def notice_embed(text: str, disclaimer: str | None = None, title: str = "") -> discord.Embed:
    return build_embed(EmbedSpec(title=title, description=text, footer=disclaimer or "",
                                 colour=COLOURS["chitchat"]))


def content(text: str) -> str:
    """Plain message content within the 2,000 limit."""
    return cut(text, MESSAGE_LIMIT)
