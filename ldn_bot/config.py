"""bot_config.yaml: loaded into typed dataclasses; unknown keys, wrong types and numbers out of range are errors
naming key and file.

Where the settings come from, in order: `--config FILE`, `$LDN_BOT_CONFIG`, `./bot_config.yaml`, then the defaults
that ship with ldn-bot (`default_dir()`: the checkout's own `bot_config.yaml` and `corpus/`, or in an installed
package the copy in `ldn_bot/bundled/`). Every numeric setting declares its range beside its default (`num`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from ldn_bot.errors import ConfigError

DEFAULT_CONFIG = "bot_config.yaml"
MAX_SNOWFLAKE = 2**64 - 1  # Discord ids


@dataclass(frozen=True)
class Range:
    """The values a numeric setting may take, both ends included; NaN and infinities never."""

    lo: float
    hi: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, (int, float)) and math.isfinite(value) and self.lo <= value <= self.hi

    def __str__(self) -> str:
        return f"from {_number(self.lo)} to {_number(self.hi)}"


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def num(default: Any, lo: float, hi: float) -> Any:
    """A numeric setting: its default and its range (checked on load; for a list, on each item)."""
    return field(default=default, metadata={"range": Range(lo, hi)})


Backend = Literal["rank-bm25", "bm25s"]  # the BM25 implementations ldn_bot.retrieval.index can score with


@dataclass(frozen=True)
class RetrievalConfig:
    backend: Backend = "rank-bm25"  # or "bm25s" for large corpora
    k1: float = num(1.5, 0, 10)  # chosen on SciFact train with title_weight and b (BENCHMARKS.md)
    b: float = num(0.85, 0, 1)
    top_k: int = num(5, 1, 20)  # citations shown at most
    threshold: float = num(0.5, 0, 1)  # share of the question's topical weight the best passage must match
    min_score: float = num(1.0, 0, 1000)  # BM25 floor for any passage to be cited
    lead_sentences: int = num(3, 1, 20)
    fuzzy_cutoff: float = num(84.0, 0, 100)  # rapidfuzz score for a spelling correction
    cache: bool = True
    title_weight: int = num(3, 1, 20)  # a chunk's heading (study title, section heading) terms count this many times


@dataclass(frozen=True)
class ConversationConfig:
    idle_minutes: float = num(30.0, 0, 525_600)  # up to a year
    max_conversations: int = num(1000, 1, 10_000_000)


@dataclass(frozen=True)
class RateLimitConfig:
    questions: int = num(5, 1, 1_000_000)
    per_seconds: float = num(60.0, 0.001, 31_536_000)  # up to a year
    browsing: int = num(30, 1, 1_000_000)  # /sources, /study, /about, /help and More, per per_seconds


@dataclass(frozen=True)
class DiscordConfig:
    allowed_channels: list[int] = field(default_factory=list, metadata={"range": Range(0, MAX_SNOWFLAKE)})  # [] = all
    answer_mentions: bool = True
    answer_dms: bool = True
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)
    maintainer_role: str | None = None
    test_guild_id: int | None = num(None, 0, MAX_SNOWFLAKE)
    shard_count: int | None = num(None, 1, 100_000)
    log_user_ids: bool = False
    # Privileged intent: only when enabled here AND in the Developer Portal does the bot read plain
    # (non-mention) messages in its own answer threads. Mentions, DMs and slash commands work without it.
    message_content: bool = False


@dataclass(frozen=True)
class LogConfig:
    questions: str = "logs/questions.jsonl"  # no-evidence questions, relative to the config file
    feedback: str = "logs/feedback.jsonl"


@dataclass(frozen=True)
class PubMedConfig:
    """NCBI E-utilities, for `corpus fetch` and `corpus watch`. NCBI asks every client to name itself (`tool`) and
    give a contact `email`; an API key (NCBI_API_KEY) comes from the environment only, never a settings file."""

    eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"  # $LDN_BOT_EUTILS_URL overrides it
    tool: str = "ldn-bot"
    email: str | None = None  # a maintainer's address, so NCBI can write before blocking a misbehaving client
    query: str = ('"low dose naltrexone"[tiab] OR "low-dose naltrexone"[tiab] OR "ultra-low-dose naltrexone"[tiab] '
                  'OR "very low dose naltrexone"[tiab] OR (LDN[tiab] AND naltrexone[tiab])')
    timeout: float = num(30.0, 1, 600)  # seconds per request


@dataclass(frozen=True)
class Messages:
    no_evidence: str = "I have no evidence on that in my corpus, so I can't cite anything for it."
    no_evidence_hint: str = (
        'I can answer questions about the published studies of low-dose naltrexone (LDN), for example "Does LDN '
        'help fibromyalgia?", "What doses were used in the Crohn\'s trials?" or "What are the side effects of LDN?".')
    greeting: str = ("Hello! I answer questions about the published evidence on low-dose naltrexone (LDN), quoting and "
                     "citing the studies.")
    thanks: str = "You're welcome. Ask me anything else about the LDN studies."
    capabilities: str = (
        "I answer questions about the published studies of low-dose naltrexone (LDN): which conditions it has been "
        "tried for, the study designs and sizes, doses, results and side effects. Every sentence I show is quoted "
        "from my corpus with its source.")
    creator: str = ("I am ldn-bot, an open-source community project. My answers are quoted from a curated corpus of "
                    "study summaries and a source article.")
    identity: str = ("I'm ldn-bot, a bot, not a person: I answer questions about the published studies of low-dose "
                     "naltrexone (LDN) by quoting and citing them. I can't give medical advice.")
    farewell: str = "Take care. Ask me about the LDN studies any time."
    platform: str = ("I only answer questions about the published LDN studies; for the server itself (channels, "
                     "roles, rules), please ask a moderator.")
    acknowledgement: str = "Ask me anything else about the LDN studies whenever you like."
    complaint: str = ("Sorry that didn't help. I can only quote what the studies in my corpus say; asking about one "
                      "condition, dose or side effect at a time works best.")
    refusal: str = ('I could not read that as a question. Please ask in plain words, for example "Does LDN help '
                    'fibromyalgia?".')


@dataclass(frozen=True)
class Config:
    disclaimer: str
    corpus: str = "corpus"
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    logs: LogConfig = field(default_factory=LogConfig)
    messages: Messages = field(default_factory=Messages)
    pubmed: PubMedConfig = field(default_factory=PubMedConfig)
    base_dir: str = "."  # folder of the config file; relative paths resolve against it

    def resolve(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def corpus_path(self) -> Path:
        return self.resolve(self.corpus)


def default_dir() -> Path:
    """The folder of the settings and corpus that ship with ldn-bot: the checkout this package runs from (an
    editable install), else the copy inside the installed package (`ldn_bot/bundled/`, made by setup.py)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if (checkout / DEFAULT_CONFIG).is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    return package / "bundled"


