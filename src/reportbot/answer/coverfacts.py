"""Questions about a report itself — who wrote it, which broker, when, its rating or target
price, its title — answered from the facts its cover states (``documents/cover.py``), cited
to the cover. A fact the cover does not state is not answered here: the question goes on to
the text, and is refused there if the report never says it.
"""

from __future__ import annotations

import re

from ..index.retrieval import Retriever
from ..language.terms import normalize
from ..models import Answer, Citation
from ..tuning import COVER_CHUNKS
from .extractive import MEANING_RE, NOT_FOUND, NOT_FOUND_EN
from .passages import citation
from .query import Query

# what is asked of the report, in the order tried; (field, question pattern, label)
_FIELDS = (
    ("analysts", re.compile(r"作者|分析师|研究员|谁写|谁做的|撰写|执笔|\bauthors?\b|\banalysts?\b|who wrote", re.I),
     "分析师", "Analysts"),
    ("target_price", re.compile(r"目标价|target price", re.I), "目标价", "Target price"),
    ("rating", re.compile(r"评级|\brating\b", re.I), "评级", "Rating"),
    ("broker", re.compile(r"哪家券商|哪个券商|什么券商|哪家机构|哪个机构|哪家公司(?:写|出|发)|券商是|谁家|出自哪|"
                          r"\bbroker\b|which firm|which bank", re.I), "券商", "Broker"),
    # the report's own date: the report is what "什么时候发布" is said of, not a model in it
    ("date", re.compile(r"(?:报告|研报|[这那该此本][篇份]|本文)(?:报告|研报)?(?:是|在)?"
                        r"(?:什么时候|哪天|何时|哪一天|几号|哪年)|"
                        r"(?:报告|发布)(?:日期|时间)|when was (?:this|the) (?:report|note|paper)|publication date",
                        re.I), "日期", "Date"),
    ("title", re.compile(r"标题|题目|叫什么名|\btitle\b", re.I), "标题", "Title"),
)
# the question speaks of the report, not of something in it
_ABOUT_REPORT_RE = re.compile(r"报告|研报|[这那该此本][篇份]|本文|\breport\b|\bnote\b|\bpaper\b", re.I)
# words of the field as an English question's translations give them ("wrote" → 创作)
_FIELD_WORDS = {"analysts": {"作者", "分析师", "研究员", "撰写", "创作", "编写", "写作", "执笔"},
                "date": {"发布", "发表", "出版", "日期", "时间"}, "title": {"标题", "题目", "名字", "名称"}}
# facts only a cover states, with what a refusal calls them
_COVER_ONLY = {"date": "发布日期", "analysts": "分析师", "broker": "券商", "title": "标题"}
# "评级标准", "评级体系": the scale, which the text explains, not the cover's one rating
_SCALE_RE = re.compile(r"评级(?:标准|体系|说明|定义|分几|有哪|有几)|rating (?:scale|system|definitions?)", re.I)
_ASKS_RE = re.compile(r"什么|谁|多少|哪|几|吗|啥|\b(?:what|who|which|when|how)\b", re.I)
# "有几位分析师", "how many analysts": the number of names the cover lists, then the names
_HOW_MANY_RE = re.compile(r"(?:几|多少)(?:位|个|名|人)|how many", re.I)


def _asked(query: Query) -> tuple[str, str, str] | None:
    q = query.question
    # "“推荐”评级是啥意思" asks what the scale means, which the text explains
    if not _ABOUT_REPORT_RE.search(q) or MEANING_RE.search(q) or _SCALE_RE.search(q):
        return None
    # "研究员是谁，联系方式是什么": a second question beside the cover's fact is for the text
    if sum(bool(_ASKS_RE.search(clause)) for clause in re.split(r"[，,；;]|\band\b", q)) > 1:
        return None
    for field, pattern, label, label_en in _FIELDS:
        if pattern.search(q):
            return field, label, label_en
    return None


def _of_field(term, field: str) -> bool:
    """A word of the question that only asks for the field (作者, "title", 评级)."""
    pattern = next(p for f, p, _, _ in _FIELDS if f == field)
    return bool(pattern.search(term.text)) or term.text in _FIELD_WORDS.get(field, ())


