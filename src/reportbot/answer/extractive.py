"""The offline extractive answerer.

It looks at every sentence and table row of the retrieved chunks and scores how much of the
question each one covers (IDF-weighted content terms with their synonyms and aliases, matched
in the unit and its section/table context), plus how close its chunk is to the question in the
embedding space. It answers with the best units, each cited as [n]. Only what the question is
about (its names, metrics, years and periods: ``Term.key``) can make it refuse: when no unit
covers those, it says which are missing from the report, or that the report never gives them
together, instead of guessing: ``found = False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..index.records import StoredChunk
from ..index.retrieval import Retriever, Unit, section_title
from ..language.contrast import contrasting_word, modified_otherwise
from ..language.terms import Term, contains, has_cjk, is_mostly_latin, normalize
from ..models import Answer
from ..tuning import (
    BLOCK_SHARE,
    EXPLANATION_CHARS,
    LIST_ITEMS,
    MAX_TABLE_ROWS,
    MAX_UNITS,
    MERIT_BODY,
    MERIT_COVERAGE,
    MERIT_SEMANTIC,
    MIN_COVERAGE,
    MIN_SEMANTIC,
    SOFT_MISSING_COST,
    TIE_MARGIN,
)
from .amounts import figures_of_other_years, gives_amount
from .outline import OVERVIEW_RE, asks_structure, overview_answer
from .passages import citation, enumerated_count, list_after, row_text, with_antecedent
from .query import COMPARE_RE, Query
from .refusals import LEGAL_RE, LEGAL_SECTION_RE, NOT_FOUND, NOT_FOUND_EN, OTHER_KIND, not_found_text
from .textsum import sum_line

NO_TERMS = "请提一个与报告内容相关的具体问题，例如：哪些公司接入了文心一言？"

# a question that asks how many ("包含几个要点", "how many steps")
_COUNT_Q_RE = re.compile(r"(?:几|多少)(?:个|条|点|项|种|步|类|方面|要点)|how many", re.I)
# marks, among a unit's missing words, the one the unit gives others of the kind of
# a date in a passage: 2018年, 3月20日, 4.8 in a 时间 column, 12月
_DATE_IN_TEXT_RE = re.compile(r"(?:19|20)\d{2}|\d{1,2}月|\d{1,2}日|时间：\d")


@dataclass
class Scored:
    unit: Unit
    coverage: float  # in the unit with its section/table context
    body: float  # in the unit's own text
    ctx: float  # in its section/table context alone
    missing: list[str]
    blocked: bool
    rank: int
    semantic: float = 0.0  # cosine similarity of the unit's chunk to the question


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
        known = stats.term_known(t)
        if not t.key and not known:
            continue  # a filler the report never uses (现在, 手里, 表里): it tells no unit apart
        if english and t.text.isascii() and not t.proper and not known and not t.key:
            continue  # an English word we cannot match against a Chinese report
        out.append((t, t.weight * stats.term_idf(t)))
    if english and not any(has_cjk(t.text) or (t.proper and stats.term_known(t)) for t, _ in out):
        return []  # no name or term the report knows: nothing to anchor an answer on
    return out


def score_units(retriever: Retriever, query: Query, chunks: list[StoredChunk],
                weighted: list[tuple[Term, float]],
                similarity: dict[str, float] | None = None, vector=None) -> list[Scored]:
    """``similarity``: each chunk's cosine to the question; ``vector``: the question's, to
    compare with each unit's own vector (the chunk's cosine stands in where a unit has none)."""
    similarity = similarity or {}
    if not weighted:
        return []
    heavy = max((w for t, w in weighted if t.key), default=0.0)
    subject = _subject(query, weighted)
    modified = _measures_modified(query)  # once a question, not once a unit
    seen: set[tuple[str, str]] = set()
    abouts: dict[str, str] = {}
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
                # a word that is not what the question is about (a verb, the kind of
                # answer wanted, a colloquial noun) costs less when missing: the report
                # may well say it in other words
                total += w * (m + (1 - m) * (1.0 if term.key else SOFT_MISSING_COST))
                if m:
                    body += w * _term_match(retriever, term, unit.body_norm)
                    ctx += w * _term_match(retriever, term, unit.ctx_norm)
                if m < 0.5:
                    missing.append(term.text)
                    if not term.role and not term.soft:
                        if contrasting_word(term.text, _about(unit.chunk, abouts)):
                            blocked = True  # "日频" asked, the caption says （周频）: another of the kind
                        elif term.text in modified and modified_otherwise(term.text, modified[term.text], unit.norm):
                            blocked = True  # 医疗政策净支持率 asked, the passage gives 移民政策's
                            missing.append(f"{OTHER_KIND}{term.text}")
                    may_block = term.key and not (term.prior and query.followup == "sub")
                    # the name the question is about blocks however often the corpus says it:
                    # a passage on 标普500 does not tell how MHHTML fares on it
                    if may_block and (w >= BLOCK_SHARE * heavy or term is subject):
                        blocked = True
            if query.wants_date and not _DATE_IN_TEXT_RE.search(unit.text):
                blocked = True  # asked "when", and this passage gives no date
                missing.append("date")
            if (query.wants_amount or query.wants_money) and not gives_amount(unit, query):
                blocked = True  # asked "how much", and this passage gives no amount
                missing.append("amount")
            elif unit.chunk.kind != "row" and (year := figures_of_other_years(unit.text, query)):
                blocked = True  # 2021's count asked; the passage's figure is 2022's
                missing.append(f"{OTHER_KIND}{year}")
            semantic = retriever.similarity(unit, vector)
            if semantic is None:
                semantic = similarity.get(chunk.id, 0.0)
            out.append(Scored(unit, got / total, body / total, ctx / total, missing, blocked, rank,
                              semantic))
    return out


def _measures_modified(query: Query) -> dict[str, str]:
    """Each plain word of the question standing before a measure it asks (医疗 of 医疗政策的净支持率,
    12 of 12个月目标价), with what follows it up to the question word: a passage lacking the word
    but giving that measure under another modifier gives others of the kind."""
    asked = normalize(query.text)
    measures = [f for t in query.terms if t.key and t.role != "period" for f in t.forms]
    out = {}
    for t in query.terms:
        at = asked.find(t.text)
        if t.role or t.soft or at < 0:
            continue
        rest = re.split(r"是|为|有多少|多少|几|吗|呢|[，,。？?！!]", asked[at + len(t.text):], maxsplit=1)[0]
        if any(f in rest for f in measures):
            out[t.text] = rest
    return out


def _subject(query: Query, weighted: list[tuple[Term, float]]) -> Term | None:
    """The first name a question asks about (MHHTML in "MHHTML在标普500上效果怎么样"), when it
    names two or more and compares none: what every passage quoted must speak of."""
    names = [t for t, _ in weighted if t.role == "entity" and t.key and not t.prior]
    if len(names) < 2 or COMPARE_RE.search(query.question):
        return None
    asked = query.question.lower()

    def at(t: Term) -> int:  # a term not written as asked (folded, translated) comes last
        found = asked.find(t.text.lower())
        return found if found >= 0 else len(asked)
    return min(names, key=at)


def _about(chunk: StoredChunk, abouts: dict[str, str]) -> str:
    """What a passage says it is about, its table's caption and its section (normalized once a
    chunk, and only when a question's plain word is missing from it)."""
    about = abouts.get(chunk.id)
    if about is None:
        about = abouts[chunk.id] = normalize(f"{chunk.table}\n{chunk.section}")
    return about


