"""English questions against the Chinese report: words to their dictionary form, words the
glossary lacks read by CC-CEDICT as the report's own words, a noun the report never uses
named in the refusal, brokers by their English names."""

from __future__ import annotations

from reportbot.language.english import english_terms
from reportbot.language.terms import normalize


def test_rate_is_not_rating():
    # a suffix-stripper made "rate" and "rating" one word, and read "inflation rate" as 评级
    rate = {t.text for t in english_terms("What inflation rate does it forecast?")[1]}
    rating = {t.text for t in english_terms("What rating does it give?")[1]}
    assert "评级" in rating and "评级" not in rate


def test_a_word_only_the_dictionary_knows_finds_its_passage(bot):
    answer = bot.ask("How many imported online games were approved in the March 20 batch?")
    assert answer.found and "27" in answer.text


def test_a_noun_the_report_never_uses_is_named_in_the_refusal(bot):
    answer = bot.ask("What inflation rate does the report forecast?")
    assert not answer.found and "inflation" in answer.text


def test_how_many_of_a_measure_asks_its_value(bot):
    answer = bot.ask("How many parameters does GPT-3 have?")
    assert answer.found and "1750亿" in answer.text
    answer = bot.ask("Which model has the largest number of parameters?")
    assert answer.found and "PaLM" in answer.text.split("\n")[0]


def test_a_broker_by_its_english_name():
    terms = english_terms("What does the Orient Securities report say about the SWS note?")[1]
    assert {"东方证券", "申万宏源"} <= {t.text for t in terms}


def test_matching_keeps_a_minus_sign_and_drops_quotes():
    assert normalize("净支持率为-16.6%") == "净支持率为-16.6%"
    assert normalize("“水中行舟”因子") == "水中行舟因子"
    assert normalize("GPT-4") == "gpt4"


def test_a_name_spelled_in_pinyin_is_the_reports_name(bot):
    answer = bot.ask("What is Jiecheng's market cap?")
    assert answer.found and "195" in answer.text and "捷成" in answer.text
    assert not bot.ask("What is Zhangsan's market cap?").found  # spells no name of the report


def test_a_capitalised_word_translated_to_a_short_name_is_that_company(bot):
    # Mango → 芒果, which the market calls 芒果超媒 by: a name, so the compare has two sides
    answer = bot.ask("Which is bigger by market cap, Mango or BlueFocus?")
    assert answer.found and answer.kind == "compare"
    assert answer.text.splitlines()[0].startswith("芒果超媒") and "734" in answer.text


def test_a_quant_reports_measures_and_indices_by_their_english_names():
    terms = {t.text: t for t in english_terms("What annualized volatility did the strategy have on CSI 300?")[1]}
    assert "沪深300" in terms and terms["沪深300"].role == "entity"
    assert "年化波动率" in terms or any("年化波动率" in t.alts for t in terms.values())
    found = {t.text for t in english_terms("What is the maximum drawdown of the long-short portfolio?")[1]}
    assert "最大回撤" in found and "多空" in found


def test_a_hyphened_word_the_report_does_not_write_is_read_as_its_words(bot):
    terms = [t.text for t in bot.retriever.tokenizer.terms("Which ChatGPT-based game speaks?")]
    assert "chatgpt" in terms and not any("based" in t and "chatgpt" in t for t in terms)
    # one the report writes hyphened stays one name
    terms = [t.text for t in bot.retriever.tokenizer.terms("What is Turing-NLG for?")]
    assert normalize("Turing-NLG") in terms and "nlg" not in terms


def test_a_word_the_dictionary_gives_only_one_character_for_is_never_named_missing(bot):
    # CC-CEDICT has "cat" as 猫 alone (one character is not searched as a word), and the report
    # speaks of 汤姆猫: "cat" cannot be said to be missing from it
    from reportbot.language import cedict
    from reportbot.language.english import _stem

    assert "猫" in cedict.single_characters(_stem).get(("cat",), ())
    answer = bot.ask("Which company's ChatGPT-based game is described as a talking Tom cat?")
    assert answer.found and "汤姆猫" in answer.text and "cat”" not in answer.text
