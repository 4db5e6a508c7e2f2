"""Answer -> what people see: plain text (REPL, ask) and the JSON answer format."""

from __future__ import annotations

import json
import re
from typing import Any

from ldn_bot.engine.answer import Answer, Citation, KeyLine


def citation_heading(c: Citation) -> str:
    """ "Younger 2013 — randomized crossover trial, n=31 — <title> — <link>"."""
    parts = [c.label, c.design_line]
    if c.title:
        parts.append(c.title)
    if c.url:
        parts.append(c.url)
    return " — ".join(parts)


def lead_text(answer: Answer, count: int | None = None) -> str:
    """The lead sentences, each with its citation number (the first `count` of them, or all)."""
    return " ".join(f"{s.text} [{s.citation}]" for s in answer.lead[:count])


SUMMARY_CHARS = 900  # the direct answer fits in this much (issue 12): a member reads the first lines


def key_line_text(line: KeyLine) -> str:
    """ "- Bruun 2024 (randomized controlled trial, n=99, 6 mg): <result> [2]"."""
    if line.subhead:
        return line.text
    ref = f" [{line.citation}]" if line.citation else ""
    return f"- {line.head}: {line.text}{ref}" if line.head else f"- {line.text}{ref}"


def summary_blocks(answer: Answer) -> list[str]:
    """The short answer, without the disclaimer: safety texts, then the plan's headline and key lines (or, with
    no plan, the lead sentences)."""
    blocks: list[str] = [*answer.notices]
    if answer.message:
        blocks.append(answer.message)
    if answer.headline or answer.key_lines:
        lines = [answer.headline] if answer.headline else []
        lines += [key_line_text(k) for k in answer.key_lines]
        blocks.append("\n".join(lines))
    elif answer.lead and (lead := lead_text(answer, answer.short_lead)):  # as many as the budget left room for
        blocks.append(lead)
    return blocks


def render_summary(answer: Answer) -> str:
    """The short text of an answer (JSON `summary`): the direct answer, then the disclaimer."""
    return "\n\n".join([*summary_blocks(answer), answer.disclaimer])


def sources_phrase(n: int) -> str:
    """ "1 source with its quoted passage" / "all 20 sources with their quoted passages"."""
    return "the 1 source with its quoted passage" if n == 1 else f"all {n} sources with their quoted passages"


def short_text(answer: Answer, more_hint: str) -> str | None:
    """The short answer for a screen: the direct answer, `more_hint` (its "{sources}" filled with
    `sources_phrase`) saying how to see everything, then the disclaimer. None when the answer has no shorter
    form than `render_text` (no key lines, or nothing cited)."""
    if not ((answer.key_lines or answer.headline) and answer.citations):
        return None
    hint = more_hint.format(sources=sources_phrase(len(answer.citations)))
    return "\n\n".join([*summary_blocks(answer), hint, answer.disclaimer])


_EPONYM = re.compile(r"\b([a-z])(?=[a-z\u00c0-\u024f-]*'s\b)")


def condition_heading(name: str) -> str:
    """A condition name as written inside a sentence: eponyms capitalised ("crohn's disease" -> "Crohn's
    disease"), the rest as the corpus writes it."""
    return _EPONYM.sub(lambda m: m.group(1).upper(), name)


def render_text(answer: Answer) -> str:
    """The full answer: the short answer first, then every source with its quoted passage, then the disclaimer."""
    blocks: list[str] = summary_blocks(answer)
    if answer.overview:
        topic = answer.overview_topic
        lines = [f"Studies on {condition_heading(topic)}, strongest design first:" if topic else "Studies:"]
        lines += [f"- [{o.citation}] {o.label} — {o.design_line}: {o.finding}" for o in answer.overview]
        blocks.append("\n".join(lines))
    if answer.lead and (answer.headline or answer.key_lines):
        blocks.append(lead_text(answer))
    if answer.verdict:
        blocks.append(f"Strength of evidence: {answer.verdict}")
    if answer.citations:
        lines = ["Sources:"]
        for c in answer.citations:
            lines.append(f"[{c.number}] {citation_heading(c)}")
            via = f" (as described in the {c.via.lower()})" if c.via else ""
            lines.append(f"    \u201c{c.passage}\u201d{via}")
            if c.note:
                lines.append(f"    Note: {c.note}")
        blocks.append("\n".join(lines))
    if answer.corrections:
        fixed = ", ".join(f"{a} \u2192 {b}" for a, b in answer.corrections.items())
        blocks.append(f"(Searched with spelling corrected: {fixed})")
    blocks.append(answer.disclaimer)
    return "\n\n".join(blocks)


def answer_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "status": answer.status,
        "answer": render_text(answer),
        "summary": render_summary(answer),
        "citations": [
            {
                "label": c.label,
                "title": c.title,
                "design": c.design,
                "n": c.n,
                "url": c.url,
                "passage": c.passage,
                "score": c.score,
                "number": c.number,
                "kind": c.kind,
                "evidence_level": c.evidence_level,
                "verified": c.verified,
                "publication_type": c.publication_type if c.kind == "study" else None,
                "dose_class": c.dose_class if c.kind == "study" else None,
                "via": c.via,
                "note": c.note,
            }
            for c in answer.citations
        ],
        "safety": list(answer.safety),
        "disclaimer": answer.disclaimer,
        "tally": answer.tally.as_dict() if answer.tally is not None else None,
    }


def render_json(answer: Answer) -> str:
    return json.dumps(answer_dict(answer), ensure_ascii=False)