def _already_shown(unit: Unit, shown: str) -> bool:
    if not shown:
        return False
    if unit.chunk.kind == "row":
        return all(normalize(v) in shown for _, v in unit.chunk.cells if v)
    return normalize(unit.text) in shown


def _row_names(unit: Unit) -> list[str]:
    return [normalize(v) for v in unit.chunk.row.split(" · ") if v]


def _exact_rows(query: Query, ok: list[Scored]) -> list[Scored]:
    """A row named exactly what the question names (孤雁出群因子) answers for it; the rows of
    the same table whose names only contain it (月均孤雁出群因子) are other things."""
    names = {f for t in query.terms if t.role == "entity" for f in t.forms}
    exact = {(s.unit.chunk.table_id, n) for s in ok if s.unit.chunk.kind == "row"
             for n in _row_names(s.unit) if n in names}
    if not exact:
        return ok

    def longer(s: Scored) -> bool:
        if s.unit.chunk.kind != "row":
            return False
        own = _row_names(s.unit)
        return any(table == s.unit.chunk.table_id and n not in own and any(n in o for o in own)
                   for table, n in exact)
    return [s for s in ok if not longer(s)]


def _merit(s: Scored) -> float:
    return MERIT_COVERAGE * s.coverage + MERIT_BODY * s.body + MERIT_SEMANTIC * s.semantic


