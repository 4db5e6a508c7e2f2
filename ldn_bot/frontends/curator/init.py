"""`ldn-bot corpus init DIR`: an editable copy of the default corpus, and a settings file pointing at it.

The default corpus and settings ship with ldn-bot (`ldn_bot.config.default_dir()`); a curator who installed the
package gets a copy to edit with one command. Nothing is overwritten: the corpus folder is assembled under a
temporary name and renamed into place, then the settings file is written with `atomic_write(overwrite=False)`.
Only argparse and the standard library at the top (cold start of `ask`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import uuid
from pathlib import Path

from ldn_bot.errors import LdnBotError


class InitError(LdnBotError):
    """DIR cannot take a new corpus (something is already there, or it cannot be written)."""


def register(csub: argparse._SubParsersAction) -> None:
    p = csub.add_parser("init", help="write an editable copy of the default corpus and a settings file using it",
                        description="Write DIR/corpus (a copy of the corpus that ships with ldn-bot) and "
                        "DIR/bot_config.yaml (the default settings, with `corpus: corpus`). Refuses to overwrite "
                        "either. Then run ldn-bot from DIR, or set LDN_BOT_CONFIG=DIR/bot_config.yaml.")
    p.add_argument("dir", metavar="DIR", help="folder to write into (created if missing)")
    p.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    corpus, config = init_site(target)
    studies = sum(1 for _ in (corpus / "studies").glob("*.yaml"))
    print(f"Wrote {corpus} ({studies} studies) and {config}.")
    print(f"Use it: cd {target} && ldn-bot corpus validate   (or set LDN_BOT_CONFIG={config.resolve()})")
    return 0


def init_site(target: Path) -> tuple[Path, Path]:
    """Copy the default corpus to target/corpus and the default settings to target/bot_config.yaml."""
    from ldn_bot.config import DEFAULT_CONFIG, default_dir
    from ldn_bot.fileio import atomic_write

    source = default_dir()
    corpus, config = target / "corpus", target / DEFAULT_CONFIG
    for path in (corpus, config):
        if os.path.lexists(path):
            raise InitError(f"{path} already exists; not overwriting it (choose a new folder, or move it away)")
    try:
        settings = (source / DEFAULT_CONFIG).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InitError(f"{source / DEFAULT_CONFIG}: cannot read the default settings: {e}") from None
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InitError(f"{target}: cannot write there: {e.strerror or e}") from None
    tmp = target / f".corpus-{uuid.uuid4().hex[:12]}.tmp"
    try:
        shutil.copytree(source / "corpus", tmp, ignore=shutil.ignore_patterns(".*"))  # not the index cache
        os.rename(tmp, corpus)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InitError(f"{corpus}: cannot write the corpus copy: {e.strerror or e}") from None
    _copy_learned_sources(source / "corpus", corpus)
    try:
        atomic_write(config, _pointing_at_corpus(settings), overwrite=False)
    except OSError as e:
        shutil.rmtree(corpus, ignore_errors=True)  # ours, made a moment ago: leave nothing half done
        raise InitError(f"{config}: cannot write the settings: {e.strerror or e}") from None
    return corpus, config


def _copy_learned_sources(source: Path, corpus: Path) -> None:
    """The labelled sets the safety layer is fitted on, at the same place beside the copy as beside the source
    (../eval/...), so the copy fits the same model; a file already there is kept, never overwritten."""
    from ldn_bot.engine.safety.learned import sources

    for src in sources(source):
        dest = Path(os.path.normpath(corpus / os.path.relpath(src, source)))
        if not os.path.lexists(dest):
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
            except OSError as e:
                raise InitError(f"{dest}: cannot copy the safety layer's examples: {e.strerror or e}") from None


def _pointing_at_corpus(settings: str) -> str:
    """The default settings text with its `corpus:` line set to the copy beside it (comments kept)."""
    lines = settings.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("corpus:"):
            lines[i] = "corpus: corpus   # relative to this file\n"
            return "".join(lines)
    return "corpus: corpus   # relative to this file\n" + settings
