"""corpus/README.md's "Your first study" walkthrough, followed literally in a fresh copy of the repository: each
command of its shell blocks is run in order (except the few that need GitHub or build a new environment, listed
below), the record is written as the guide shows it, and the study ends up committed, valid and answering."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import seed_cache

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "corpus" / "README.md"
# Commands a test cannot follow: they reach GitHub or build a second environment. The test makes the fresh
# copy itself (a clone of this repository) and runs `ldn-bot` from the environment it runs in.
NOT_HERE = ("git clone ", "cd ldn-bot", "python3 -m venv", ". .venv/bin/activate", "pip install", "git push")


def walkthrough() -> tuple[list[str], str, str]:
    """The walkthrough's shell commands in order, the record file it names, and the finished record it shows."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("<!-- walkthrough"):text.index("<!-- /walkthrough -->")]
    commands = [line.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)
                for line in block.splitlines() if line.strip()]
    record = re.search(r"```yaml\n(.*?)```", section, re.S)
    path = re.search(r"Open `(corpus/studies/[\w.-]+\.yaml)`", section)
    assert record and path and commands
    return commands, path.group(1), record.group(1)


def test_the_curator_walkthrough_adds_a_study_from_a_fresh_copy(tmp_path, fitted):
    commands, record_path, record = walkthrough()
    copy = tmp_path / "ldn-bot"
    if (ROOT / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(copy)], check=True)
    else:  # a source tree without its history: a repository of its files
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".cache", "logs", "__pycache__"))
        for git in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "fresh copy"]):
            subprocess.run(["git", *git], cwd=copy, check=True, env=_git_env())
    # the fitted safety model and parsed lexicons, as a curator's copy has them after its first start (used only
    # where the clone's files are the same as this checkout's): the walkthrough is about the commands, not a cold start
    seed_cache(fitted, copy / "corpus" / ".cache")
    label = yaml.safe_load(record)["label"]
    existing = copy / record_path
    if existing.exists():  # the guide's example study is in the corpus already: take it out, as if it were new
        existing.unlink()
        subprocess.run(["git", "commit", "-qam", "without the example study"], cwd=copy, check=True,
                       env=_git_env())
    env = {**_git_env(), "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "LDN_BOT_PAGER": "", "LDN_BOT_HISTORY": os.devnull, "HOME": str(tmp_path)}
    env.pop("LDN_BOT_CONFIG", None)
    outputs = {}
    for command in commands:
        if command.startswith(NOT_HERE):
            continue
        done = subprocess.run(["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs[command] = done.stdout + done.stderr
        if command.startswith("ldn-bot corpus new-study"):
            assert (copy / record_path).exists()  # the template, where the guide says
            (copy / record_path).write_text(record, encoding="utf-8")  # step 5: the curator writes the record
    assert any(c.startswith("ldn-bot corpus validate") and "OK" in out for c, out in outputs.items())
    asked = next(out for c, out in outputs.items() if c.startswith("ldn-bot ask"))
    assert label in asked  # the new study answers
    log = subprocess.run(["git", "log", "--name-only", "-1", "--format=%s"], cwd=copy, capture_output=True,
                         text=True, check=True).stdout
    assert record_path in log and label.split()[0] in log
    branch = subprocess.run(["git", "branch", "--show-current"], cwd=copy, capture_output=True, text=True).stdout
    assert branch.strip() != "main" and branch.strip()


def _git_env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "A Curator", "GIT_AUTHOR_EMAIL": "curator@example.org",
            "GIT_COMMITTER_NAME": "A Curator", "GIT_COMMITTER_EMAIL": "curator@example.org"}
