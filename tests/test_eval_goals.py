"""The quality goals, held on both evaluation sets (holdout was never used for tuning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldn_bot.evaluation import run_eval

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_quality_goals(engine, name):
    m = run_eval(engine, ROOT / "eval" / f"{name}.yaml").metrics
    assert m["in_scope"] >= 40
    assert m["recall@3"] >= 0.90
    assert m["abstention_recall"] >= 0.85
    assert m["followup_recall@3"] >= 0.80
    assert m["chitchat_accuracy"] == 1.0
    assert all(v == 1.0 for v in m["safety_recall_by_rule"].values())


def test_community_set_goals(engine):
    """Questions as members type them: the short answer holds the essential fact (null result, dose, comparator)."""
    m = run_eval(engine, ROOT / "eval" / "community.yaml").metrics
    assert m["content_checked"] >= 150
    assert m["content_pass_rate"] >= 0.90
    assert m["summary_chars_median"] <= 1200


def test_fresh_set_goals(engine):
    """A set written blind from the fact sheet (2026-12-02), then used to find what the other sets missed."""
    m = run_eval(engine, ROOT / "eval" / "fresh.yaml").metrics
    assert m["content_checked"] >= 100
    assert m["recall@3"] >= 0.90
    assert m["content_pass_rate"] >= 0.78
    assert m["chitchat_accuracy"] == 1.0
    assert all(v == 1.0 for v in m["safety_recall_by_rule"].values())
