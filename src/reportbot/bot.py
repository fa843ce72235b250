"""ReportBot: the Python API over ingest, retrieval and answering."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from langchain_core.runnables import Runnable, RunnableLambda

from . import answer as ans
from .config import Settings
from .documents.corpus import survey
from .documents.safety import is_instruction_like
from .index.ingest import IngestReport, Progress, needs_ingest
from .index.ingest import ingest as run_ingest
from .index.records import StoredChunk
from .index.retrieval import Retriever
from .index.scope import ScopeError, named_reports, resolve_sources, scoped
from .index.store import Index
from .index.view import saved as view_saved
from .models import Answer, Hit, Report
from .tuning import CANDIDATE_CHUNKS, LLM_SOURCES, STREAM_PIECE_CHARS

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_HISTORY_TURNS = 8  # earlier turns kept for follow-ups (older ones are dropped)
MAX_HISTORY_CHARS = 2000  # of each earlier question or answer (the rest is cut off)
MAX_K = 100
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# what an answer says when every way of answering failed (logged; never a stack trace)
UNANSWERED = ("抱歉，这个问题暂时无法回答，请换个问法再试。"
              "(Sorry, this question could not be answered; try asking it another way.)")


class InputError(ValueError):
    """The question itself is unusable (empty, too long)."""


class NotIndexed(RuntimeError):
    """No usable index: nothing ingested yet, or an index this version cannot read."""


def clean_text(text: str) -> str:
    """Text without lone surrogates (they cannot be encoded, and mean nothing)."""
    return _SURROGATE_RE.sub("", text)


def check_question(question) -> str:
    if not isinstance(question, str):
        raise InputError("The question must be text.")
    question = clean_text(question).strip()
    if not question:
        raise InputError("请输入问题。(The question is empty.)")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"问题太长了（{len(question)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。"
            f"(The question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}.)"
        )
    return question


def check_history(history) -> list[tuple[str, str]] | None:
    """The chat so far, bounded: at most MAX_HISTORY_TURNS turns (the latest) of at most
    MAX_HISTORY_CHARS characters each. Bad shapes get a clear message."""
    if history is None or history == []:
        return None
    if not isinstance(history, (list, tuple)):
        raise InputError("history must be a list of [question, answer] pairs or role messages, "
                         f"not {type(history).__name__}")
    history = list(history)[-2 * MAX_HISTORY_TURNS:]  # role messages come two a turn
    try:
        pairs = ans.normalize_history(history)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    return [(clean_text(q)[:MAX_HISTORY_CHARS], clean_text(a)[:MAX_HISTORY_CHARS])
            for q, a in pairs[-MAX_HISTORY_TURNS:]]


def check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int):
        raise InputError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    if not 1 <= k <= MAX_K:
        raise InputError(f"k must be from 1 to {MAX_K}, not {k}")
    return k


def _scope(retriever: Retriever, sources) -> frozenset[str] | None:
    try:
        return resolve_sources(retriever, sources)
    except ScopeError as exc:
        raise InputError(str(exc)) from exc


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
        self.settings.check()  # a wrong setting is named now, before the model loads
        self.index = Index(self.settings)
        self._retriever: Retriever | None = None
        self._generation = -1
        self._lock = threading.Lock()
        self._llm = ans.build_llm(self.settings) if self.settings.use_llm else None
        self.chain: Runnable = (
            RunnableLambda(self._prepare, name="retrieve")
            | RunnableLambda(self._answer, name="answer")
        )

    # --- indexing --------------------------------------------------------------------------
    def ingest(self, corpus_dir: str | Path | None = None, progress=None) -> IngestReport:
        report = run_ingest(self.index, Path(corpus_dir or self.settings.corpus_dir), progress)
        with self._lock:
            self._retriever = None
        if self.index.count() and not view_saved(self.index):
            if progress:
                files = len(report.added + report.updated + report.unchanged + report.repaired)
                progress(Progress(files, files, "", report.chunks, stage="view"))
            self.retriever  # builds and saves the view now, so no reader has to at its start
        return report

    def needs_ingest(self) -> bool:
        """True when the index is empty, stale, partly written, or behind the corpus folder
        (files that failed before and have not changed do not count). Never for a read-only
        index: it answers as it is."""
        if self.index.read_only:
            return False
        return needs_ingest(self.index, self.settings.corpus_dir)

    @property
    def retriever(self) -> Retriever:
        """The in-memory view of the index; reloaded when another process has finished an
        ingest since (a running server sees new files without a restart)."""
        generation = self.index.generation()
        with self._lock:
            if self._retriever is None or self._generation != generation:
                if self.index.count() == 0:
                    raise NotIndexed("The index is empty: run `reportbot ingest` (or bot.ingest()) first.")
                if reason := self.index.stale_reason():
                    raise NotIndexed(f"The index cannot be used: {reason}. Run `reportbot ingest` "
                                       "(or bot.ingest()) to rebuild it.")
                self._retriever = Retriever(self.index)
                self._generation = generation
            return self._retriever

    def tables(self) -> list:
        """Every table of the corpus as a pandas DataFrame of typed values (numbers as
        floats, missing cells as None); ``df.attrs`` holds caption, source, section, page,
        header paths and units."""
        return [t.to_dataframe() for t in self.retriever.tables]

    # --- questions -------------------------------------------------------------------------
    def reports(self) -> dict[str, str]:
        """The corpus's reports: file name -> title (from the file's cover or first heading)."""
        return dict(self.retriever.titles)

    def library(self) -> list[Report]:
        """Every report of the corpus folder and of the index, with its state: indexed (title,
        broker, pages, chunks, tables), failed (the reason; a PDF without text needs OCR), or
        not yet indexed."""
        records = self.index.manifest_records()
        folder = Path(self.settings.corpus_dir)
        present = set()
        if folder.is_dir():
            present = {p.relative_to(folder).as_posix() for p in survey(folder, self.settings.extra_roots).files}
        try:
            retriever = self.retriever
        except RuntimeError:  # no usable index yet
            retriever = None
        pages: dict[str, set] = {}
        tables: Counter = Counter()
        if retriever is not None:
            for chunk in retriever.chunks:
                if chunk.page:
                    pages.setdefault(chunk.source, set()).add(chunk.page)
            tables.update(t.source for t in retriever.tables)
        out = []
        for source in sorted(present | set(records)):
            record = records.get(source, {})
            report = Report(source=source, title=source, chunks=int(record.get("chunks") or 0),
                            pages=len(pages.get(source, ())), tables=tables[source])
            if retriever is not None and source in retriever.titles:
                report.title = retriever.titles[source] or source
                report.broker = retriever.brokers.get(source, "")
                if facts := retriever.covers.get(source):
                    report.date, report.kind, report.rating = facts.date, facts.kind, facts.rating
                    report.target_price, report.analysts = facts.target_price, list(facts.analysts)
            if record.get("failed_reason"):
                report.error = record["failed_reason"]
                needs_ocr = "OCR it to index" in report.error or "need OCR" in report.error
                report.state = "needs_ocr" if needs_ocr else "failed"
            elif not record.get("file_hash"):
                report.state = "not_indexed"
            out.append(report)
        return out

    def retrieve(self, question: str, k: int = 5, sources=None) -> list[Hit]:
        """The ``k`` best chunks for ``question``, within ``sources`` (file names or titles)
        if given."""
        question = check_question(question)
        k = check_k(k)
        retriever = self.retriever
        return [_hit(c, s) for c, s in retriever.search(question, k, sources=_scope(retriever, sources))]

    def _prepare(self, inputs: dict) -> dict:
        if not isinstance(inputs, dict):
            raise InputError('the chain takes {"question": ..., "history": ..., "sources": ...}, '
                             f"not {type(inputs).__name__}")
        if "question" not in inputs:
            raise InputError('the chain needs a "question"')
        question = check_question(inputs["question"])
        history = check_history(inputs.get("history"))
        base = self.retriever
        scope = _scope(base, inputs.get("sources"))
        query = ans.understand(base, question, history)
        if scope is None:
            scope, naming = named_reports(base, question, query.terms)  # "南京证券那篇…"
            if naming:  # the words that picked the report are not what is asked about it
                query = ans.without_terms(query, naming)
        retriever = scoped(base, scope)
        vector = retriever.query_vector(query.search_text)
        found = retriever.search_scored(query.search_text, CANDIDATE_CHUNKS, vector)
        return {"query": query, "chunks": [c for c, _, _ in found], "vector": vector,
                "similarity": {c.id: sim for c, _, sim in found}, "history": history,
                "retriever": retriever, "titles": base.titles, "sources": inputs.get("sources"),
                "question": question}

    def _named(self, state: dict, answer: Answer) -> Answer:
        """With several reports in the corpus, the answer says which one(s) it comes from."""
        return ans.name_reports(answer, state["titles"]) if len(state["titles"]) > 1 else answer

    def _offline_answer(self, state: dict) -> Answer:
        """A computed answer when the question asks for a table operation, else a quote."""
        query, retriever = state["query"], state["retriever"]
        # an internal error in one answer path falls back to the next, logged, never shown
        try:  # about the report itself: its cover's facts ("这篇的评级", "作者是谁"), its parts
            itself = ans.cover_answer(retriever, query) or \
                (ans.overview_answer(retriever, query.asked) if ans.asks_structure(query) else None)
        except Exception:  # noqa: BLE001
            log.exception("the answer about the report failed for %r; answering from the text", query.asked)
            itself = None
        if itself is not None:
            state["computed"] = None
            return itself
        try:
            computed = ans.computed_answer(retriever, query)
        except Exception:  # noqa: BLE001
            log.exception("the computed answer failed for %r; answering from the text", query.asked)
            computed = None
        state["computed"] = computed  # the chat-model path gives it to the model as a source too
        if computed is not None:
            return ans.unsupported_period(query, computed) or computed
        try:
            answer = ans.extractive_answer(retriever, query, state["chunks"], state["similarity"],
                                           state["vector"])
        except Exception:  # noqa: BLE001
            log.exception("the extractive answer failed for %r", query.asked)
            return Answer(UNANSWERED, False, [], query.asked)
        return ans.unsupported_period(query, answer) or answer

    def _llm_sources(self, state: dict) -> list[StoredChunk]:
        """The chunks a chat model answers from: none that read like instructions to it; a
        computed table result first, as a source of its own, so it need not redo arithmetic."""
        chunks = [c for c in state["chunks"] if not is_instruction_like(c.body)][:LLM_SOURCES]
        computed = state["computed"]  # worked out by _offline_answer, which runs first
        if computed is None or not computed.citations:
            return chunks
        first = computed.citations[0]
        result = StoredChunk(kind="text", body=re.sub(r" ?\[\d+\]", "", computed.text),
                             section=f"{first.section} › 表格计算结果", page=first.page,
                             table=first.table, source=first.source, id="computed")
        return [result, *chunks[:LLM_SOURCES - 1]]

    def _answer(self, state: dict) -> Answer:
        answer = self._answer_of(state)
        if not answer.found:
            answer = self._apart(state) or answer
        return self._named(state, answer)

    def _apart(self, state: dict) -> Answer | None:
        """A question asking two things the report answers only apart ("分析师是谁，电话多少？"):
        each clause asked in turn, the earlier ones as the chat before it; None when it asks
        one thing, or a clause is not answered."""
        question = state["question"]
        clauses = ans.asked_apart(question)
        if not clauses:
            return None
        history = list(state["history"] or [])
        answers = []
        try:
            for clause in clauses:
                answers.append(self._answer_of(self._prepare(
                    {"question": clause, "history": history, "sources": state["sources"]})))
                history.append((clause, answers[-1].text))
                if not answers[-1].found:
                    return None  # the whole question's refusal stands
        except Exception:  # noqa: BLE001 - the whole question's answer stands
            log.exception("answering %r clause by clause failed", question)
            return None
        return ans.joined(question, answers)

    def _answer_of(self, state: dict) -> Answer:
        offline = self._offline_answer(state)
        if self._llm is None or not offline.found:
            return offline  # the report lacks the answer: a chat model is not asked to invent one
        chunks = self._llm_sources(state)
        try:
            reply = self._llm.invoke(ans.llm_messages(state["query"], chunks, state["history"]))
        except Exception as exc:  # noqa: BLE001 - slow, down, or failing: the report still answers
            return ans.fallback(offline, ans.model_failure(exc))
        return ans.llm_answer(str(reply.content), state["query"], chunks, offline,
                              state["retriever"].tokenizer.names)

    def ask(self, question: str, history=None, sources=None) -> Answer:
        """Answer ``question``; ``history`` is the chat so far, as (question, answer) pairs;
        ``sources`` limits it to those reports (file names or titles; default: all, or the
        one the question names)."""
        return self.chain.invoke({"question": question, "history": history, "sources": sources})

    def stream(self, question: str, history=None, sources=None) -> Iterator[str | Answer]:
        """Yield the answer text as it grows, then the finished :class:`Answer`. With a chat
        model the raw reply streams, and the verified answer replaces it at the end."""
        state = self._prepare({"question": question, "history": history, "sources": sources})
        offline = self._offline_answer(state)
        apart = None if offline.found else self._apart(state)  # answered whole, not streamed
        if apart is not None or self._llm is None or not offline.found:
            offline = self._named(state, apart or offline)
            text = ""
            for piece in pieces(offline.text):
                text += piece
                yield text
            yield offline
            return
        chunks = self._llm_sources(state)
        text = ""
        try:
            for part in self._llm.stream(ans.llm_messages(state["query"], chunks, state["history"])):
                text += str(part.content)
                if "NOT_FOUND".startswith(text.strip()[:9]) and len(text.strip()) < 10:
                    continue  # don't show the sentinel while it is being typed
                yield text
        except Exception as exc:  # noqa: BLE001 - as in _answer
            yield self._named(state, ans.fallback(offline, ans.model_failure(exc)))
            return
        yield self._named(state, ans.llm_answer(text, state["query"], chunks, offline,
                                                state["retriever"].tokenizer.names))


def pieces(text: str, size: int = STREAM_PIECE_CHARS) -> Iterator[str]:
    """The text in streamed pieces: a verified answer is shown as it would be typed."""
    for i in range(0, len(text), size):
        yield text[i:i + size]
