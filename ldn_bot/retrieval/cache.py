"""The chunk index, built once and kept in <corpus>/.cache/index.npz.

What is stored is what costs time to compute: the analyzed document-term counts (`TermMatrix`, term-major
like bm25s's index), the surface-word counts the spelling corrector needs, each surface word's stem and English
Zipf frequency (the query parser's `lexicon`), and the key it was built for.
BM25 weights (k1, b, backend) are applied when loading — a cheap vectorized step — so changing them never
serves an index built for other settings.

The key hashes every chunk's id, heading and indexed text (so any corpus or chunker change counts), the
analyzer (its source and stopwords), the settings that shape the counts (`title_weight`), and for the lexicon
the query module's source and wordfreq's English table (size and time stamp). A different key
rebuilds and overwrites. The file is one uncompressed .npz (plain arrays, metadata as JSON bytes, no pickle)
replaced atomically; zip CRCs and shape checks catch truncation and corruption, which rebuild with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ldn_bot.config import RetrievalConfig
from ldn_bot.corpus.models import Corpus
from ldn_bot.fileio import write_whole
from ldn_bot.retrieval.analyzer import STOPWORDS, Analyzer, normalize, words
from ldn_bot.retrieval.chunk import Chunk
from ldn_bot.retrieval.chunker import chunk_study
from ldn_bot.retrieval.index import Scorer, TermMatrix, TermSets, TermStats, make_scorer
from ldn_bot.retrieval.query import lexicon

log = logging.getLogger("ldn_bot.cache")

FORMAT = 2
CACHE_DIR = ".cache"
CACHE_FILE = "index.npz"
_ARRAYS = ("indptr", "docs", "tf", "doc_len", "lex_stem", "lex_zipf")


@dataclass
class IndexData:
    matrix: TermMatrix
    surface: Counter[str]  # surface words (not stemmed) -> count, the spelling corrector's vocabulary
    key: str
    source: str = "built"  # "built" or "cache"
    scorer: Scorer | None = None
    stats: TermStats | None = None
    term_sets: TermSets | None = None
    lexicon: dict[str, tuple[str, float]] | None = None  # surface word -> (stem, English Zipf); query.lexicon()


def analyze(
    docs: Iterable[tuple[str, str]], analyzer: Analyzer, title_weight: int = 1
) -> tuple[TermMatrix, Counter[str]]:
    """(text, title) pairs -> counts. The text includes the title; its terms count `title_weight` times in all."""
    surface: Counter[str] = Counter()
    extra = max(int(title_weight), 1) - 1

    def tokens() -> Iterable[list[str]]:
        for text, title in docs:
            surface.update(words(normalize(text)))
            toks = analyzer.tokens(text)
            if extra and title:
                toks += analyzer.tokens(title) * extra
            yield toks

    matrix = TermMatrix.of(tokens())
    return matrix, surface


def chunk_docs(chunks: Sequence[Chunk]) -> Iterable[tuple[str, str]]:
    """A chunk's "title" field is its heading: the section heading, or the study's title."""
    return ((c.index_text, c.heading) for c in chunks)


def analyzer_version(analyzer: Analyzer) -> str:
    h = hashlib.blake2b(digest_size=16)
    module = sys.modules.get(type(analyzer).__module__)
    src = getattr(module, "__file__", None)
    if src:
        try:
            h.update(Path(src).read_bytes())
        except OSError:
            pass
    h.update(type(analyzer).__qualname__.encode())
    h.update("\0".join(sorted(STOPWORDS)).encode())
    h.update(str(getattr(analyzer, "VERSION", "")).encode())
    return h.hexdigest()


def index_key(chunks: Sequence[Chunk], settings: RetrievalConfig, analyzer: Analyzer, fingerprint: str = "") -> str:
    """What the cached index was built from. With the corpus's content hash and the chunker's source in the
    key, chunk texts need not be made (nor hashed) to know the cache is current."""
    h = hashlib.blake2b(digest_size=20)
    h.update(
        f"format={FORMAT};title_weight={title_weight(settings)};analyzer={analyzer_version(analyzer)};"
        f"lexicon={_source_hash(lexicon)}:{_wordfreq_version()};n={len(chunks)}\0".encode()
    )
    if fingerprint:
        h.update(f"corpus={fingerprint};chunker={_source_hash(chunk_study)}\0".encode())
        for c in chunks:
            h.update(f"{c.id}\0".encode())
    else:
        for c in chunks:
            h.update(f"{c.id}\0{c.heading}\0{c.index_text}\0\1".encode())
    return h.hexdigest()


def _source_hash(func) -> str:
    src = getattr(sys.modules.get(func.__module__), "__file__", None)
    try:
        return hashlib.blake2b(Path(src).read_bytes(), digest_size=8).hexdigest() if src else ""
    except OSError:
        return ""


def _wordfreq_version() -> str:
    """wordfreq's English table as of now (the lexicon's Zipf frequencies come from it)."""
    try:
        from wordfreq import DATA_PATH

        st = (Path(DATA_PATH) / "large_en.msgpack.gz").stat()
        return f"{st.st_size}:{st.st_mtime_ns}"
    except (ImportError, OSError):
        return ""


def title_weight(settings: RetrievalConfig) -> int:
    return int(getattr(settings, "title_weight", 1))


def cache_path(corpus: Corpus) -> Path | None:
    """Where the index is kept: <corpus>/.cache/index.npz; for the corpus shipped inside an installed package
    (site-packages may be read-only, and is not ours to write into), the user's cache folder instead
    ($XDG_CACHE_HOME/ldn-bot or ~/.cache/ldn-bot, one file per corpus folder). Not writable: built every time."""
    if not corpus.root:
        return None
    from ldn_bot.config import corpus_cache

    return corpus_cache(corpus.root, CACHE_FILE)


def build(chunks: Sequence[Chunk], settings: RetrievalConfig, analyzer: Analyzer, key: str = "") -> IndexData:
    matrix, surface = analyze(chunk_docs(chunks), analyzer, title_weight(settings))
    return IndexData(matrix, surface, key, lexicon=lexicon(surface, analyzer))


def save(path: Path, data: IndexData) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    m = data.matrix
    meta: dict[str, Any] = {"format": FORMAT, "key": data.key, "vocab": m.vocab, "surface": dict(data.surface)}
    # The lexicon, aligned with meta["surface"]: the stem's term id (-1: a stopword, not in the lexicon) and Zipf.
    lex = data.lexicon if data.lexicon is not None else {}
    entries = [lex.get(w) for w in meta["surface"]]
    lex_stem = np.array([-1 if e is None else m.term_ids.get(e[0], -2) for e in entries], dtype=np.int32)
    if (lex_stem == -2).any():
        raise ValueError("a lexicon stem is not an index term")
    lex_zipf = np.array([0.0 if e is None else e[1] for e in entries], dtype=np.float64)
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    with write_whole(path, sync=False) as f:  # a cache: rebuilt when lost, so not flushed to disk
        np.savez(f, meta=blob, indptr=m.indptr, docs=m.docs, tf=m.tf, doc_len=m.doc_len, lex_stem=lex_stem,
                 lex_zipf=lex_zipf)


class StaleCache(Exception):
    pass


def load(path: Path, key: str) -> IndexData:
    """The cached index for `key`; StaleCache if it was built for another key; any other error if unreadable."""
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key:
            raise StaleCache()
        arrays = {name: z[name] for name in _ARRAYS}
    vocab, surface = meta["vocab"], meta["surface"]
    indptr, docs, tf, doc_len, lex_stem, lex_zipf = (arrays[n] for n in _ARRAYS)
    n_docs, nnz = len(doc_len), len(docs)
    ok = (
        isinstance(vocab, list)
        and all(isinstance(t, str) for t in vocab)
        and isinstance(surface, dict)
        and indptr.ndim == docs.ndim == tf.ndim == doc_len.ndim == 1
        and indptr.dtype == np.int64
        and docs.dtype == np.int32
        and tf.dtype == np.float32
        and doc_len.dtype == np.float64
        and len(indptr) == len(vocab) + 1
        and indptr[0] == 0
        and indptr[-1] == nnz
        and len(tf) == nnz
        and bool(np.all(np.diff(indptr) >= 0))
        and (nnz == 0 or (int(docs.min()) >= 0 and int(docs.max()) < n_docs))
        and bool(np.all(tf > 0))
        and bool(np.all(np.isfinite(doc_len)))
        and lex_stem.ndim == lex_zipf.ndim == 1
        and lex_stem.dtype == np.int32
        and lex_zipf.dtype == np.float64
        and len(lex_stem) == len(lex_zipf) == len(surface)
        and (not len(lex_stem) or (int(lex_stem.min()) >= -1 and int(lex_stem.max()) < len(vocab)))
        and bool(np.all(np.isfinite(lex_zipf)))
    )
    if not ok:
        raise ValueError("inconsistent arrays")
    lex = {w: (vocab[s], z) for w, s, z in zip(surface, lex_stem.tolist(), lex_zipf.tolist()) if s >= 0}
    return IndexData(TermMatrix(vocab, indptr, docs, tf, doc_len), Counter(surface), key, "cache", lexicon=lex)


def load_or_build(corpus: Corpus, chunks: Sequence[Chunk], settings: RetrievalConfig, analyzer: Analyzer) -> IndexData:
    """The index of `chunks` with scorer, term statistics and term sets ready, from the cache when it is current.
    A cache that cannot be read or written never stops an answer: the index is built, with one warning."""
    use_cache = bool(getattr(settings, "cache", True)) and cache_path(corpus) is not None
    key = index_key(chunks, settings, analyzer, corpus.fingerprint) if use_cache else ""
    data: IndexData | None = None
    path = cache_path(corpus) if use_cache else None
    unreadable = ""  # why the cache file could not be used, said once below
    if path is not None:
        # Loaded without asking Path.exists() first: under a folder that cannot be searched (chmod 000 on .cache)
        # it raises PermissionError on Python 3.11 instead of saying False.
        try:
            data = load(path, key)
            if data.matrix.n_docs != len(chunks):
                raise ValueError("wrong number of chunks")
        except (FileNotFoundError, NotADirectoryError):
            data = None  # no cache yet
        except StaleCache:
            log.info("%s: index cache is for another corpus or settings; rebuilding", path)
            data = None
        except OSError as e:
            unreadable, data = e.strerror or str(e) or type(e).__name__, None
        except (ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, UnicodeDecodeError) as e:
            unreadable, data = str(e) or type(e).__name__, None
        except Exception as e:  # never crash on a bad cache file: the corpus is the truth
            unreadable, data = f"{type(e).__name__}: {e}", None
    if data is None:
        data = build(chunks, settings, analyzer, key)
        unwritable = ""
        if path is not None:
            try:
                save(path, data)
            except OSError as e:
                unwritable = e.strerror or str(e)
        if unreadable and unwritable:
            why = unreadable if unreadable == unwritable else f"reading: {unreadable}; writing: {unwritable}"
            log.warning("%s: cannot read or rewrite the index cache (%s); building the index in memory", path, why)
        elif unreadable:
            log.warning("%s: index cache is unreadable (%s); rebuilding it", path, unreadable)
        elif unwritable:
            log.warning("%s: cannot write the index cache (%s); continuing without it", path, unwritable)
    data.stats = data.matrix.stats()
    data.scorer = make_scorer(settings.backend, data.matrix, settings.k1, settings.b)
    data.term_sets = TermSets(data.matrix)
    return data