def is_packaged(path: str | Path) -> bool:
    """Whether `path` is inside the installed package's own copy of the defaults (not to be written to)."""
    bundled = Path(__file__).resolve().parent / "bundled"
    try:
        Path(path).resolve().relative_to(bundled)
    except ValueError:
        return False
    return True


def user_dir(kind: str) -> Path:
    """A per-user folder for ldn-bot's "cache" (index files) or "state" (logs of the packaged settings), after the
    XDG conventions: $XDG_CACHE_HOME/ldn-bot or ~/.cache/ldn-bot; $XDG_STATE_HOME/ldn-bot or ~/.local/state/ldn-bot."""
    var, fallback = {"cache": ("XDG_CACHE_HOME", ".cache"), "state": ("XDG_STATE_HOME", ".local/state")}[kind]
    base = os.environ.get(var)
    return (Path(base) if base and Path(base).is_absolute() else Path.home() / fallback) / "ldn-bot"


def corpus_cache(root: str | Path, name: str) -> Path:
    """Where a file derived from a corpus folder is kept: <corpus>/.cache/<name>; for the corpus shipped inside an
    installed package (site-packages may be read-only, and is not ours to write into), the user's cache folder
    instead (one file per corpus folder and name)."""
    root = Path(root)
    if not is_packaged(root):
        return root / ".cache" / name
    digest = hashlib.blake2b(str(root.resolve()).encode("utf-8"), digest_size=8).hexdigest()
    stem, _, suffix = name.partition(".")
    return user_dir("cache") / f"{stem}-{digest}.{suffix}"


def find_config(explicit: str | None = None) -> Path:
    """The config named on the command line, else $LDN_BOT_CONFIG, else ./bot_config.yaml, else the default one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("LDN_BOT_CONFIG")
    if env:
        return Path(env)
    here = Path.cwd() / DEFAULT_CONFIG
    if here.exists():
        return here
    return default_dir() / DEFAULT_CONFIG


MAX_YAML_DEPTH = 32  # settings are 3 levels deep; a study record a few more


def load_yaml(text: str, path: str | Path, max_depth: int = MAX_YAML_DEPTH) -> Any:
    """yaml.safe_load, but YAML nested more than `max_depth` levels is refused before it is built (PyYAML builds
    nested values recursively and would end in RecursionError). Raises yaml.YAMLError (with a mark when known)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                raise yaml.MarkedYAMLError(problem=f"nested more than {max_depth} levels deep",
                                           problem_mark=event.start_mark)  # type: ignore[arg-type]
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise yaml.YAMLError(f"{path}: nested too deeply") from None


