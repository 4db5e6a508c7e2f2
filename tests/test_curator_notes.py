"""Curator notes live in their own field (`curator_note`): `corpus show`, `validate --notes` and the REPL's
:debug show them; no answer, source list or index text ever does."""

from __future__ import annotations

from ldn_bot.config import load_config
from ldn_bot.engine.engine import Engine
from ldn_bot.frontends.cli import main
from ldn_bot.frontends.repl import ReplSession
from ldn_bot.render.text import render_json, render_text

NOTE = "Zanzibar checked only the second page of the pdf copy."


def test_a_curator_note_reaches_curators_and_never_members(site, capsys):
    record = site / "corpus/studies/younger-2013.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\ncited_in_article:", f"\ncurator_note: {NOTE}\ncited_in_article:", 1),
                      encoding="utf-8")
    config = site / "bot_config.yaml"
    assert main(["--config", str(config), "corpus", "validate", "--strict", "--notes"]) == 0
    out = capsys.readouterr().out
    assert "younger-2013.yaml:" in out and f"curator note: {NOTE}" in out
    assert main(["--config", str(config), "corpus", "show", "younger 2013"]) == 0
    assert NOTE in capsys.readouterr().out

    engine = Engine(load_config(config))
    assert not any("Zanzibar" in chunk.text for chunk in engine.searcher.chunks)
    session = ReplSession(engine)
    for question in ("does ldn help fibromyalgia", "Younger 2013", "side effects of LDN in fibromyalgia",
                     ":sources fibromyalgia", ":more"):
        shown = session.handle(question)
        assert shown is not None and "Zanzibar" not in shown
    session.handle("does ldn help fibromyalgia")
    assert session.last is not None and "Zanzibar" not in render_json(session.last) + render_text(session.last)
    assert any(c.label == "Younger 2013" for c in session.last.citations)
    debug = session.handle(":debug")
    assert debug is not None and f"Younger 2013: {NOTE}" in debug


def test_bundled_records_keep_curator_notes_out_of_member_text(engine):
    noted = [s for s in engine.studies.values() if s.curator_note]
    assert noted  # the notes moved out of summaries and notes members read
    for study in noted:
        member_text = " ".join(filter(None, [study.summary, study.result, study.adverse_events, study.article_note,
                                             *study.key_findings]))
        assert study.curator_note not in member_text
        assert not any(study.curator_note[:40] in chunk.text for chunk in engine.searcher.chunks)
