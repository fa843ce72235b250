"""Whether a passage gives the amount a question asks for: a figure not the question's own
(not a date, a code or part of a name), a count in words, money in a currency, and a figure
beside the noun the number is asked of."""

from __future__ import annotations

import re

from ..documents.layout import CAPTION_LABEL_RE
from ..documents.tables import SECURITY_CODE, parse_cell
from ..index.retrieval import Unit
from ..language.money import states_money
from ..language.terms import normalize
from ..tuning import AMOUNT_REACH
from .query import Query

# a number that states an amount: not a date (3月15日, 2023年), not part of a name (GPT-4, M2M-100)
_DATE_PART_RE = re.compile(r"\d{1,4}\s*[年月日号]")
# (a minus after a letter or digit joins a name, GPT-4; after anything else it signs a figure, -10%)
_AMOUNT_RE = re.compile(r"(?<![A-Za-z\d.])(?<![A-Za-z\d]-)\d+(?:[.,]\d+)?")
# a count in words (数十个, 四大, 两款); 一个 alone is the article "a", not a count
_COUNT_WORDS_RE = re.compile(r"(?:[两二三四五六七八九十百千万数几]|一[十百千万])[一二三四五六七八九十百千万]*"
                             r"(?:个|家|款|种|大|项|条|位|名|倍|成|亿|万|只|部)")
# a span of time (6个月目标价, 近12个月) qualifies a figure; it is the amount only when a
# duration is asked (多久, 几个月, 多少天)
_SPAN_RE = re.compile(r"(?<![\d.])\d+\s*个?(?:月|季度|周|天|交易日)")
_ASKS_SPAN_RE = re.compile(r"多久|多长时间|多长|(?:几|多少)个?(?:月|季度|周|天|交易日|年)")
# the unit a question asks its figure in ("多少亿元", "多少万"), the first of a compound unit
_ASKED_UNIT_RE = re.compile(r"多少\s*个?\s*(亿|万|千|百|元|美元|倍|%|个百分点|家|款|个)")
# a security code (300459.SZ) is a name, not an amount
# (bounded by what a code cannot touch, not \b: after a CJK character there is no word boundary)
_CODE_RE = re.compile(rf"(?<![\dA-Za-z.]){SECURITY_CODE}(?![A-Za-z\d])", re.I)


def _has_amount(text: str, given: str = "", money: bool = False) -> bool:
    """Whether ``text`` states an amount other than those the question gives itself ("买JOT
    100%股权，对价多少钱" is not answered by the title's 100%) — of money, when ``money``."""
    if money and not states_money(_CODE_RE.sub(" ", text)):
        return False
    own = {n.replace(",", "") for n in _AMOUNT_RE.findall(_DATE_PART_RE.sub(" ", given))}
    if not _ASKS_SPAN_RE.search(given):
        text = _SPAN_RE.sub(" ", text)
    text = _DATE_PART_RE.sub(" ", _CODE_RE.sub(" ", CAPTION_LABEL_RE.sub(" ", text)))  # 图5 is a label
    return any(n.replace(",", "") not in own for n in _AMOUNT_RE.findall(text)) or \
        bool(set(_COUNT_WORDS_RE.findall(text)) - set(_COUNT_WORDS_RE.findall(given)))


# an address written after the word asked is the value 多少 asks of it ("邮箱是多少" → the
# e-mail after 邮箱), as a phone number's digits are
_ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)[\w./-]+", re.A)


def _address_after(unit: Unit, query: Query) -> bool:
    """An address starting within reach after a measured noun."""
    for noun in query.measured:
        for m in re.finditer(re.escape(noun), unit.norm):
            found = _ADDRESS_RE.search(unit.norm, m.end())
            if found and found.start() - m.end() <= AMOUNT_REACH:
                return True
    return False