MAX_CONFIG_BYTES = 1 << 20  # the shipped settings are ~4 KB


def _read_settings_bytes(path: Path) -> bytes:
    """The settings file's bytes. A device (`--config /dev/zero`), socket or a file over MAX_CONFIG_BYTES is a
    ConfigError, never read forever; a pipe (`--config <(...)`) is read up to the limit."""
    with open(path, "rb") as f:
        mode = os.fstat(f.fileno()).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise ConfigError(f"{path}: not a regular file (a device or socket); name a settings file")
        raw = f.read(MAX_CONFIG_BYTES + 1)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES:,} bytes: not a settings file")
    return raw


def load_config(path: str | Path | None = None) -> Config:
    cfg_path = find_config(str(path) if path else None)
    try:
        raw = _read_settings_bytes(cfg_path)
    except FileNotFoundError:
        raise ConfigError(f"{cfg_path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{cfg_path}: is a folder, not a settings file") from None
    except OSError as e:
        raise ConfigError(f"{cfg_path}: cannot read config: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ConfigError(f"{cfg_path}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x}); "
                          "save the settings file as UTF-8") from None
    try:
        data = load_yaml(text, cfg_path)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{cfg_path}:{mark.line + 1}" if mark else str(cfg_path)
        problem = " ".join(str(getattr(e, "problem", None) or e).split())
        raise ConfigError(f"{where}: malformed YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: expected a mapping of settings at the top level")
    data = dict(data)
    data["base_dir"] = str(cfg_path.resolve().parent)
    config = _build(Config, data, cfg_path, "")
    if is_packaged(cfg_path):
        config = _logs_outside_package(config)
    return config


def _logs_outside_package(config: Config) -> Config:
    """The packaged settings keep their logs in the user's state folder, not inside site-packages."""
    state = user_dir("state")
    logs = config.logs
    moved = {name: value if Path(value).is_absolute() else str(state / value)
             for name, value in (("questions", logs.questions), ("feedback", logs.feedback))}
    return dataclasses.replace(config, logs=LogConfig(**moved))


def _build(cls: Any, data: dict[str, Any], path: Path, prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in names or (key == "base_dir" and prefix):
            raise ConfigError(f"{path}: unknown setting '{dotted}'")
        kwargs[key] = _coerce(hints[key], value, path, dotted)
    for f in dataclasses.fields(cls):
        rng = f.metadata.get("range")
        if rng is not None and f.name in kwargs:
            _check_range(kwargs[f.name], rng, path, f"{prefix}{f.name}")
    for f in dataclasses.fields(cls):
        if f.name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{path}: missing required setting '{prefix}{f.name}'")
    return cls(**kwargs)


def _check_range(value: Any, rng: Range, path: Path, dotted: str) -> None:
    for i, item in enumerate(value) if isinstance(value, list) else [(None, value)]:
        if item is not None and item not in rng:
            name = dotted if i is None else f"{dotted}[{i}]"
            kind = "an integer" if isinstance(item, int) else "a number"
            raise ConfigError(f"{path}: '{name}' must be {kind} {rng}, not {item!r}"[:300])


def _coerce(hint: Any, value: Any, path: Path, dotted: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: '{dotted}' must be a mapping")
        return _build(hint, value, path, dotted + ".")
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, path, dotted)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value in allowed and isinstance(value, str):
            return value
        raise ConfigError(f"{path}: '{dotted}' must be one of {', '.join(map(repr, allowed))}, not {value!r}"[:300])
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{path}: '{dotted}' must be a list")
        (item,) = typing.get_args(hint)
        return [_coerce(item, v, path, f"{dotted}[{i}]") for i, v in enumerate(value)]
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an integer too large for a float: out of any range
            raise ConfigError(f"{path}: '{dotted}' is too large a number") from None
    if hint is bool and isinstance(value, bool):
        return value
    if hint in (int, str) and isinstance(value, hint) and not isinstance(value, bool):
        return value
    raise ConfigError(f"{path}: '{dotted}' must be {_type_name(hint)}, not {type(value).__name__}")


def _type_name(hint: Any) -> str:
    return {float: "a number", int: "an integer", str: "a string", bool: "true or false"}.get(hint, str(hint))
