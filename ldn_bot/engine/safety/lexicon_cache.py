"""The concept lexicons (corpus/safety/*.yaml) as parsed, kept so a start-up neither reads their YAML nor parses
their ~9,000 phrases (most of what loading the safety rules took).

The copy lives beside the corpus's other caches (`config.corpus_cache`: <corpus>/.cache/, or the user's cache
folder for the packaged corpus). It is keyed by a hash of every lexicon file's name and bytes, of the code that
reads them, and of the Python version (whose Unicode tables fold the phrases' words), so any edit to a lexicon file
or to that code makes it stale. Only a copy written after the files were read and checked is ever kept, so a
current copy stands for files that passed every check; a stale, corrupt or unreadable one is ignored and
rewritten, and the files are then read as always (an error in them still names its file and line).

It is the program's own file, in its own cache folder: plain tuples and strings in `marshal`'s format (which
loads them in a few milliseconds), behind a checksum of the whole content, which is verified before loading.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import sys
import unicodedata
from functools import cache
from pathlib import Path

from ldn_bot.engine.safety.phrases import Phrase, Word
from ldn_bot.fileio import write_whole

log = logging.getLogger("ldn_bot.safety")

FORMAT = 1  # bump when what is stored changes
CACHE_FILE = "safety_lexicon.marshal"
_DIGEST = 32  # bytes of the checksum that opens the file
# the code that turns lexicon files into phrases: a change to any of it makes every kept copy stale
_CODE = ("loading.py", "phrases.py", "text.py", "lexicon_cache.py")


@cache
def _code_version() -> bytes:
    from ldn_bot.corpus import rawyaml

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT};{sys.version};{unicodedata.unidata_version};{marshal.version}\0".encode())
    for src in (*(Path(__file__).with_name(name) for name in _CODE), Path(rawyaml.__file__)):
        h.update(src.read_bytes() + b"\0")
    return h.digest()


def key(files: list[Path]) -> str | None:
    """What the lexicon read from `files` depends on (their names and bytes, the code); None when a file or the
    code cannot be read (the files are then read the usual way, which says what is wrong)."""
    try:
        h = hashlib.blake2b(_code_version(), digest_size=20)
        for path in files:
            data = path.read_bytes()
            h.update(f"{path.name}\0{len(data)}\0".encode() + data)
    except OSError:
        return None
    return h.hexdigest()


def load(path: Path, key: str) -> dict[str, tuple[Phrase, ...]] | None:
    """The lexicon kept in `path` under `key`; None when there is none, or it is stale, corrupt or unreadable."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    body = blob[_DIGEST:]
    if len(blob) <= _DIGEST or hashlib.blake2b(body, digest_size=_DIGEST).digest() != blob[:_DIGEST]:
        return None  # missing, cut short or changed: never trusted
    try:
        fmt, kept, words, phrases, concepts = marshal.loads(body)
        if fmt != FORMAT or kept != key:
            return None
        word = [Word(tuple(options)) for options in words]
        phrase = [Phrase(text, tuple(tuple(word[w] for w in seg) for seg in segs)) for text, segs in phrases]
        return {name: tuple(phrase[p] for p in ids) for name, ids in concepts}
    except (ValueError, EOFError, TypeError, IndexError):
        return None


def save(path: Path, key: str, lexicon: dict[str, tuple[Phrase, ...]]) -> None:
    """Keep `lexicon` (read and checked from the files `key` was made of) in `path`; a folder that cannot be
    written to is left alone (the lexicon is then read from its files at every start)."""
    words: dict[tuple[str, ...], int] = {}
    phrases: dict[str, tuple[int, Phrase]] = {}  # a phrase listed under several concepts is kept once
    for group in lexicon.values():
        for p in group:
            if p.text not in phrases:
                phrases[p.text] = (len(phrases), p)
                for seg in p.segments:
                    for w in seg:
                        words.setdefault(w.options, len(words))
    body = marshal.dumps((FORMAT, key, tuple(words),
                          tuple((p.text, tuple(tuple(words[w.options] for w in seg) for seg in p.segments))
                                for _, p in phrases.values()),
                          tuple((name, tuple(phrases[p.text][0] for p in group)) for name, group in lexicon.items())))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with write_whole(path, sync=False) as f:  # whole or not at all; rebuilt if lost
            f.write(hashlib.blake2b(body, digest_size=_DIGEST).digest() + body)
    except OSError as e:
        log.debug("could not keep the parsed safety lexicon in %s: %s", path, e)
