"""Questions in users' words (dev_paraphrase.jsonl) and honest refusals."""

import pytest
from conftest import DEV_PARAPHRASE, DEV_SET, REPORT

from reportbot.app.evaluate import evaluate, load_items

TEXT_TYPES = {"para_table", "para_text", "para_list", "english"}
TABLE_TYPES = {"para_compare", "para_superlative", "para_filter", "para_count"}


@pytest.fixture(scope="module")
def paraphrase_rows(bot):
    if not DEV_PARAPHRASE.exists():
        pytest.skip(f"{DEV_PARAPHRASE} not present")
    return evaluate(bot, load_items(DEV_PARAPHRASE)).rows


def _accuracy(rows, types):
    picked = [r for r in rows if r["type"] in types]
    return sum(r["correct"] for r in picked) / len(picked)


def test_paraphrased_questions_are_answered(paraphrase_rows):
    assert _accuracy(paraphrase_rows, TEXT_TYPES) >= 0.85
    assert _accuracy(paraphrase_rows, TABLE_TYPES) >= 0.85


def test_unanswerable_paraphrases_are_all_refused(paraphrase_rows):
    assert _accuracy(paraphrase_rows, {"unanswerable"}) == 1.0


def test_no_refusal_says_the_report_lacks_a_word_it_contains(bot, paraphrase_rows):
    """A refusal may name what the report does not mention; never a word it does."""
    corpus = REPORT.read_text(encoding="utf-8").lower()
    refusals = [r for r in paraphrase_rows if not r["found"]]
    if DEV_SET.exists():
        refusals += [r for r in evaluate(bot, load_items(DEV_SET)).rows if not r["found"]]
    assert refusals
    for r in refusals:
        answer = r["answer"]
        if "没有提到" in answer:
            named = answer.split("没有提到")[1].split("。")[0]
            for word in named.replace("“", " ").replace("”", " ").replace("、", " ").split():
                assert word.lower() not in corpus, (r["q"], word)


def test_relative_dates_are_resolved_and_said(bot):
    answer = bot.ask("华凯易佰去年和今年的归母净利润预测分别是多少？")
    assert answer.found and "2.10" in answer.text and "3.11" in answer.text
    assert "去年" in answer.text and "2022" in answer.text


def test_aliases_learned_from_the_report_and_the_glossary(bot):
    assert "150亿" in bot.ask("脸书那个M2M-100参数多大？").text  # 脸书 → Facebook
    assert "佳能R6" in bot.ask("MJ V5作图能模拟不同相机，报告举的是哪款相机？").text  # MJ → Midjourney
    assert bot.ask("蓝标22年预计亏了多少？").text.startswith("蓝色光标")  # short name


def test_english_questions_get_english_framing(bot):
    answer = bot.ask("What's the email address of the report's analyst?")
    assert answer.found and "yqxu@njzq.com.cn" in answer.text
    assert answer.text.startswith("The report")
    refusal = bot.ask("What was Perfect World's (完美世界) net profit in 2022?")
    assert not refusal.found and refusal.text.startswith("The report does not")