def _value(retriever: Retriever, source: str, field: str) -> str | tuple[str, ...]:
    """The cover's fact: a string, or the names it lists (analysts)."""
    if field == "broker":
        return retriever.brokers.get(source, "")
    if field == "title":
        return retriever.titles.get(source, "")
    facts = retriever.covers.get(source)
    return getattr(facts, field) if facts is not None else ""


def _shown(value: str | tuple[str, ...], counted: bool, english: bool) -> str:
    """A fact as the answer gives it; listed names counted first when a number is asked."""
    if not isinstance(value, tuple):
        return value
    if counted and value:
        return f"{len(value)} ({', '.join(value)})" if english else f"{len(value)}位（{'、'.join(value)}）"
    return "、".join(value)


def _cover_citation(retriever: Retriever, source: str, value: str, n: int) -> Citation | None:
    """The cover line that states ``value`` (the date written 2016年4月20日 there)."""
    first = [c for c in retriever.chunks if c.source == source][:COVER_CHUNKS]
    probe = [normalize(v) for v in re.split(r"[、\-]", value) if v]
    for c in first:
        for line in c.body.split("\n"):
            norm = normalize(line)
            if probe and all(p in norm for p in probe[:1]):
                return citation(n, c, line.strip())
    return citation(n, first[0], first[0].body.split("\n")[0]) if first else None


def cover_answer(retriever: Retriever, query: Query) -> Answer | None:
    """The answer from the covers of the reports in scope, or None when the question asks
    none of their facts, names something beyond the report, or no cover states it."""
    asked = _asked(query)
    if asked is None or query.followup:
        return None
    # "华凯易佰的评级": a name the question gives that no title carries asks about it, not the report
    sources = sorted(getattr(retriever, "scope", None) or retriever.sources)
    titles = normalize(" ".join(retriever.about(s) for s in sources))  # titles and brokers
    field, label, label_en = asked
    if any(t.role == "entity" and t.text not in titles and not _of_field(t, field) for t in query.terms):
        return None
    lines, citations = [], []
    counted = bool(_HOW_MANY_RE.search(query.question))
    for source in sources:
        fact = _value(retriever, source, field)
        if not fact:
            continue
        value = _shown(fact, counted, query.english)
        cite = _cover_citation(retriever, source, _shown(fact, False, False), len(citations) + 1)
        mark = ""
        if cite is not None:
            citations.append(cite)
            mark = f" [{cite.n}]"
        name = retriever.titles.get(source) or source
        lines.append((name, value, mark))
    # every other word the question asks about must be said where the fact is ("行业" of
    # 行业评级：推荐, "研究员" of 研究员 许吟倩): a question asking more is one for the text
    said = titles + "\n" + normalize("\n".join(c.quote for c in citations))
    for t in query.terms:
        if t.soft or t.prior or t.role == "period" or not (t.key or retriever.stats.term_known(t)):
            continue
        if _of_field(t, field) or _ABOUT_REPORT_RE.fullmatch(t.text) or _ASKS_RE.search(t.text) \
                or any(f in said for f in t.forms):  # 是谁, 什么 ask; they are not asked about
            continue
        return None
    if not lines:
        if field in _COVER_ONLY:  # the text is full of other dates and names: none is the report's own
            return Answer(f"{NOT_FOUND_EN} Its first page gives no {label_en.lower()}." if query.english
                          else f"{NOT_FOUND}报告首页没有写明{_COVER_ONLY[field]}。", False, [], query.asked)
        return None  # a rating or target price may stand in the text (投资建议：…目标价为60元)
    english = query.english
    if len(lines) == 1:
        text = f"{label_en}: {lines[0][1]}{lines[0][2]}" if english else f"{label}：{lines[0][1]}{lines[0][2]}"
    else:
        head = f"{label_en}:" if english else f"{label}："
        text = head + "\n" + "\n".join(f"- 《{name}》：{value}{mark}" for name, value, mark in lines)
    return Answer(text, True, citations, query.asked, kind="about")