MEANING_RE = re.compile(r"什么意思|啥意思|意思是|含义|定义|指的是|是指什么|指什么|怎么理解|\bmeans?\b|meaning|"
                         r"definition|defined", re.I)
# what follows a word that it explains: "推荐：预计6个月内…", "X是指…", "X即…"
_EXPLAINED_BY_RE = r"(?:[：:]|是指|指的是|意味着|即)"


_LIST_Q_RE = re.compile(r"哪些|哪几|有什么|有啥|列出|列举|都有|\bwhich\b|\bwhat are\b|\blist\b", re.I)


def _explains(unit: Unit, terms: list[Term]) -> bool:
    text = unit.body_norm
    return any(re.search(re.escape(f) + _EXPLAINED_BY_RE + f".{{{EXPLANATION_CHARS},}}", text)
               for t in terms if has_cjk(t.text) or len(t.text) > 2 for f in t.forms)


def select(retriever: Retriever, query: Query, chunks: list[StoredChunk],
           weighted: list[tuple[Term, float]], similarity: dict[str, float] | None = None,
           vector=None) -> tuple[list[Scored], list[Scored]]:
    """(chosen units, all scored units) for a question."""
    scored = score_units(retriever, query, chunks, weighted, similarity, vector)
    ok = [s for s in scored if not s.blocked and s.coverage >= MIN_COVERAGE
          and s.semantic >= MIN_SEMANTIC and not _already_shown(s.unit, query.shown)]
    # a passage that has the question's year and nothing else of what it asks ("2021年游戏版号
    # 一共发了多少个" → a 2021 sentence about CLIP) answers nothing of it
    content = [t.text for t, _ in weighted if t.role != "period" and not t.soft]
    if content:
        ok = [s for s in ok if any(t not in s.missing for t in content)]
    if not ok:
        return [], scored
    ok = _exact_rows(query, ok)
    # best coverage first, what the unit's own text covers counting a little extra; then
    # higher-ranked chunks, then single sentences over pairs
    # "“推荐”评级是啥意思": the passage that explains the word comes before one that only uses it
    # the disclaimer's boilerplate ("观点、结论和建议仅供参考") answers only a question about it
    if not LEGAL_RE.search(query.question):
        ok = [s for s in ok if not LEGAL_SECTION_RE.search(section_title(s.unit.chunk.section))]
        if not ok:
            return [], scored
    meaning = bool(MEANING_RE.search(query.question))
    ok.sort(key=lambda s: (meaning and not _explains(s.unit, query.terms), -round(_merit(s), 6), s.rank,
                           s.unit.pair, s.unit.pos))
    # matched only through the heading: the question is about a whole section, so give
    # the opening sentence of each of its paragraphs rather than every sentence
    section_level = ok[0].coverage - ok[0].ctx < 1e-9
    table = ok[0].unit.chunk.table_id if ok[0].unit.chunk.kind == "row" else None
    # with several reports, each is judged against its own best unit: a report whose best
    # covers the question as fully as the overall best answers it too (the same row, under
    # another company, in each of a broker's reports)
    best_of: dict[str, Scored] = {}
    for s in ok:
        best_of.setdefault(s.unit.chunk.source, s)
    listing = bool(_LIST_Q_RE.search(query.question))
    chosen: list[Scored] = []
    said: set[str] = set()  # the same sentence in several reports (a broker's risk list) counts once
    for s in ok:
        own_best = best_of[s.unit.chunk.source]
        if own_best.coverage < ok[0].coverage - 1e-9:
            continue
        # a list asked for ("哪些风险") is given whole: the items of a passage already chosen that
        # match as fully as it do, however their wording sits with the question's
        sibling = listing and s.coverage >= own_best.coverage - 1e-9 and \
            any(c.unit.chunk.id == s.unit.chunk.id for c in chosen)
        if _merit(s) < _merit(own_best) - TIE_MARGIN and not sibling:
            continue
        one_table = table and all(c.unit.chunk.table_id == table for c in [*chosen, s])
        text = normalize(s.unit.text)
        if text not in said and len(said) >= (MAX_TABLE_ROWS if one_table else MAX_UNITS):
            continue
        if section_level and not s.unit.first:
            continue
        if any(s.unit.chunk.id == c.unit.chunk.id and set(s.unit.parts) & set(c.unit.parts)
               for c in chosen):
            continue  # shares a sentence with a unit already chosen (a sentence and its pair)
        chosen.append(s)
        said.add(text)
    return chosen, scored


