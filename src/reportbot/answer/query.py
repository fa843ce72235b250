"""Understanding a question: its dates resolved, its terms and their roles, the chat context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..index.retrieval import Retriever
from ..language.dates import _MONTH_DAY_RE, date_forms, read_dates
from ..language.lexicons import contracted
from ..language.scripts import reading_form
from ..language.terms import Term, has_cjk, is_mostly_latin, normalize
from ..tuning import PRIOR_WEIGHT

# "more of the same"; 更多 only as "更多的…" or leading, not a comparison (谁亏得更多)
_MORE_RE = re.compile(r"还有|别的|其他|其它|另外|此外|^更多|更多的")
# a pointer back at the start, or a clause ending in 呢 ("21A呢？我记得是个负数")
_ANAPHORA_RE = re.compile(r"^(那|那么|它|它们|他们|其|该|这些|那些|这个|那个)|呢(?:[？?，,。！!\s]|$)")
# a question that asks for its subject (哪家, 谁) has not left it out
_ASKS_SUBJECT_RE = re.compile(r"哪家|哪些|哪几|哪个|哪只|哪一|谁|什么公司|\bwhich\b|\bwho\b", re.I)
# a comparison that names one side ("跟华凯易佰比，哪个更便宜？"): the other is the earlier subject
_ONE_SIDED_RE = re.compile(r"^(?:跟|和|与|同|比起|相比于?|对比)[^，,？?。]{1,16}?(?:比|相比|比较|对比)?(?:[，,]|起来)")
# a question about the report itself is complete without any term of the report's
_ABOUT_REPORT_RE = re.compile(r"报告|研报|这篇|本文|全文|文章|\breport\b", re.I)
# questions that ask for a date: the passage that answers must contain one
# asks for an amount: money, a size, a count of units ("花多少钱", "多少亿", "how much")
_AMOUNT_Q_RE = re.compile(r"多少(?:钱|亿|万|元|个亿|美元|资金|成本|费用)|花(?:了)?多少|成本多少|"
                          r"\bhow much\b|\bcost\b", re.I)
# a count a list or a table's rows may answer: the classifiers of things listed
_LIST_COUNT_RE = re.compile(r"(?:几|多少)(?:个|条|点|项|种|步|类|方面|要点|家|只|款|次|位)")
# two or more things set against each other ("华策跟捷成谁更便宜", "A or B")
COMPARE_RE = re.compile(r"谁|哪个|哪家|哪一个|哪只|哪一家|哪边|哪一边|哪方|哪一方|还是|相比|比较|对比|"
                        r"\bor\b|\bvs\.?|versus|which (?:one|company|model|came)", re.I)
# asks for a sum of money ("花了多少钱", "how much did it cost"): only a passage that gives one answers
# a price asked ("怎么收费", "售价多少", "价格是多少") is one too
_MONEY_Q_RE = re.compile(r"多少钱|花(?:了)?多少|(?:资金|成本|费用|花费|投入|投资|价格|售价|定价|票价|价钱|收费)"
                         r"(?:是|为|有|大概|大约)?(?:多少|几|怎么样|如何)|(?:怎么|如何|怎样)(?:收费|定价|卖)|"
                         r"多少(?:资金|成本|费用|美元|元)|how much money|\bcost|\bspen[dt]\b|\bpric(?:e|ed|ing)\b",
                         re.I)
_WHEN_RE = re.compile(r"什么时候|啥时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|哪个月|"
                      r"\bwhen\b|what year|which year|what date", re.I)


@dataclass
class Query:
    """A question as understood in the context of the chat."""

    question: str  # as asked, read in one script (simplified, mainland words): what cues match
    search_text: str
    terms: list[Term]
    followup: str = ""  # "" | "more" (more of the same) | "sub" (same question, new subject)
    shown: str = ""  # normalized earlier answer: what "还有别的吗" must not repeat
    previous: str = ""
    text: str = ""  # the question with its dates in the report's forms (去年 → 2022年)
    notes: list[str] = field(default_factory=list)  # what was resolved, to say in the answer
    years: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)  # 一季度, H1 …
    wants_date: bool = False
    wants_amount: bool = False  # "多少钱", "how much": only a passage with an amount answers
    wants_money: bool = False  # "花了多少钱": the amount must be one of money
    measured: tuple[str, ...] = ()  # nouns a number is asked of (用户 of 月活用户有多少)
    typed: str = ""  # as the user wrote it (traditional characters kept), when that differs

    @property
    def asked(self) -> str:
        """The question as understood, for Answer.question: in the user's own script."""
        own = self.typed or self.question
        return f"{self.previous} → {own}" if self.previous else own

    @property
    def english(self) -> bool:
        return is_mostly_latin(self.question)


