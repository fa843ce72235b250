"""Whether a passage states a sum of money: a figure with a currency's name or symbol, in
Chinese or English (CLDR's names, by babel: 欧元, 日元, 英镑, 港元, Euro, €, HK$ …), or under a
header in one (总市值（亿元）)."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _money_re() -> re.Pattern:
    from babel import Locale

    names: set[str] = {"元", "块钱"}
    symbols: set[str] = set()
    for locale in (Locale("zh"), Locale("zh", "Hant"), Locale("en")):
        for name in locale.currencies.values():
            name = re.sub(r"\s*[（(].*$", "", name).strip()  # "阿富汗尼 (1927–2002)": a former one
            if name:
                names.add(name)
        symbols |= {s for s in locale.currency_symbols.values() if not s.isalpha()}
    names |= {"dollars", "dollar", "euros", "yuan", "pounds", "yen"}  # CLDR names them with the country
    name_alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    symbol_alt = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    return re.compile(
        rf"\d\s*(?:[万亿千百]|million|billion|thousand|mn|bn)*\s*(?:{name_alt})"  # 7,400万欧元, 3 billion dollars
        rf"|(?:{symbol_alt})\s*\d"  # $20, €5
        r"|\b(?:RMB|CNY|USD|HKD|EUR|JPY|GBP)\s*\d"
        r"|[（(][^）)]{0,4}元[)）]",  # a header's unit: 总市值（亿元）
        re.I)


def states_money(text: str) -> bool:
    return bool(_money_re().search(text))
