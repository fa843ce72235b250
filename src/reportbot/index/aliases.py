"""Aliases learned from a corpus: a row's ticker (300133 → 华策影视), short names (华策 →
华策影视), and names given in two languages ("生成对抗网络(GAN)", "「DeepMusic」（灵动音）"),
on top of the shipped alias lexicon."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..documents.tables import CODE_RE, Table
from ..language.lexicons import ALIASES_FILE, Aliases, read_groups
from ..language.terms import has_cjk

_BRACKET_RE = re.compile(r"^\s*(?P<a>[^()（）]+?)\s*[（(]\s*(?P<b>[^()（）]+?)\s*[)）]\s*(?:模型)?\s*$")
_TEXT_PAIR_RE = re.compile(r"[「“\"]([^」”\"]{2,30})[」”\"]\s*[（(]([^）)]{2,30})[）)]")
_NAME_HEADER_RE = re.compile(r"公司|企业|模型|名称|产品|机构|厂商|品牌|标的|company|name|model", re.I)
_COMPANY_HEADER_RE = re.compile(r"公司|企业|机构|厂商|标的|company", re.I)


def learn_aliases(tables: Iterable[Table], texts: Iterable[str]) -> Aliases:
    """Aliases from the glossary and from the report: tickers, short names, bracketed names."""
    aliases = Aliases()
    for group in read_groups(ALIASES_FILE):
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
                if (m := CODE_RE.match(cell)) and row_names:
                    aliases.link(row_names[0], m.group("num"), cell)
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