def normalize_history(history) -> list[tuple[str, str]]:
    """Accept [(user, bot)], [[user, bot]] or [{"role", "content"}] and return pairs."""
    pairs: list[tuple[str, str]] = []
    if not history:
        return pairs
    pending_user = None
    for item in history:
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
            if role not in ("user", "assistant", "system") or "content" not in item:
                raise ValueError(f"history messages need a role (user or assistant) and content, got {item!r}")
            if isinstance(content, list):  # gradio multimodal content blocks
                content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c)
                                   for c in content)
            content = "" if content is None else str(content)
            if role == "user":
                pending_user = content
            elif role == "assistant" and pending_user is not None:
                pairs.append((pending_user, content))
                pending_user = None
        elif isinstance(item, (list, tuple)) and len(item) == 2 and \
                all(x is None or isinstance(x, str) for x in item):
            pairs.append((item[0] or "", item[1] or ""))
        else:
            raise ValueError(f"history items must be (question, answer) pairs of text or role dicts, "
                             f"got {item!r}")
    return pairs


def _search_text(text: str, terms: list[Term]) -> str:
    """What retrieval searches for: the question, plus the report's forms of its names
    (300133 → 华策影视), and an English question's Chinese terms."""
    extra = [a for t in terms if t.role == "entity" for a in t.alts if a not in text]
    if is_mostly_latin(text):
        extra += [t.text for t in terms if has_cjk(t.text)]
    return " ".join([text, *dict.fromkeys(extra)])


def without_terms(query: Query, dropped: list[Term]) -> Query:
    """``query`` without some of its words (those that named the report it is about)."""
    gone = {t.text for t in dropped}
    terms = [t for t in query.terms if t.text not in gone]
    text = query.text
    for t in dropped:
        for form in t.forms:
            text = re.sub(re.escape(form), " ", text, flags=re.IGNORECASE)
    return replace(query, terms=terms, text=text, search_text=_search_text(text, terms))


def _without_cue_roles(terms: list[Term], text: str, is_word=lambda word: False) -> list[Term]:
    """Words of an operation cue (垫底, 是负的, 没写) keep their weight for ranking but can
    never block an answer, nor be named as missing from the report. A word of the report's
    that holds a cue (最大回撤 holds 最大) is that word, not the cue."""
    from .tableops import OPERATION_CUES  # tableops reads Query: imported here, not above

    cues = [normalize(m.group(0)) for rx in OPERATION_CUES for m in rx.finditer(text)]

    # (whether "最大回撤是多少" of no row asks the largest is the table plan's to say: tableops)
    def cue_word(t: Term) -> bool:
        return any(t.text in cue or (cue in t.text and not is_word(t.text)) for cue in cues)
    return [replace(t, role="", kind="" if t.kind == "entity" else t.kind, soft=True)
            if cue_word(t) else t for t in terms]


def _read(retriever: Retriever, asked: str) -> Query:
    """A question on its own: read in simplified characters, dates resolved, terms found."""
    read = reading_form(asked)  # "幾個要點", "三張估值表": every cue is written in simplified
    question = contracted(read)
    query = _read_as_typed(retriever, asked, read, question)
    # a name typed by sound (华测 for 华策) is read as the report's name, and the answer says so
    slips = retriever.tokenizer.sound_alike_names(query.terms, question)
    if not slips:
        return query
    for typed, name in slips.items():
        question = re.sub(re.escape(typed), name, question, flags=re.IGNORECASE)
    fixed = _read_as_typed(retriever, asked, read, question)
    fixed.notes[:0] = [f"“{typed}” read as {name}" if fixed.english else f"“{typed}”按“{name}”理解"
                       for typed, name in slips.items()]
    return fixed


