"""bot_config.yaml: loaded into typed dataclasses; unknown keys and wrong types are errors naming key and file."""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ldn_bot.errors import ConfigError

DEFAULT_CONFIG = "bot_config.yaml"


@dataclass(frozen=True)
class RetrievalConfig:
    backend: str = "rank-bm25"  # or "bm25s" for large corpora
    k1: float = 1.2
    b: float = 0.75
    top_k: int = 5  # citations shown at most
    threshold: float = 0.5  # share of the question's topical weight the best passage must match
    min_score: float = 1.0  # BM25 floor for any passage to be cited
    lead_sentences: int = 3
    fuzzy_cutoff: float = 84.0  # rapidfuzz score for a spelling correction
    cache: bool = True
    title_weight: int = 1  # a chunk's heading (study title, section heading) terms count this many times


@dataclass(frozen=True)
class ConversationConfig:
    idle_minutes: float = 30.0
    max_conversations: int = 1000


@dataclass(frozen=True)
class RateLimitConfig:
    questions: int = 5
    per_seconds: float = 60.0


@dataclass(frozen=True)
class DiscordConfig:
    allowed_channels: list[int] = field(default_factory=list)  # empty: everywhere
    answer_mentions: bool = True
    answer_dms: bool = True
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)
    maintainer_role: str | None = None
    test_guild_id: int | None = None
    shard_count: int | None = None
    log_user_ids: bool = False
    # Privileged intent: only when enabled here AND in the Developer Portal does the bot read plain
    # (non-mention) messages in its own answer threads. Mentions, DMs and slash commands work without it.
    message_content: bool = False


@dataclass(frozen=True)
class LogConfig:
    questions: str = "logs/questions.jsonl"  # no-evidence questions, relative to the config file
    feedback: str = "logs/feedback.jsonl"


@dataclass(frozen=True)
class Messages:
    no_evidence: str = "I have no evidence on that in my corpus."
    no_evidence_hint: str = "I can answer questions about studies of low-dose naltrexone."
    greeting: str = "Hello! Ask me about the published evidence on low-dose naltrexone (LDN)."
    thanks: str = "You're welcome."
    capabilities: str = "I answer questions about the published studies of low-dose naltrexone, quoting and citing them."
    creator: str = "I am ldn-bot, an open-source project."
    refusal: str = "I could not read that question."


@dataclass(frozen=True)
class Config:
    disclaimer: str
    corpus: str = "corpus"
    retrieval: RetrievalConfig = field(default_factory=RetrievalConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    logs: LogConfig = field(default_factory=LogConfig)
    messages: Messages = field(default_factory=Messages)
    base_dir: str = "."  # folder of the config file; relative paths resolve against it

    def resolve(self, relative: str) -> Path:
        p = Path(relative)
        return p if p.is_absolute() else Path(self.base_dir) / p

    @property
    def corpus_path(self) -> Path:
        return self.resolve(self.corpus)


def find_config(explicit: str | None = None) -> Path:
    """The config named on the command line, else $LDN_BOT_CONFIG, else ./bot_config.yaml, else the bundled one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("LDN_BOT_CONFIG")
    if env:
        return Path(env)
    here = Path.cwd() / DEFAULT_CONFIG
    if here.exists():
        return here
    return Path(__file__).resolve().parent.parent / DEFAULT_CONFIG


def load_config(path: str | Path | None = None) -> Config:
    cfg_path = find_config(str(path) if path else None)
    try:
        text = cfg_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{cfg_path}: config file not found") from None
    except OSError as e:
        raise ConfigError(f"{cfg_path}: cannot read config: {e.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{cfg_path}:{mark.line + 1}" if mark else str(cfg_path)
        raise ConfigError(f"{where}: malformed YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: expected a mapping of settings at the top level")
    data = dict(data)
    data["base_dir"] = str(cfg_path.resolve().parent)
    return _build(Config, data, cfg_path, "")


def _build(cls: type, data: dict[str, Any], path: Path, prefix: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in names or (key == "base_dir" and prefix):
            raise ConfigError(f"{path}: unknown setting '{dotted}'")
        kwargs[key] = _coerce(hints[key], value, path, dotted)
    for f in dataclasses.fields(cls):
        if f.name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"{path}: missing required setting '{prefix}{f.name}'")
    return cls(**kwargs)


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
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{path}: '{dotted}' must be a list")
        (item,) = typing.get_args(hint)
        return [_coerce(item, v, path, f"{dotted}[{i}]") for i, v in enumerate(value)]
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint is bool and isinstance(value, bool):
        return value
    if hint in (int, str) and isinstance(value, hint) and not isinstance(value, bool):
        return value
    raise ConfigError(f"{path}: '{dotted}' must be {_type_name(hint)}, not {type(value).__name__}")


def _type_name(hint: Any) -> str:
    return {float: "a number", int: "an integer", str: "a string", bool: "true or false"}.get(hint, str(hint))
