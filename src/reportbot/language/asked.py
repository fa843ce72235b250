"""What a question asks the report to measure: the noun before 多少 (月活用户有多少 asks a
number of users: only a passage that gives a number answers it) and a span of time it counts
in (近5年: what the answer must be about — the report's 近10年 is not 近5年)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicons import names_a_person
from .stopwords import NAME_POS


@dataclass(frozen=True)
class AskedFor:
    """What a question asks its answer to hold (``Tokenizer.asked_for``)."""

    measured: set[str]  # nouns a number is asked of
    counted: set[str]  # noun phrases counted after 多少/几
    person: str = ""  # the word for a person whose name is asked (创始人)


# words between a measured noun and 多少/几 that do not change what is measured
_LINKS = {"有", "是", "为", "达", "达到", "共", "一共", "总共", "大概", "大约", "约", "到底", "究竟",
          "能", "会", "共有", "总计", "合计", "大致"}
# names and the report's own words keep their role; pronouns, measure words, time words are no measure
_NOUN_FLAGS = ("n", "vn", "an")
_ASKS_NUMBER_RE = re.compile(r"^(?:多少|几)")

_CN_NUMERAL = "一二三四五六七八九十两"
_CN_VALUE = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")} | {"两": 2}
_DURATION_RE = re.compile(rf"(?:近|过去|最近|前|未来|之后|此后)\s*(\d+|[{_CN_NUMERAL}]+)\s*个?"
                          r"(?:年|月|季度|季|周|天|日|交易日)")


def measured_nouns(words: list[tuple[str, str]]) -> set[str]:
    """Nouns the question asks a number of: "逆水寒的月活用户有多少" → 用户, "市场规模是多少" →
    规模. ``words``: the question's (word, jieba flag) pairs, in order."""
    out = set()
    for i, (w, _) in enumerate(words):
        if not _ASKS_NUMBER_RE.match(w):
            continue
        j = i - 1
        while j >= 0 and words[j][0] in _LINKS:
            j -= 1
        if j < 0:
            continue
        noun, flag = words[j]
        if len(noun) >= 2 and flag.startswith(_NOUN_FLAGS) and not flag.startswith(NAME_POS):
            out.add(noun)
    return out


def counted_phrases(words: list[tuple[str, str]]) -> set[str]:
    """The noun phrases counted after 多少/几, modifiers kept ("多少名研究人员" → 研究人员); not
    after 哪几, which asks which ones ("哪几项技术"), not how many."""
    return {"".join(counted) for i, (w, _) in enumerate(words)
            if _ASKS_NUMBER_RE.match(w) and not (i and words[i - 1][0].endswith("哪"))
            and (counted := _counted_after(words[i + 1:]))}


def _counted_after(words: list[tuple[str, str]]) -> list[str]:
    """The nouns a count is asked of, right after 多少/几 and its measure word (多少名员工,
    几款游戏), in order, the last of them the head; none when none follows (多少个亿, 几倍)."""
    k = 0
    while k < len(words) and words[k][1].startswith(("m", "q")):
        k += 1
    phrase = []
    while k < len(words) and words[k][1].startswith(_NOUN_FLAGS) and not words[k][1].startswith(NAME_POS):
        phrase.append(words[k][0])
        k += 1
    return phrase if len("".join(phrase)) >= 2 and len(phrase[-1]) >= 2 else []


# what asks for a person: "创始人是谁", "作者是哪位"; 谁家 asks whose (a company), 谁更 compares
_WHO = {"谁", "哪位", "何人", "哪一位"}
_WHO_LINKS = {"是", "为", "都是", "分别是", "又是", "到底是", "究竟是"}
# Chinese agentive suffixes that name a person by what they do (制作人, 研究员, 设计师, 董事长):
# words newer than Cilin's lexicon among them; not 者/家/商, which name companies as often
# (开发者, 厂家, 开发商: "GPT-4的开发者" is OpenAI, whom the report names without the word)
_AGENT_SUFFIXES = "人员师长官"


def _names_person(noun: str) -> bool:
    return len(noun) >= 2 and (names_a_person(noun) or noun[-1] in _AGENT_SUFFIXES)


def _role_before(words: list[tuple[str, str]], end: int) -> str:
    """The noun ending at words[end], with the word before it when jieba split the compound
    (制作 / 人, 联合 / 创始人)."""
    if end < 0 or not words[end][1].startswith("n"):
        return ""
    noun = words[end][0]
    if end >= 1 and words[end - 1][1].startswith(("n", "vn", "v", "b")) and len(words[end - 1][0]) <= 2 \
            and not words[end - 1][1].startswith(NAME_POS) and (len(noun) == 1 or not _names_person(noun)):
        noun = words[end - 1][0] + noun  # only to complete a word: 创始人 stays whole
    return noun if _names_person(noun) else ""


def person_asked(words: list[tuple[str, str]]) -> str:
    """The word for a person whose name the question asks ("DeepMusic的创始人是谁" → 创始人),
    or "": a noun for a person right before 是谁, or the last one after 谁是 ("谁是…的作者")."""
    for i, (w, _) in enumerate(words):
        if w == "叫" and i + 1 < len(words) and words[i + 1][0] in ("什么", "啥", "什么名字"):
            if role := _role_before(words, i - 1):  # "作者叫什么名字"
                return role
        if w not in _WHO:
            continue
        j = i - 1
        while j >= 0 and words[j][0] in _WHO_LINKS:
            j -= 1
        if j < i - 1 and (role := _role_before(words, j)):
            return role
        if i + 1 < len(words) and words[i + 1][0] == "是":
            roles = [r for k in range(i + 2, len(words)) if (r := _role_before(words, k))]
            if roles:
                return roles[-1]
    return ""


def duration_numbers(question: str) -> dict[str, tuple[str, ...]]:
    """The count of a span of time the question asks within, with its other written forms
    (近5年 → "5": ("五",), 过去三个月 → "3": ("三",))."""
    out = {}
    for m in _DURATION_RE.finditer(question):
        n = m.group(1)
        if n.isdigit():
            value = int(n)
        elif n in _CN_VALUE:
            value = _CN_VALUE[n]
        else:
            continue  # 十二 and longer: rare in a span asked of a report; read as written
        forms = [str(value)] + [c for c, v in _CN_VALUE.items() if v == value]
        out[forms[0]] = tuple(dict.fromkeys(f for f in forms[1:]))
    return out
