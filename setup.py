"""Build step: the default settings and corpus go into the package.

The repository keeps them at the top level (`bot_config.yaml`, `corpus/`), where curators edit them. A wheel (or a
`pip install .`) gets a copy as package data in `ldn_bot/bundled/`, so an installed `ldn-bot` answers from any
folder. An editable install (`pip install -e .`) needs no copy: it reads the checkout's own files.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = Path("ldn_bot") / "bundled"  # inside the package; ldn_bot.config.default_dir() looks here
CORPUS_FILES = ("*.yaml", "*.md")  # the corpus's file types; the index cache (.cache/) and stray files stay out


def learned_sources(corpus: Path) -> list[Path]:
    """The labelled sets the learned safety layer is fitted on (corpus/safety.yaml `learned:`, patterns relative to
    the corpus folder, which may lie beside it: ../eval/*.yaml), so an installed bot fits the same model.
    The same reading as `ldn_bot.engine.safety.learned.sources`, done here because a build cannot import the
    package: an isolated build has only setuptools and PyYAML, and the package's modules import numpy, rapidfuzz
    and wordfreq. The globs themselves are declared once, in safety.yaml."""
    import yaml

    learned = (yaml.safe_load((corpus / "safety.yaml").read_text(encoding="utf-8")) or {}).get("learned") or {}
    patterns = [*learned.get("examples", []), *learned.get("questions", [])]
    return sorted({Path(p).resolve() for pat in patterns for p in glob.glob(str(corpus / pat))})


def bundled_files() -> list[tuple[Path, Path]]:
    """(source, path inside the package's bundled folder) for the settings file, every corpus file, and the
    labelled sets of the learned safety layer (at the same place relative to the corpus as in the checkout)."""
    files = [(ROOT / "bot_config.yaml", Path("bot_config.yaml"))]
    corpus = ROOT / "corpus"
    for pattern in CORPUS_FILES:
        for src in sorted(corpus.rglob(pattern)):
            rel = src.relative_to(corpus)
            if not any(part.startswith(".") for part in rel.parts):
                files.append((src, Path("corpus") / rel))
    files += [(src, src.relative_to(ROOT.resolve())) for src in learned_sources(corpus)
              if src.is_relative_to(ROOT.resolve())]
    return files


class BuildPyWithDefaults(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / BUNDLED
        shutil.rmtree(target, ignore_errors=True)  # no file deleted from corpus/ survives from an earlier build
        for src, rel in bundled_files():
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(Path(self.build_lib) / BUNDLED / rel) for _, rel in bundled_files()]
        return outputs


setup(cmdclass={"build_py": BuildPyWithDefaults})