def _read_as_typed(retriever: Retriever, asked: str, read: str, question: str) -> Query:
    """``asked`` as typed, ``read`` in its reading form (what cues match), ``question`` that form
    as its words are read (averages contracted, names typed by sound corrected)."""
    reading = read_dates(question, retriever.report_year, retriever.stats.written_alone)
    # month-day dates become one term each (4月13日 ~ 4.13), not loose numbers
    terms = retriever.tokenizer.terms(_MONTH_DAY_RE.sub(" ", reading.text))
    for month, day in reading.dates:
        forms = tuple(normalize(f) for f in date_forms(month, day))
        terms.append(Term(forms[0], 1.0, kind="number", alts=forms[1:], role="period"))
    years = {str(y) for y in reading.years}
    terms = [replace(t, role="period") if t.text in years else t for t in terms]
    tokenizer = retriever.tokenizer
    terms = _without_cue_roles(terms, reading.text,
                               lambda w: tokenizer.is_metric(w) or (tokenizer.known is not None and tokenizer.known(w)))
    for period in reading.periods:
        p = normalize(period)
        # jieba's cut may glue the period to its year's 年 ("年一季度"): the period is the term
        terms = [replace(t, role="period", kind="") if t.text == p else t
                 for t in terms if t.text == p or p not in t.text]
        if not any(t.text == p for t in terms):
            terms.append(Term(p, 1.0, role="period"))
    terms = retriever.tokenizer.absent_beside_known(terms)
    asked_for = retriever.tokenizer.asked_for(question)
    measured = {normalize(w) for w in asked_for.measured}
    counted = asked_for.counted
    terms = retriever.tokenizer.unknown_measures(terms, counted)
    terms = retriever.tokenizer.person_role(terms, asked_for.person)
    # "有多少用户", "多少名员工": a number of things is asked, so only a passage giving one answers;
    # "几个要点", "多少个版号" may be answered by counting a list or rows instead
    counted = bool(counted) and not _LIST_COUNT_RE.search(question)
    return Query(read, _search_text(reading.text, terms), terms, text=reading.text,
                 typed=asked if read != asked else "", notes=reading.notes, years=reading.years,
                 periods=reading.periods,
                 wants_date=bool(_WHEN_RE.search(question)),
                 wants_amount=bool(_AMOUNT_Q_RE.search(question) or measured or counted)
                 and not _WHEN_RE.search(question),
                 measured=tuple(sorted(measured)),
                 wants_money=bool(_MONEY_Q_RE.search(question)) and not _WHEN_RE.search(question))


def _is_entity(t: Term) -> bool:
    return t.role == "entity" or t.kind == "entity"


def _one_sided(query: Query, question: str) -> bool:
    """"跟华凯易佰比，哪个更便宜？": a comparison naming one side; the earlier subject is the other."""
    return bool(_ONE_SIDED_RE.search(question)) and sum(_is_entity(t) for t in query.terms) == 1


def _reads_as_followup(query: Query, prev: Query, question: str) -> bool:
    """A question is read with the one before only when it reads as a follow-up: a pointer
    back (那…, 它…, …呢), or an ellipsis — a metric without the subject the earlier question
    named, a bare name where the earlier question asked a metric, a bare year. A question
    with words of its own beyond names, metrics and periods is a new question."""
    if _ANAPHORA_RE.search(question):
        return True
    terms = query.terms
    if _one_sided(query, query.question):
        return True
    if not terms:
        return not _ABOUT_REPORT_RE.search(question)
    if any(not t.soft and not _is_entity(t) and t.role not in ("metric", "period") and t.kind != "number"
           for t in terms):
        return False
    entity, metric = any(_is_entity(t) for t in terms), any(t.role == "metric" for t in terms)
    if metric and not entity:  # "参数量是多少？", "发布时间是哪年？" after a question about PaLM
        return any(_is_entity(t) for t in prev.terms) and not _ASKS_SUBJECT_RE.search(question)
    if entity and not metric:  # "微软的？" after a question of a metric
        return any(t.role == "metric" for t in prev.terms) and not any(t.soft for t in terms)
    if entity:
        return False
    # neither a name nor a metric: its own predicate words (提示…风险) make a new question,
    # a bare year or number ("2022年的？") does not
    return not any(t.soft for t in terms) and not _ABOUT_REPORT_RE.search(question)


def understand(retriever: Retriever, question: str, history=None, depth: int = 3) -> Query:
    question = question.strip()
    query = _read(retriever, question)
    pairs = normalize_history(history)
    if not pairs or depth == 0:
        return query
    prev_q, prev_a = pairs[-1]
    # the earlier question as it was understood in its own context (follow-ups chain)
    prev = understand(retriever, prev_q, pairs[:-1], depth - 1)
    terms = query.terms
    # a content term of the new question that the report knows, and that the earlier
    # question did not have, makes it a question of its own unless it is worded as a follow-up
    more = bool(_MORE_RE.search(query.question))
    if not (more or _reads_as_followup(query, prev, query.question)):
        return query
    have = {t.text for t in terms}
    # "微软呢？" after a question about 谷歌: the new name takes the old one's place
    # (likewise a new year or number); everything else the earlier question asked stays
    replaced = {t.kind for t in terms if t.kind and not more}
    if _one_sided(query, query.question):
        replaced.discard("entity")  # both sides are asked about
    prior = [replace(t, weight=t.weight * (1 if t.prior else PRIOR_WEIGHT), prior=True)
             for t in prev.terms if t.text not in have and t.kind not in replaced]
    return replace(
        query,
        search_text=f"{prev.search_text} {query.search_text}",
        terms=terms + prior,
        followup="more" if more else "sub",
        shown=normalize(prev_a) if more else "",
        previous=prev.search_text,
        text=f"{prev.text} {query.text}",
        notes=prev.notes + query.notes,
        years=query.years or prev.years,
        wants_date=query.wants_date or prev.wants_date,
        wants_amount=query.wants_amount or prev.wants_amount,
        wants_money=query.wants_money or prev.wants_money,
        measured=query.measured or prev.measured,
    )
