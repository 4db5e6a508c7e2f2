"""Shared fixtures: the bundled engine, a throw-away copy of the corpus, and the real CLI entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser, pluginmanager):
    """pyproject's `-n auto` asks pytest-xdist for a worker a core. Where it is not installed (an environment made
    before the test extra named it), the option is still read, and the tests run in one process."""
    if not pluginmanager.has_plugin("xdist"):  # its own option, declared as it declares it (short: the private API)
        parser.getgroup("xdist")._addoption("-n", "--numprocesses", dest="numprocesses", default=None,
                                            help="pytest-xdist is not installed: the tests run in one process")


def pytest_configure(config):
    if config.getoption("numprocesses", None) not in (None, 0, "0") and not config.pluginmanager.has_plugin("xdist"):
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            "pytest-xdist is not installed (pip install -e '.[test]'): the tests run in one process"), stacklevel=2)


@pytest.fixture(scope="session")
def config():
    from ldn_bot.config import load_config

    return load_config(ROOT / "bot_config.yaml")


@pytest.fixture(scope="session")
def fitted(tmp_path_factory) -> dict[str, Path]:
    """The bundled corpus's derived files (the fitted safety model, the parsed lexicons), made once for the whole
    run: file name -> path in <corpus>/.cache. The workers of pytest-xdist take turns under a lock, so the model
    (several seconds of scikit-learn) is fitted by one of them and read by the other, never fitted twice at once."""
    from ldn_bot.config import corpus_cache
    from ldn_bot.engine.safety import learned, lexicon_cache
    from ldn_bot.engine.safety.loading import load_rules

    base = tmp_path_factory.getbasetemp()
    lock = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "ldn-bot-fit.lock"  # one run's
    with open(lock, "a") as held:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): each worker reads or fits on its own
            fcntl = None  # type: ignore[assignment]
        if fcntl is not None:
            fcntl.flock(held, fcntl.LOCK_EX)  # released when the file is closed
        load_rules(ROOT / "corpus")  # read from the cache when current; else fitted and kept there
    names = (learned.CACHE_FILE, lexicon_cache.CACHE_FILE)
    return {n: corpus_cache(ROOT / "corpus", n) for n in names if corpus_cache(ROOT / "corpus", n).is_file()}


def seed_cache(fitted: dict[str, Path], folder: Path, only: tuple[str, ...] | None = None) -> None:
    """Copy the bundled corpus's fitted files into a copy's cache `folder`. Each is keyed by a hash of the files it
    was made from, so it is used only where the copy's files are the same; anywhere else it is made anew."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in fitted.items():
        if only is None or name in only:
            shutil.copyfile(path, folder / name)


@pytest.fixture(scope="session")
def engine(config, fitted):
    from ldn_bot.engine.engine import Engine

    return Engine(config)


@pytest.fixture
def lexicon_only(engine):
    """The engine with its learned layer off: these concepts must hold without the classifier."""
    real = engine.safety.learned
    engine.safety.learned = None
    yield engine
    engine.safety.learned = real


@pytest.fixture
def corpus_copy(tmp_path: Path, fitted) -> Path:
    """A copy of the bundled corpus and a config pointing at it, for tests that break things."""
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns(".cache"))
    # the labelled sets the learned safety layer is fitted on sit beside the corpus (corpus/safety.yaml)
    (tmp_path / "eval").symlink_to(ROOT / "eval")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "data").symlink_to(ROOT / "tests" / "data")
    seed_cache(fitted, tmp_path / "corpus" / ".cache")  # the same files: no refit or lexicon parse per test
    text = (ROOT / "bot_config.yaml").read_text(encoding="utf-8")
    (tmp_path / "bot_config.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture
def site(corpus_copy: Path) -> Path:
    """A curator's working copy: the bundled corpus and a settings file whose `corpus:` points at it."""
    return corpus_copy


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict | None = None):
    """Run `ldn-bot` exactly as a user does: a new process through the installed entry point."""
    exe = shutil.which("ldn-bot", path=os.path.dirname(sys.executable)) or shutil.which("ldn-bot")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "ldn_bot", *args]
    full_env = {**os.environ, "LDN_BOT_HISTORY": os.devnull, **(env or {})}
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=cwd or ROOT, env=full_env,
                          timeout=120)


@pytest.fixture(scope="session")
def quiet_config(tmp_path_factory) -> Path:
    """The bundled settings, but with the logs in a temporary folder so tests never write into the checkout."""
    import yaml

    data = yaml.safe_load((ROOT / "bot_config.yaml").read_text(encoding="utf-8"))
    logs = tmp_path_factory.mktemp("logs")
    data["corpus"] = str(ROOT / "corpus")
    data["logs"] = {"questions": str(logs / "questions.jsonl"), "feedback": str(logs / "feedback.jsonl")}
    path = logs / "bot_config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def cli(quiet_config):
    def run(*args: str, **kwargs):
        env = {"LDN_BOT_CONFIG": str(quiet_config), **(kwargs.pop("env", None) or {})}
        return run_cli(*args, env=env, **kwargs)

    return run
