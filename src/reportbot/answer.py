"""Answering from retrieved chunks: an offline extractive answerer and an optional chat model.

The extractive answerer looks at every sentence and table row of the retrieved chunks and
scores how much of the question each one covers (IDF-weighted content terms, matched in the
unit and its section/table context). It answers with the best-covering units, each cited as
[n]. When a content term that matters is not covered by any unit (an entity or attribute the
report does not have), it says so instead of guessing: ``found = False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .models import Answer, Citation
from .parse import SEP
from .retrieval import Retriever, Unit, section_title
from .store import StoredChunk
from .textproc import Term, contains, has_cjk, is_mostly_latin, normalize

MIN_COVERAGE = 0.55  # share of the question's weighted terms a unit must cover
BLOCK_SHARE = 0.5  # a missing term this heavy (vs. the heaviest) means "not in the report"
TIE_MARGIN = 0.05  # units this close to the best one are listed too
MAX_UNITS = 8
MAX_TABLE_ROWS = 40  # a list question over one table may take all its rows
CANDIDATE_CHUNKS = 15
LLM_SOURCES = 6  # chunks given to a chat model
PRIOR_WEIGHT = 0.6

NOT_FOUND = "报告中没有找到能回答这个问题的内容。"
NO_TERMS = "请提一个与报告内容相关的具体问题，例如：哪些公司接入了文心一言？"

_OVERVIEW_RE = re.compile(
    r"报告|讲|内容|概要|摘要|总结|大纲|结构|目录|overview|summary|summari[sz]e|about|outline", re.I
)
_MORE_RE = re.compile(r"还有|别的|其他|其它|更多|另外|此外")
_ANAPHORA_RE = re.compile(r"^(那|那么|它|它们|他们|其|该|这些|那些|这个|那个)|呢[？?]?$")


@dataclass
class Query:
    """A question as understood in the context of the chat."""

    question: str
    search_text: str
    terms: list[Term]
    followup: str = ""  # "" | "more" (more of the same) | "sub" (same question, new subject)
    shown: str = ""  # normalized earlier answer: what "还有别的吗" must not repeat
    previous: str = ""

    @property
    def asked(self) -> str:
        """The question as understood, for Answer.question."""
        return f"{self.previous} → {self.question}" if self.previous else self.question


def normalize_history(history) -> list[tuple[str, str]]:
    """Accept [(user, bot)], [[user, bot]] or [{"role", "content"}] and return pairs."""
    pairs: list[tuple[str, str]] = []
    if not history:
        return pairs
    pending_user = None
    for item in history:
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
            if isinstance(content, list):  # gradio multimodal content blocks
                content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c)
                                   for c in content)
            content = "" if content is None else str(content)
            if role == "user":
                pending_user = content
            elif role == "assistant" and pending_user is not None:
                pairs.append((pending_user, content))
                pending_user = None
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            pairs.append((str(item[0] or ""), str(item[1] or "")))
        else:
            raise ValueError(f"history items must be (question, answer) pairs or role dicts, got {item!r}")
    return pairs


def _search_text(question: str, terms: list[Term]) -> str:
    """What retrieval searches for: an English question also by its Chinese terms."""
    if not is_mostly_latin(question):
        return question
    return " ".join([question, *(t.text for t in terms if has_cjk(t.text))])


def understand(retriever: Retriever, question: str, history=None, depth: int = 3) -> Query:
    question = question.strip()
    terms = retriever.tokenizer.terms(question)
    pairs = normalize_history(history)
    if not pairs or depth == 0:
        return Query(question, _search_text(question, terms), terms)
    prev_q, prev_a = pairs[-1]
    # the earlier question as it was understood in its own context (follow-ups chain)
    prev = understand(retriever, prev_q, pairs[:-1], depth - 1)
    prev_terms = prev.terms
    prev_q = prev.search_text
    # a content term of the new question that the report knows, and that the earlier
    # question did not have, makes it a question of its own unless it is worded as a follow-up
    own = [t for t in terms if not t.soft and retriever.stats.term_known(t)]
    more = bool(_MORE_RE.search(question))
    is_followup = more or bool(_ANAPHORA_RE.search(question)) or len(own) == 0
    if not is_followup:
        return Query(question, _search_text(question, terms), terms)
    have = {t.text for t in terms}
    # "微软呢？" after a question about 谷歌: the new name takes the old one's place
    # (likewise a new year or number); everything else the earlier question asked stays
    replaced = {t.kind for t in terms if t.kind and not more}
    prior = [replace(t, weight=t.weight * (1 if t.prior else PRIOR_WEIGHT), prior=True)
             for t in prev_terms if t.text not in have and t.kind not in replaced]
    return Query(
        question=question,
        search_text=f"{prev_q} {_search_text(question, terms)}",
        terms=terms + prior,
        followup="more" if more else "sub",
        shown=normalize(prev_a) if more else "",
        previous=prev_q,
    )


@dataclass
class Scored:
    unit: Unit
    coverage: float  # in the unit with its section/table context
    body: float  # in the unit's own text
    ctx: float  # in its section/table context alone
    missing: list[str]
    blocked: bool
    rank: int


def _match(retriever: Retriever, term: str, norm: str, name: bool = False) -> float:
    """1 for the term itself; partial credit for its parts. Chinese compounds are
    head-final (股票代码 → 代码, 上市公司 → 公司), so the head alone earns most; but a
    name is matched whole (恺英网络 is not 盛天网络)."""
    if contains(term, norm):
        return 1.0
    subs = [normalize(s) for s in retriever.tokenizer.subwords(term)]
    if not subs or name:
        return 0.0
    if term.endswith(subs[-1]) and contains(subs[-1], norm):
        return 0.6
    return 0.5 * sum(contains(s, norm) for s in subs) / len(subs)


def _term_match(retriever: Retriever, term: Term, norm: str) -> float:
    return max(_match(retriever, f, norm, term.exact) for f in term.forms)


def _weights(retriever: Retriever, query: Query) -> list[tuple[Term, float]]:
    stats = retriever.stats
    english = is_mostly_latin(query.question)
    out = []
    for t in query.terms:
        if english and t.text.isascii() and not t.proper and not stats.term_known(t):
            continue  # an English word we cannot match against a Chinese report
        out.append((t, t.weight * stats.term_idf(t)))
    if english and not any(has_cjk(t.text) or (t.proper and stats.term_known(t)) for t, _ in out):
        return []  # no name or term the report knows: nothing to anchor an answer on
    return out


def score_units(retriever: Retriever, query: Query, chunks: list[StoredChunk],
                weighted: list[tuple[Term, float]]) -> list[Scored]:
    if not weighted:
        return []
    heavy = max((w for t, w in weighted if not t.soft), default=0.0)
    seen: set[tuple[str, str]] = set()
    out: list[Scored] = []
    for rank, chunk in enumerate(chunks):
        for unit in retriever.units(chunk):
            key = (unit.chunk.id, unit.text)
            if key in seen:
                continue
            seen.add(key)
            got, body, ctx, total, missing, blocked = 0.0, 0.0, 0.0, 0.0, [], False
            for term, w in weighted:
                m = _term_match(retriever, term, unit.norm)
                got += w * m
                # a soft term (a verb, or the kind of answer wanted) that is missing
                # costs half its weight: the report may well say it in other words
                total += w * (m + (1 - m) * (0.5 if term.soft else 1.0))
                if m:
                    body += w * _term_match(retriever, term, unit.body_norm)
                    ctx += w * _term_match(retriever, term, unit.ctx_norm)
                if m < 0.5:
                    missing.append(term.text)
                    may_block = not term.soft and not (term.prior and query.followup == "sub")
                    if may_block and w >= BLOCK_SHARE * heavy:
                        blocked = True
            out.append(Scored(unit, got / total, body / total, ctx / total, missing, blocked, rank))
    return out


def _already_shown(unit: Unit, shown: str) -> bool:
    if not shown:
        return False
    if unit.chunk.kind == "row":
        return all(normalize(v) in shown for _, v in unit.chunk.cells if v)
    return normalize(unit.text) in shown


def _merit(s: Scored) -> float:
    return 0.8 * s.coverage + 0.2 * s.body


def select(retriever: Retriever, query: Query, chunks: list[StoredChunk],
           weighted: list[tuple[Term, float]]) -> tuple[list[Scored], list[Scored]]:
    """(chosen units, all scored units) for a question."""
    scored = score_units(retriever, query, chunks, weighted)
    ok = [s for s in scored if not s.blocked and s.coverage >= MIN_COVERAGE
          and not _already_shown(s.unit, query.shown)]
    if not ok:
        return [], scored
    # best coverage first, what the unit's own text covers counting a little extra; then
    # higher-ranked chunks, then single sentences over pairs
    ok.sort(key=lambda s: (-round(_merit(s), 6), s.rank, s.unit.pair, s.unit.pos))
    best = _merit(ok[0])
    # matched only through the heading: the question is about a whole section, so give
    # the opening sentence of each of its paragraphs rather than every sentence
    section_level = ok[0].coverage - ok[0].ctx < 1e-9
    table = ok[0].unit.chunk.table_id if ok[0].unit.chunk.kind == "row" else None
    chosen: list[Scored] = []
    for s in ok:
        if _merit(s) < best - TIE_MARGIN:
            break
        one_table = table and all(c.unit.chunk.table_id == table for c in [*chosen, s])
        if len(chosen) >= (MAX_TABLE_ROWS if one_table else MAX_UNITS):
            break
        if section_level and not s.unit.first:
            continue
        if any(s.unit.chunk.id == c.unit.chunk.id and set(s.unit.parts) & set(c.unit.parts)
               for c in chosen):
            continue  # shares a sentence with a unit already chosen (a sentence and its pair)
        chosen.append(s)
    return chosen, scored


def _row_text(unit: Unit, weighted: list[tuple[Term, float]]) -> str:
    """A table row with the cell the question asks about first."""
    cells = [(h, v) for h, v in unit.chunk.cells if v]
    if not cells:
        return unit.text
    best, best_score = None, 0.0
    for i, (header, value) in enumerate(cells):
        h = normalize(header)
        v = normalize(value)
        score = sum(w for t, w in weighted
                    if any(contains(f, h) and not contains(f, v) for f in t.forms))
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return unit.text
    header, value = cells[best]
    rest = "；".join(f"{h}：{v}" for j, (h, v) in enumerate(cells) if j != best)
    return f"{header}：{value}（{rest}）" if rest else f"{header}：{value}"


def overview_answer(retriever: Retriever, asked: str) -> Answer:
    """What the report is about: its parts and their headings, each part cited."""
    lines: list[str] = []
    citations: list[Citation] = []
    by_source: dict[str, list[StoredChunk]] = {}
    for c in retriever.chunks:
        by_source.setdefault(c.source, []).append(c)
    for source, chunks in by_source.items():
        parts: dict[str, list[str]] = {}
        first: dict[str, StoredChunk] = {}
        for c in chunks:
            part, _, heading = c.section.partition(SEP)
            first.setdefault(part, c)
            headings = parts.setdefault(part, [])
            if heading and heading not in headings:
                headings.append(heading)
        if len(by_source) > 1:
            lines.append(f"{source}：")
        for part, headings in parts.items():
            n = len(citations) + 1
            c = first[part]
            citations.append(_citation(n, c, c.body.split("\n")[0]))
            lines.append(f"- {part}" + (f"：{'；'.join(headings)}" if headings else "") + f" [{n}]")
    return Answer("报告的结构（各部分与小节）：\n" + "\n".join(lines), True, citations, asked)


def _list_after(retriever: Retriever, unit: Unit, limit: int = 8) -> list[str]:
    """The list a lead-in sentence announces ("体现在四个方面：" and the lines after it)."""
    if not unit.text.rstrip().endswith(("：", ":")) or unit.pair:
        return []
    lines = unit.chunk.body.split("\n")
    at = next((i for i, line in enumerate(lines) if line.rstrip().endswith(unit.text.rstrip())), None)
    if at is None:
        return []
    items = lines[at + 1:at + 1 + limit]
    if len(items) < limit:  # the list may go on in the next chunk of the same section
        chunks = retriever.chunks  # in report order, file by file
        pos = chunks.index(unit.chunk)
        nxt = chunks[pos + 1] if pos + 1 < len(chunks) else None
        if nxt and nxt.source == unit.chunk.source and nxt.section == unit.chunk.section \
                and nxt.kind == "text":
            items += nxt.body.split("\n")[:limit - len(items)]
    return [i for i in items if i.strip()]


def _citation(n: int, chunk: StoredChunk, quote: str) -> Citation:
    return Citation(n=n, source=chunk.source, section=chunk.section, page=chunk.page,
                    quote=quote, kind=chunk.kind, table=chunk.table, row=chunk.row,
                    row_no=chunk.row_no)


def extractive_answer(retriever: Retriever, query: Query, chunks: list[StoredChunk]) -> Answer:
    asked = query.asked
    if not query.terms:
        if _OVERVIEW_RE.search(query.question):
            return overview_answer(retriever, asked)
        return Answer(NO_TERMS, False, [], asked)
    weighted = _weights(retriever, query)
    chosen, scored = select(retriever, query, chunks, weighted)
    if not chosen:
        return Answer(_not_found_text(query, scored), False, [], asked)
    # read in report order; one citation number per chunk
    chosen.sort(key=lambda s: (s.unit.chunk.source, s.unit.chunk.order, s.unit.pos))
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    lines: list[str] = []
    for s in chosen:
        cid = s.unit.chunk.id
        n = numbers.setdefault(cid, len(numbers) + 1)
        quotes.setdefault(cid, []).append(s.unit.text)
        if s.unit.chunk.kind == "row":
            text = _row_text(s.unit, weighted)
        else:
            text = s.unit.text
            items = _list_after(retriever, s.unit)
            if items:
                quotes[cid].extend(items)
                text += "\n" + "\n".join(f"  - {item}" for item in items)
        lines.append(f"{text} [{n}]")
    citations = []
    for cid, n in numbers.items():
        chunk = retriever.by_id[cid]
        citations.append(_citation(n, chunk, "\n".join(quotes[cid])))
    if len(lines) == 1:
        body = lines[0]
    else:
        tables = {s.unit.chunk.table for s in chosen}
        head = f"报告中相关的内容（表「{tables.pop()}」）：" if len(tables) == 1 and "" not in tables else "报告中相关的内容："
        body = head + "\n" + "\n".join(f"- {line}" for line in lines)
    return Answer(body, True, citations, asked)


def _not_found_text(query: Query, scored: list[Scored]) -> str:
    if query.followup == "more":
        return "除了上面已经给出的内容，报告中没有找到更多相关信息。"
    if not scored:
        return NOT_FOUND
    best = max(scored, key=lambda s: s.coverage)
    missing = [t for t in best.missing if not t.isdigit()][:3]
    where = section_title(best.unit.chunk.section)
    text = NOT_FOUND
    if missing:
        text += f"最接近的是「{where}」部分，但其中没有提到“{'、'.join(missing)}”。"
    return text


# --- an OpenAI-compatible chat model -------------------------------------------------------

LLM_SYSTEM = (
    "你是研究报告问答助手。只根据下面编号的报告片段回答问题，不要使用片段以外的知识。"
    "每句话后用 [n] 标注所依据的片段编号。如果片段中没有答案，只输出 NOT_FOUND。"
    "用提问所用的语言回答。"
)


def build_llm(settings):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",
        temperature=0,
        timeout=60,
        max_retries=1,
    )


def llm_messages(query: Query, chunks: list[StoredChunk], history) -> list[tuple[str, str]]:
    sources = "\n\n".join(
        f"[{i}] （{c.section}{'，表「' + c.table + '」' if c.table else ''}）\n{c.body}"
        for i, c in enumerate(chunks, 1)
    )
    messages: list[tuple[str, str]] = [("system", LLM_SYSTEM)]
    for user, bot in normalize_history(history)[-3:]:
        messages.append(("human", user))
        messages.append(("ai", bot))
    messages.append(("human", f"报告片段：\n{sources}\n\n问题：{query.question}"))
    return messages


def llm_answer(text: str, query: Query, chunks: list[StoredChunk]) -> Answer:
    asked = query.asked
    if "NOT_FOUND" in text or not text.strip():
        return Answer(NOT_FOUND, False, [], asked)
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(chunks)})
    if not used:
        used = list(range(1, len(chunks) + 1))
    citations = [_citation(n, chunks[n - 1], chunks[n - 1].body) for n in used]
    return Answer(text.strip(), True, citations, asked)
