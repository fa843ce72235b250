"""Reading what a question asks about when the report lacks it: a company the report never
names (小米的PE, 斑马科技), an English word it never uses, a filler that names nothing. The
tokenizer's part that decides which unknown words are subjects, and so block an answer."""

from __future__ import annotations

import re
from dataclasses import replace

from .pieces import classifier_phrase, points_at_a_thing
from .stopwords import STOPWORDS, is_question_word
from .terms import Term, has_cjk, normalize

# jieba's tags of words that name nothing: idioms and set phrases (这三家 is one), status
# words (正的), numerals and measure words, pronouns
_FILLER_POS = ("l", "z", "m", "mq", "q", "r", "i")
# a pointer with a count (这三家, 那几只, 这仨, 每一家): which rows, not a name
_POINTER_RE = re.compile(r"^[这那此该每各本上下前后][\d一二三四五六七八九十两几仨俩多]*"
                         r"[家个只位条张项种款次年些支名]?$")


def _filler(word: str, flag: str) -> bool:
    """An unknown word that cannot be a name the report lacks: a pointer with a count, a
    set phrase, a word ending in a particle (正的, 算了)."""
    return (flag.startswith(_FILLER_POS) or bool(_POINTER_RE.match(word))
            or word[-1:] in "的了着过吧呢吗啊")


SUBJECT_GAP_WORDS = 4  # "小米的2023年预测PE": a year, 年, 预测 between 的 and the metric
_PERIOD_WORD_RE = re.compile(r"(?:19|20)?\d{2}[AaEe]?|年|年度|全年|[一二三四1-4]季度|Q[1-4]|H[12]")
_FORECAST_WORDS = {"预测", "预计", "预期", "实际", "的"}
# jieba's dictionary counts: colloquial fillers are common (手里 4583, 板块 1274, 大厂 69,
# 中文名 40), unknown company names rare or absent (华谊 19, 比亚迪 4, 蓝标 —)
RARE_WORD_FREQ = 30
# where in a thing a question looks (组里, 行业中, 样本内): the thing is what it names
_PLACE_WORDS = "里中内上下间"
# a word and the digits right after it, not a figure with its unit or a date
_NUMBERED_NAME_RE = re.compile(r"([\u4e00-\u9fff]{2,6})\s*(\d{2,5})(?![\d.%％年月日号个家只倍亿万元点次期天周位])")
# characters that end a comparison or a verb before a figure (低于30, 超过50, 达到100)
_COMPARING = "于过到达超近约为逾"
# "在<scope>上": the words that close a scope, and how many words it may hold
_SCOPE_ENDS = {"上", "中", "里", "内", "当中", "之中"}
SCOPE_WORDS = 4
# prepositions and conjunctions, which start no name (在 of 在中证1000, 和 of 和沪深300)
_LINKING = "在从对向于和与及或跟同把被给的了是即"