def gives_amount(unit: Unit, query: Query) -> bool:
    """Whether the passage gives the amount asked: any amount, and where it names what the
    number is asked of (用户 of 月活用户有多少), a figure beside that word — the 50mm of a
    passage about users' cameras is not a number of users — or in the unit asked, or, in a
    row, in the cell under it. A passage that names it in other words is judged by its
    amounts alone; so is money asked, which no other noun's figure is."""
    if unit.chunk.kind == "row":  # a row says whose figure a cell is by its header, not by nearness
        cells = [(h, v) for h, v in unit.chunk.cells if any(_heads(noun, normalize(h)) for noun in query.measured)]
        if cells:
            return any(_cell_answers(h, v, query) for h, v in cells)
        return _has_amount(unit.text, query.question, query.wants_money)
    if not query.wants_money and _address_after(unit, query):
        return True
    if not _has_amount(unit.text, query.question, query.wants_money):
        return False
    spans = [(m.start(), m.end()) for noun in query.measured for m in re.finditer(re.escape(noun), unit.norm)]
    if not spans or query.wants_money:
        return True
    return any(_has_amount(unit.norm[max(0, a - AMOUNT_REACH):b + AMOUNT_REACH], query.question) for a, b in spans) \
        or _in_unit_asked(unit.text, query.question)


def _in_unit_asked(text: str, question: str) -> bool:
    """A figure in the unit the question names ("市场规模有多少亿元" → 2658.84亿元): in the
    sentence that names what is asked of, it is that figure however far the sentence puts it
    ("规模在…的推动下，从2010年的327.4亿元增长至…"); a camera's 50mm is in no unit a number of
    users is asked in."""
    m = _ASKED_UNIT_RE.search(question)
    if not m:
        return False
    own = set(_AMOUNT_RE.findall(question))
    return any(f not in own for f in re.findall(rf"(\d+(?:\.\d+)?)\s*{re.escape(m.group(1))}", text))


def _heads(noun: str, header: str) -> bool:
    """The column a measured noun asks: one whose name holds it (总市值 of 总市值（亿元）), or
    the head its compound ends in (股票代码 asks the 代码 column)."""
    return noun in header or (len(header) >= 2 and noun.endswith(header))


def _cell_answers(header: str, value: str, query: Query) -> bool:
    """The cell under the column asked answers when it holds a value: a security code under
    代码 is the identifier asked ("股票代码是多少"), so is an address under 邮箱; a figure must be
    an amount (of money, with the header's unit, when money is asked)."""
    cell = parse_cell(value, header)
    if cell.missing:
        return False
    if cell.kind == "code" or _ADDRESS_RE.fullmatch(value.strip()):
        return True
    return _has_amount(value, query.question) and (not query.wants_money or states_money(f"{header}{value}"))


# a year as a sentence writes it before its figures (2022年, 2023E)
_YEAR_AT_RE = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=年|[AEF]\b|\s*年度)")
_SENTENCE_END_RE = re.compile(r"[。；;！!？?\n]")
# a figure is asked of a year: 多少, 几, how many / much
_ASKS_FIGURE_RE = re.compile(r"多少|几|\bhow (?:many|much)\b", re.I)


def _blanked(m: re.Match) -> str:
    return " " * len(m.group(0))  # what is no figure, blanked where it stands


def figures_of_other_years(text: str, query: Query) -> str:
    """The year asked, when every figure the passage states stands under another year: a figure
    belongs to the year its sentence names last before it ("2022年全年…发布478个游戏版号，远不及
    2021年": 478 is 2022's, and answers no 2021 question). "" when some figure may be the year's
    (one under it, or one no year stands before)."""
    if not query.years or not _ASKS_FIGURE_RE.search(query.question):
        return ""
    asked = {str(y) for y in query.years}
    seen_other = False
    for sentence in _SENTENCE_END_RE.split(text):
        years = [(m.start(), m.group(1)) for m in _YEAR_AT_RE.finditer(sentence)]
        bare = _DATE_PART_RE.sub(_blanked, _CODE_RE.sub(_blanked, sentence))
        for m in _AMOUNT_RE.finditer(bare):
            if re.fullmatch(r"(?:19|20)\d{2}", m.group(0)):
                continue  # a year itself (2023E)
            before = [y for at, y in years if at < m.start()]
            if not before or before[-1] in asked:
                return ""
            seen_other = True
    return f"{min(asked)}年" if seen_other else ""
