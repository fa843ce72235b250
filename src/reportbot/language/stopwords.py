"""Question words and function words: what a question says about the answer it wants, not
about where the report holds it."""

from __future__ import annotations

# Question words and function words that say nothing about the content asked for.
STOPWORDS = set(
    """
    的 了 是 吗 呢 吧 啊 呀 么 哪 哪些 哪个 哪家 哪年 哪一年 哪天 哪一天 哪种 哪类 什么 多少 几 几个
    怎么 怎样 如何 为什么 为何 谁 有 在 和 与 及 或 对 对于 中 上 下 被 把 给 这 那 这份 这个 那个
    该 其 请问 请 报告 研报 本报告 提到 提及 介绍 一下 是否 有没有 还有 别的 其他 其它 另外 更多
    分别 各 各自 一共 共 总共 大概 大约 约 叫 叫做 称为 名字 名称 情况 相关 具体 主要 哪里 何时
    什么时候 时候 多大 多高 多久 能否 可以 吗 么 个 之 也 都 就 又 还 会 要 想 知道 告诉 我 你 我们
    列出 列举 说说 讲讲 给出 所有 全部 些 一些 方面 意思 含义 做了 做
    你好 您好 谢谢 感谢 内容 主要内容 概要 摘要 总结 大纲 结构 目录 讲了 讲 主要观点
    what which who whom whose when where why how is are was were be been being the a an of in on
    at to for from by with and or did does do into about as that this these those it its there
    their they them list tell me please give name named show find explain describe summarize
    summarise report according many much table tables chart figure section page hi hello
    thanks thank overview summary outline mention mentioned can could would should will has
    have had
    """.split()
)

# POS tags (jieba) of words that never carry the content: pronouns, particles, prepositions,
# conjunctions, modal particles, interjections, punctuation, measure words, adverbs.
SKIP_POS = ("r", "u", "p", "c", "y", "e", "x", "q", "d", "w", "o", "zg", "uj", "ul")
# Names: people, places, organisations, the report's own domain words.
NAME_POS = ("nr", "ns", "nt", "nz", "nrt", "nrfg")
# Predicates count, but a missing verb never decides that the report lacks the answer.
SOFT_POS = ("v", "a", "ad", "vd", "f")

ANSWER_TYPE_CUES = {"什么", "哪些", "多少", "几", "何种", "哪", "什么样"}
_HOW_MUCH = {"多长", "多长时间", "多久", "多大", "多高", "多远", "多少倍", "多少钱", "多少次", "几倍"}


def is_question_word(word: str) -> bool:
    """哪一年, 哪家, 几层, 多少倍, 多长时间 …: asks for the answer, says nothing about where it is."""
    return (word.startswith(("哪", "多少")) or (word.startswith("几") and len(word) <= 2)
            or word in _HOW_MUCH)