class SubjectReading:
    """Methods of the Tokenizer (tokens.py) over its ``known``, ``expand``, ``is_metric``,
    ``subwords``, ``general_freq`` and ``name_suffixes``."""

    def _numbered_names(self, question: str, terms: list[Term]) -> list[Term]:
        """An index or fund named with a number (沪深300, 中证1000, 日经225) is one name, as the
        report writes it: jieba cuts the word from its digits, which then match any 300, or
        日经 of another sentence, apart. Kept when the report has the name joined; a number
        with a unit (30倍, 2023年) or after a comparison (低于30) is no name."""
        if self.known is None:
            return terms
        for m in _NUMBERED_NAME_RE.finditer(question):
            run, digits = m.group(1), m.group(2)
            words = [w for w in self.jieba.cut(run) if w]
            part = None
            # the run's last words, whole (沪深 of 模型/在/沪深), up to a preposition or a comparison
            for k in range(1, min(len(words), 2) + 1):
                tail = "".join(words[-k:])
                if any(c in _LINKING for c in tail) or tail[-1] in _COMPARING or is_question_word(tail):
                    break
                if len(tail) >= 2 and self.known(normalize(tail + digits)):
                    part = tail
                    break
            if part is None:
                continue
            name = normalize(part + digits)
            head = normalize(part)
            terms = [t for t in terms if t.text != digits and not (len(t.text) >= 2 and t.text in head)]
            if not any(t.text == name for t in terms):
                terms.append(Term(name, 1.0, kind="entity", exact=True, role="entity"))
        return terms

    def _suffixed_names(self, terms: list[Term], words: list[tuple[str, str]]) -> list[Term]:
        """"斑马科技的总市值", "大象科技接入了…": a word the report does not know before an
        ending its listed companies' names share (科技 of 焦点科技 and 宝通科技) is a company the
        report lacks, whatever the word means in general Chinese — one name, a key term, so
        that another 科技's row never answers for it."""
        if self.known is None or not self.name_suffixes:
            return terms
        out = list(terms)
        for i in range(1, len(words)):
            (head, flag), suffix = words[i - 1], words[i][0]
            # the head of a name is a noun (斑马, 小米) or a word jieba does not know; not 除了, 这种
            if suffix not in self.name_suffixes or not has_cjk(head) or head in STOPWORDS \
                    or is_question_word(head) or len(head) > 4 or not (flag.startswith("n") or flag == "x"):
                continue
            name = normalize(head + suffix)
            if self.known(name) or self.known(normalize(head)):
                continue
            out = [t for t in out if t.text not in (normalize(head), normalize(suffix))]
            out.append(Term(name, 1.0, kind="entity", exact=True, role="entity"))
        return out

    def unknown_measures(self, terms: list[Term], counted: set[str]) -> list[Term]:
        """"网易伏羲有多少研究人员": the noun a count is asked of, after 多少/几, is what the
        question is about, so one the report never names (人员, the phrase's head) makes it a
        key term: the report lacks the answer, however much it says of 网易伏羲. A noun before
        多少 is not read so: there it is often a word of the asking (口径是多少, 代号是多少).
        ``counted``: the question's counted phrases (``asked_for``)."""
        if self.known is None:
            return terms
        out = list(terms)
        for noun in sorted({normalize(p) for p in counted}):
            subs = self.subwords(noun)
            head = subs[-1] if subs and noun.endswith(subs[-1]) else noun
            forms = (noun, head, *self.expand(noun), *self.expand(head))
            if any(self.known(f) for f in forms) or self.is_metric(noun):
                continue
            out = [t for t in out if t.text not in (noun, head)]
            out.append(Term(noun, 1.0, role="metric", alts=self.expand(noun)))
        return out

    def person_role(self, terms: list[Term], person: str) -> list[Term]:
        """"DeepMusic的创始人是谁": the person asked of is named by the role, so the role is what
        the question is about: a key term, which a passage must say (董事会主席 answers for
        董事长 by its part 董事; a synonym counts), and which the report may lack, to be named
        in the refusal. ``person``: the role word (``asked_for``)."""
        role = normalize(person)
        if not role:
            return terms
        out = [t for t in terms if t.text != role]
        return out + [Term(role, 1.0, role="metric", alts=self.expand(person))]

    def absent_beside_known(self, terms: list[Term]) -> list[Term]:
        """An English noun none of whose translations the report uses ("inflation") is what
        the question asks about only when nothing else it asks about is in the report: beside
        a name or date the report has ("the March 20 batch") it is a word of the question's,
        not a subject the report lacks. Run on the question's whole terms (dates added)."""
        if self.known is None:
            return terms

        def absent(t: Term) -> bool:
            return t.role == "entity" and t.text.isascii() and not t.proper and not self.known(t.text)
        if not any(t.key and not absent(t) and (t.role == "period" or any(self.known(f) for f in t.forms))
                   for t in terms):
            return terms
        return [replace(t, role="") if absent(t) else t for t in terms]

    def _translated(self, terms: list[Term]) -> list[Term]:
        """A Latin word neither the report nor the glossary knows is a translation we cannot
        map ("Colorado State Fair", "RMB"), not a name verifiably absent — when the question
        also names, in the report's own words, a name the report has (三人行, 《太空歌剧院》):
        then the subject is given, and the word cannot block."""
        if self.known is None:
            return terms
        named = any(t.role == "entity" and has_cjk(t.text) and any(self.known(f) for f in t.forms)
                    for t in terms)
        if not named:
            return terms
        # a measure's abbreviation (ROE, EPS) is asked of the name, not a translation
        return [replace(t, role="", kind="", soft=True)
                if t.text.isascii() and not t.text[:1].isdigit() and t.role == "entity"
                and not self.is_metric(t.text) and not any(self.known(f) for f in t.forms) else t
                for t in terms]

    def _unknown_subjects(self, words: list[tuple[str, str]], have: set[str]) -> list[Term]:
        """"快手的市值", "拼多多的PE": jieba may cut a name it does not know into single
        characters, which no term keeps. What a metric is asked of ("X的<metric>") is a
        name, and when neither it nor any word of it is known to the report, the report
        lacks it: a key term, so that no other company's row answers."""
        if self.known is None:
            return []
        out = []
        for i, (w, _) in enumerate(words):
            if w != "的" or i + 1 >= len(words) or not self.is_metric(words[i + 1][0]):
                continue
            parts: list[str] = []
            j = i - 1
            while j >= 0 and has_cjk(words[j][0]) and words[j][0] not in STOPWORDS \
                    and not is_question_word(words[j][0]) and words[j][1] not in ("x", "w") \
                    and len("".join(parts)) + len(words[j][0]) <= 8:
                parts.insert(0, words[j][0])
                j -= 1
            subject = normalize("".join(parts))
            if len(subject) < 2 or any(subject in h for h in have):
                continue  # already a term of its own
            if j >= 0 and points_at_a_thing(words[j][0], subject):
                continue  # "那张表的PE": a measure word and a noun point at a thing already named
            if not self.known(subject) and any(
                    len(p) >= 2 and (self.known(normalize(p)) or any(self.known(a) for a in self.expand(p)))
                    for p in parts):
                continue  # 游戏板块: a word the report knows, with a filler
            out.append(Term(subject, 1.0, kind="entity", exact=True, role="entity"))
        return out

    def _metric_of(self, words: list[tuple[str, str]], i: int) -> bool:
        """words[i:] read "的 [2023年] [预测] <metric>": what stands before is asked a metric."""
        if i >= len(words) or words[i][0] != "的":
            return False
        for w, _ in words[i + 1:i + 1 + SUBJECT_GAP_WORDS]:
            if self.is_metric(w):
                return True
            if not (_PERIOD_WORD_RE.fullmatch(w) or w in _FORECAST_WORDS):
                return False
        return False

    def _names_a_metric(self, words: list[tuple[str, str]], i: int) -> bool:
        """words[i] is a noun set right before a metric, one compound (天然气产量, 纳斯达克指数):
        it says whose or of what the metric is, as "X的<metric>" does."""
        return (i + 1 < len(words) and words[i][1].startswith("n")
                and self.is_metric(words[i + 1][0]))

    def _qualified_metrics(self, terms: list[Term], words: list[tuple[str, str]]) -> list[Term]:
        """"MHHTML在纳斯达克指数上的年化收益率": a proper noun (jieba's nz) set before a metric
        names which one is asked, as a company before its PE does; the report using the word
        elsewhere (a macro weekly's 纳斯达克) does not make another index's figure the answer.
        A key term, then, which a passage must say."""
        if self.known is None:
            return terms
        qualifiers = {normalize(w) for i, (w, flag) in enumerate(words)
                      if flag == "nz" and has_cjk(w) and self._names_a_metric(words, i)}
        return [replace(t, role="entity", kind="entity") if t.text in qualifiers and not t.role
                and not t.soft and any(self.known(f) for f in t.forms) else t for t in terms]

    def _scoped(self, terms: list[Term], words: list[tuple[str, str]]) -> list[Term]:
        """"HHT策略在创业板指上的夏普比率", "水中行舟因子在港股上的表现": what stands between 在 and
        上/中/里/内 is where the figure is measured — a key term, one name, as the report
        writes it (创业板指, which jieba cuts 创业板 / 指): a passage of another index or market
        does not answer, however well it covers the rest."""
        if self.known is None:
            return terms
        out = list(terms)
        for i, (w, flag) in enumerate(words):
            if w != "在" or not flag.startswith("p"):
                continue
            inner = None
            for j in range(i + 1, min(i + 2 + SCOPE_WORDS, len(words))):
                word = words[j][0]
                if word in _SCOPE_ENDS and j > i + 1:
                    inner = [x for x, _ in words[i + 1:j]]
                elif len(word) >= 2 and word[-1] in _SCOPE_ENDS:  # jieba's 指上 of 创业板 / 指上
                    inner = [x for x, _ in words[i + 1:j]] + [word[:-1]]
                if inner is not None:
                    break
            if inner is None:
                continue
            phrase = normalize("".join(inner))
            if len(phrase) < 2 or any(x in STOPWORDS or is_question_word(x) for x in inner) \
                    or not self.known(phrase):
                continue
            out = [t for t in out if not (t.text in phrase and t.role != "period")]
            out.append(Term(phrase, 1.0, kind="entity", exact=True, role="entity", alts=self.expand(phrase)))
        return out

    def _said_apart(self, word: str) -> tuple[str, ...] | None:
        """An unknown word made of the report's words — a modifier and a head it uses apart
        (机械行业: the report's row says 机械), or a word before a place word (组里, 行业中) — is
        no name the report lacks: the modifier (or the word) is what stands for it. None when
        it is not so made; () when what stays is one character (组 of 组里)."""
        if word[-1] in _PLACE_WORDS and len(word) >= 2:
            stem = word[:-1]
            return (stem,) if len(stem) >= 2 and self.known(stem) else () if len(stem) == 1 else None
        # any cut into two words of the report's, not only the search cut's (建材行业 cuts to
        # 建材 / 行业 / 建材行: the stray 建材行 is no reason to read a name)
        for at in range(2, len(word) - 1):
            if self.known(word[:at]) and self.known(word[at:]):
                return (word[:at],)
        return None

    def _unknown_name(self, term: Term, words: list[tuple[str, str]]) -> Term:
        """A noun the report never uses is a filler (现在, 手里, 板块) — unless it is rare in
        general Chinese (蓝标, 华谊, 比亚迪) or is what a metric is asked of ("小米的PE"):
        then it is a name the report lacks, and the question must not be answered for
        another one."""
        if term.role or term.soft or not has_cjk(term.text) or self.known is None \
                or re.search(r"[几哪啥]|多少|什么", term.text):  # 第几代 asks, it names nothing
            return term
        if any(self.known(f) for f in term.forms):
            return term
        if _filler(term.text, next((f for w, f in words if w == term.text), "")):
            return term
        if classifier_phrase(term.text, words, self.general_freq):
            return replace(term, soft=True)
        said = self._said_apart(term.text)
        if said is not None:
            return replace(term, alts=tuple(dict.fromkeys(term.alts + said)), soft=not said)
        rare = self.general_freq.get(term.text, 0) < RARE_WORD_FREQ
        subject = any(w == term.text and (self._metric_of(words, i + 1) or self._names_a_metric(words, i))
                      for i, (w, _) in enumerate(words))
        if rare or subject:
            return replace(term, role="entity", kind="entity", exact=True)
        return term