def extractive_answer(retriever: Retriever, query: Query, chunks: list[StoredChunk],
                      similarity: dict[str, float] | None = None, vector=None) -> Answer:
    asked = query.asked
    if not query.terms or asks_structure(query):
        if OVERVIEW_RE.search(query.question):
            return overview_answer(retriever, asked)
        return Answer(NO_TERMS, False, [], asked)
    weighted = _weights(retriever, query)
    chosen, scored = select(retriever, query, chunks, weighted, similarity, vector)
    if not chosen:
        return Answer(not_found_text(retriever, query, scored), False, [], asked)
    one_side = _one_side_only(retriever, query, chosen)
    if one_side:
        return Answer(one_side, False, [], asked)
    # read in report order; one citation number per chunk
    chosen.sort(key=lambda s: (s.unit.chunk.source, s.unit.chunk.order, s.unit.pos))
    numbers: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    lines: list[str] = []
    counted = ""  # "几个要点": the one announced, numbered list's length leads the answer
    for s in chosen:
        cid = s.unit.chunk.id
        n = numbers.setdefault(cid, len(numbers) + 1)
        if s.unit.chunk.kind == "row":
            quotes.setdefault(cid, []).append(s.unit.text)
            text = row_text(s.unit, weighted)
        else:
            text = with_antecedent(s.unit)
            quotes.setdefault(cid, []).append(text)
            items = list_after(retriever, s.unit)
            if items:
                count = enumerated_count(items)
                # a list as long as the lines shown may go on: its length is not known
                if 0 < count < LIST_ITEMS and _COUNT_Q_RE.search(query.question):
                    items = items[:count]
                    # two numbered lists: which one is asked is not clear, so no count is said
                    counted = "-" if counted else (f"{count} in all.\n" if query.english else f"共{count}个。\n")
                quotes[cid].extend(items)
                text += "\n" + "\n".join(f"  - {item}" for item in items)
        lines.append(f"{text} [{n}]")
    citations = []
    for cid, n in numbers.items():
        chunk = retriever.by_id[cid]
        citations.append(citation(n, chunk, "\n".join(quotes[cid])))
    tables = {s.unit.chunk.table for s in chosen}
    table = tables.pop() if len(tables) == 1 and "" not in tables else ""
    if query.english:
        head = f"The report says (table 「{table}」):" if table else "The report says:"
        body = head + "\n" + "\n".join(f"- {line}" for line in lines)
    elif len(lines) == 1:
        body = lines[0]
    else:
        head = f"报告中相关的内容（表「{table}」）：" if table else "报告中相关的内容："
        body = head + "\n" + "\n".join(f"- {line}" for line in lines)
    if counted != "-":
        body = counted + body
    body = sum_line(query.question, "。".join(s.unit.text for s in chosen), query.english) + body
    if query.notes:
        body += "\n（" + "；".join(query.notes) + "）"
    return Answer(body, True, citations, asked, kind="quote")


def _one_side_only(retriever: Retriever, query: Query, chosen: list[Scored]) -> str:
    """A comparison ("文心一言和ChatGPT比，哪个更好用") the passages found speak of one side of
    only: quoting them would answer for one thing what was asked of two. The refusal says so."""
    if not COMPARE_RE.search(query.question):
        return ""
    names = [t for t in query.terms if t.role == "entity" and not t.prior and retriever.stats.term_known(t)]
    if len(names) < 2:
        return ""
    said = [s.unit.norm for s in chosen]
    if all(any(_term_match(retriever, t, norm) >= 0.5 for norm in said) for t in names):
        return ""
    pair = "、".join(f"“{t.text}”" for t in names[:3])
    return (NOT_FOUND_EN + f" It never sets {pair} side by side." if query.english
            else NOT_FOUND + f"报告没有把{pair}放在一起比较。")
