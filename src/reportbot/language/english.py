"""Reading English questions against a Chinese report: a bilingual glossary of report
vocabulary (glossary_en_zh.tsv) and Chinese names given in brackets."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .terms import Term, is_metric_word, normalize

_ALIAS_RE = re.compile(
    r"((?:[A-Z][\w'.&-]*\s+)*[A-Z][\w'.&-]*)\s*[（(]\s*([^()（）]*[\u3400-\u9fff][^()（）]*?)\s*[)）]"
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'/-]*|\d+")
_GLOSSARY_FILE = Path(__file__).with_name("glossary_en_zh.tsv")
_CAPITAL_ONLY = {"may"}  # "May" the month, not "may" the verb


def _stem(word: str) -> str:
    w = re.sub(r"['’]s?$", "", word.lower())
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if len(w) > len(suffix) + 2 and w.endswith(suffix) and not w.endswith("ss"):
            w = w[: -len(suffix)] + repl
            break
    for suffix in ("ing", "ed"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return w[:-1] if len(w) > 3 and w.endswith("e") else w


@lru_cache(maxsize=1)
def glossary() -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    """English phrase (stemmed words) -> (Chinese forms, tag), from glossary_en_zh.tsv."""
    out = {}
    for line in _GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, chinese, tag = line.split("\t")
        key = tuple(_stem(w) for w in _WORD_RE.findall(english))
        out[key] = (tuple(normalize(c) for c in chinese.split("|")), tag.strip())
    return out


def english_terms(question: str) -> tuple[str, list[Term]]:
    """Read an English question against a Chinese report.

    "the Justice (逆水寒) game" keeps the Chinese name given in brackets; known phrases
    ("market cap", "Tencent", "released") become their Chinese terms. Returns the question
    with those parts blanked out, and the terms found.
    """
    question = _ALIAS_RE.sub(r" \2 ", question)
    words = list(_WORD_RE.finditer(question))
    stems = [_stem(m.group(0)) for m in words]
    table = glossary()
    longest = max((len(k) for k in table), default=1)
    terms: list[Term] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = tuple(stems[i:i + n])
            if key not in table:
                continue
            if n == 1 and key[0] in _CAPITAL_ONLY and not words[i].group(0)[0].isupper():
                continue
            forms, tag = table[key]
            soft = tag == "v"
            # the English words count too: the report itself may be in English
            english = normalize(question[words[i].start():words[i + n - 1].end()])
            english = re.sub(r"['’]s$", "", english)
            role = "entity" if tag == "e" else "metric" if tag == "n" and is_metric_word(forms[0]) else ""
            terms.append(Term(forms[0], 0.5 if soft else 1.0, soft,
                              kind="entity" if tag == "e" else "", exact=tag == "e",
                              alts=tuple(dict.fromkeys(forms[1:] + (english,))), role=role))
            spans.append((words[i].start(), words[i + n - 1].end()))
            i += n
            break
        else:
            i += 1
    for start, end in reversed(spans):
        question = question[:start] + " " + question[end:]
    return question, terms
