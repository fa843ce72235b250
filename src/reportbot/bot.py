"""ReportBot: the Python API over ingest, retrieval and answering."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

from langchain_core.runnables import Runnable, RunnableLambda

from . import answer as ans
from .config import Settings
from .models import Answer, Hit
from .retrieval import Retriever
from .store import IngestReport, Index, StoredChunk
from .tuning import CANDIDATE_CHUNKS, LLM_SOURCES

MAX_QUESTION_CHARS = 1000


class InputError(ValueError):
    """The question itself is unusable (empty, too long)."""


def check_question(question) -> str:
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    question = question.strip()
    if not question:
        raise InputError("请输入问题。(The question is empty.)")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"问题太长了（{len(question)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。"
            f"(The question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}.)"
        )
    return question


def _hit(chunk: StoredChunk, score: float) -> Hit:
    return Hit(text=chunk.body, source=chunk.source, section=chunk.section, page=chunk.page,
               kind=chunk.kind, score=round(score, 6), table=chunk.table, row=chunk.row,
               row_no=chunk.row_no, id=chunk.id)


class ReportBot:
    """Question answering with citations over the reports in a corpus folder.

    >>> bot = ReportBot()
    >>> bot.ingest()
    >>> bot.ask("哪些公司接入了文心一言？").text
    """

    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or Settings(**overrides)
        self.index = Index(self.settings)
        self._retriever: Retriever | None = None
        self._lock = threading.Lock()
        self._llm = ans.build_llm(self.settings) if self.settings.use_llm else None
        self.chain: Runnable = (
            RunnableLambda(self._prepare, name="retrieve")
            | RunnableLambda(self._answer, name="answer")
        )

    # --- indexing --------------------------------------------------------------------------
    def ingest(self, corpus_dir: str | Path | None = None) -> IngestReport:
        with self._lock:
            report = self.index.ingest(Path(corpus_dir) if corpus_dir else None)
            self._retriever = None
            return report

    def needs_ingest(self) -> bool:
        """True when the index is empty, stale, or behind the corpus folder."""
        from .loaders import file_hash, list_corpus

        if self.index.count() == 0 or self.index.stale_reason():
            return True
        corpus = self.settings.corpus_dir
        indexed = self.index.sources()
        files = {p.relative_to(corpus).as_posix(): file_hash(p) for p in list_corpus(corpus)}
        return any(indexed.get(s) != {h} for s, h in files.items()) or bool(set(indexed) - set(files))

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                if self.index.count() == 0:
                    raise RuntimeError("The index is empty: run `reportbot ingest` (or bot.ingest()) first.")
                self._retriever = Retriever(self.index)
            return self._retriever

    def tables(self) -> list:
        """Every table of the corpus as a pandas DataFrame of typed values (numbers as
        floats, missing cells as None); ``df.attrs`` holds caption, source, section, page,
        header paths and units."""
        return [t.to_dataframe() for t in self.retriever.tables]

    # --- questions -------------------------------------------------------------------------
    def retrieve(self, question: str, k: int = 5) -> list[Hit]:
        question = check_question(question)
        if k < 1:
            raise InputError("k must be at least 1")
        return [_hit(c, s) for c, s in self.retriever.search(question, k)]

    def _prepare(self, inputs: dict) -> dict:
        question = check_question(inputs["question"])
        retriever = self.retriever
        query = ans.understand(retriever, question, inputs.get("history"))
        vector = retriever.query_vector(query.search_text)
        found = retriever.search_scored(query.search_text, CANDIDATE_CHUNKS, vector)
        return {"query": query, "chunks": [c for c, _, _ in found], "vector": vector,
                "similarity": {c.id: sim for c, _, sim in found}, "history": inputs.get("history")}

    def _offline_answer(self, state: dict) -> Answer:
        """A computed answer when the question asks for a table operation, else a quote."""
        query = state["query"]
        computed = ans.computed_answer(self.retriever, query)
        if computed is not None:
            return computed
        return ans.extractive_answer(self.retriever, query, state["chunks"], state["similarity"],
                                     state["vector"])

    def _llm_sources(self, state: dict) -> list[StoredChunk]:
        """The chunks a chat model answers from; a computed table result goes first, as a
        source of its own, so that the model need not redo the arithmetic."""
        chunks = state["chunks"][:LLM_SOURCES]
        computed = ans.computed_answer(self.retriever, state["query"])
        if computed is None or not computed.citations:
            return chunks
        first = computed.citations[0]
        result = StoredChunk(kind="text", body=re.sub(r" ?\[\d+\]", "", computed.text),
                             section=f"{first.section} › 表格计算结果", page=first.page,
                             table=first.table, source=first.source, id="computed")
        return [result, *chunks[:LLM_SOURCES - 1]]

    def _answer(self, state: dict) -> Answer:
        query, chunks = state["query"], state["chunks"]
        if self._llm is None:
            return self._offline_answer(state)
        chunks = self._llm_sources(state)
        reply = self._llm.invoke(ans.llm_messages(query, chunks, state["history"]))
        return ans.llm_answer(str(reply.content), query, chunks)

    def ask(self, question: str, history=None) -> Answer:
        """Answer ``question``; ``history`` is the chat so far, as (question, answer) pairs."""
        return self.chain.invoke({"question": question, "history": history})

    def stream(self, question: str, history=None) -> Iterator[str | Answer]:
        """Yield the answer text as it grows, then the finished :class:`Answer`."""
        state = self._prepare({"question": question, "history": history})
        if self._llm is None:
            answer = self._answer(state)
            text = ""
            for piece in _pieces(answer.text):
                text += piece
                yield text
            yield answer
            return
        chunks = self._llm_sources(state)
        text = ""
        for part in self._llm.stream(ans.llm_messages(state["query"], chunks, history)):
            text += str(part.content)
            if "NOT_FOUND".startswith(text.strip()[:9]) and len(text.strip()) < 10:
                continue  # don't show the sentinel while it is being typed
            yield text
        yield ans.llm_answer(text, state["query"], chunks)


def _pieces(text: str, size: int = 6) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i:i + size]
