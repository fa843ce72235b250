"""Answering a question from retrieved chunks: understand it (query), compute it over typed
tables when it asks for that (tableops, computed), else quote the report (extractive), or ask
a chat model (llm)."""

from .clauses import asked_apart, joined
from .computed import computed_answer
from .coverfacts import cover_answer
from .extractive import NOT_FOUND, extractive_answer
from .llm import build_llm, fallback, llm_answer, llm_messages, model_failure
from .outline import asks_structure, overview_answer
from .periods import unsupported_period
from .query import Query, normalize_history, understand, without_terms
from .reports import name_reports

__all__ = ["Query", "understand", "normalize_history", "computed_answer", "cover_answer", "asks_structure",
           "extractive_answer",
           "overview_answer", "build_llm", "llm_answer", "llm_messages", "fallback",
           "model_failure", "name_reports", "without_terms", "unsupported_period", "NOT_FOUND",
           "asked_apart", "joined"]
