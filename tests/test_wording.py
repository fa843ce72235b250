"""Questions in users' words about the bundled report, each of a kind the wording sets hold
(questions written here, not taken from them): a name typed by sound, a short forecast year
beside a name, a one-sided comparison as a follow-up, the report's parts, how many items a
numbered list has, a sum of two figures of a passage, what a rating means, the facts of the
cover, and a count whose thing the table does not list."""

from __future__ import annotations

from reportbot.answer.outline import contents_of
from reportbot.answer.passages import enumerated_count
from reportbot.answer.textsum import sum_line
from reportbot.language.dates import read_dates
from reportbot.language.homophones import Homophones


def test_a_name_typed_by_sound_is_read_as_the_one_name_it_sounds_like():
    names = Homophones(["华策影视", "华策", "捷成股份", "捷成", "焦点科技"])
    assert names.name_for("华测") == "华策"  # huá cè, one character the same
    assert names.name_for("捷城股份") == "捷成股份"
    assert names.name_for("斑马科技") is None  # another name, not a slip
    assert names.name_for("华策") is None  # the report's own name needs no reading


def test_a_homophone_slip_answers_and_says_how_it_was_read(bot):
    answer = bot.ask("捷城股份的总市值是多少？")
    assert answer.found and "195" in answer.text and "“捷城”按“捷成”理解" in answer.text
    refused = bot.ask("斑马科技的总市值是多少？")  # no name of the report sounds like it
    assert not refused.found


def test_a_short_forecast_year_right_after_a_name():
    assert "2022E" in read_dates("奥飞22E的PE是多少", 2023).text
    assert "2021A" in read_dates("芒果21A呢", 2023).text


def test_a_one_sided_comparison_keeps_the_earlier_subject(bot):
    history = [("华策影视2023年的PE是多少？", "华策影视 PE 2023E(预测)：30.90")]
    answer = bot.ask("跟捷成股份比，哪个更便宜？", history=history)
    first = answer.text.split("\n")[0]
    assert answer.found and first.startswith("捷成股份") and "30.90" in first and "23.40" in first


def test_a_compare_leads_with_the_name_the_question_used(bot):
    # the timeline's rows are keyed by model; the question names companies
    answer = bot.ask("华为和阿里巴巴，谁的大模型先发布？")
    assert answer.found and answer.text.startswith("华为")


def test_the_reports_parts_come_from_its_own_contents(bot):
    assert contents_of("南京证券\n01 ● AIGC\n02 ● AI+游戏\n03 ● AI+营销\n其他") == ["AIGC", "AI+游戏", "AI+营销"]
    assert contents_of("1. 一句话\n3. 另一句") == []
    answer = bot.ask("这篇研报分成几个部分？")
    assert answer.found and "目录" in answer.text and "投资建议" in answer.text


def test_a_numbered_list_is_counted_only_when_numbered_from_one():
    assert enumerated_count(["①甲", "②乙", "③丙", "不是条目"]) == 3
    assert enumerated_count(["1. 甲", "2. 乙"]) == 2
    assert enumerated_count(["甲", "乙", "丙"]) == 0  # loose lines are not counted
    assert enumerated_count(["②乙", "③丙"]) == 0


def test_a_sum_of_two_figures_a_passage_gives():
    passage = "此次共有15个新增项目获批，另有7个续期项目。"
    assert sum_line("新增加续期一共多少个？", passage).startswith("一共22个")
    assert sum_line("新增一共多少个？", passage) == ""  # one side is no sum
    assert sum_line("新增加续期一共多少亿？", "新增15个，续期7亿元") == ""  # two units


def test_what_a_rating_means_is_answered_by_its_definition(bot):
    answer = bot.ask("“回避”这个评级是什么意思？")
    assert answer.found and ("弱于" in answer.text or "-10%" in answer.text)


def test_facts_of_the_cover(bot):
    analysts = bot.library()[0].analysts
    assert analysts
    answer = bot.ask("这份报告的分析师是谁？")
    assert answer.found and all(a in answer.text for a in analysts) and answer.citations
    undated = bot.ask("这篇报告是什么时候发布的？")  # the bundled cover prints no date
    assert not undated.found and "发布日期" in undated.text
    other = bot.ask("报告给蓝色光标的评级是什么？")  # an industry rating is no company's
    assert not other.text.startswith("评级")


def test_a_count_is_over_a_table_only_when_it_lists_the_thing_counted(bot):
    answer = bot.ask("游戏版号一共发了多少个？")
    assert "国内游戏公司布局AIGC相关」中共" not in answer.text
    rows = bot.ask("游戏公司布局AIGC那张表一共几家公司？")
    assert rows.found and "共9个" in rows.text


def test_a_count_followed_by_a_sum_asks_the_sum(bot):
    answer = bot.ask("营销表里几家公司总市值加起来是多少？")
    assert answer.found and "合计" in answer.text and "611.19" in answer.text


def test_spelled_out_averages_and_words_jieba_cuts_apart(bot):
    from reportbot.language.lexicons import contracted

    assert contracted("一年平均换手几次") == "年均换手几次" and contracted("平均每天多少") == "日均多少"
    terms = {t.text for t in bot.retriever.tokenizer.terms("对价大概多少钱")}
    assert {"是用", "用哪"}.isdisjoint({t.text for t in bot.retriever.tokenizer.terms("是用哪两个")})
    assert "对价" not in terms or bot.retriever.stats.known("对价")  # only a word the report uses


def test_an_exchange_by_its_chinese_name_filters_the_codes(bot):
    answer = bot.ask("营销那张表里有几家是沪市的？")
    assert answer.found and "共2个" in answer.text and "三人行" in answer.text and "蓝色光标" not in answer.text


def test_how_many_hundred_millions_is_a_value_not_a_count(bot):
    answer = bot.ask("华凯易佰2023年净利润预测几个亿？")
    assert answer.found and "共" not in answer.text.split("\n")[0]


def test_a_measure_the_report_never_gives_is_refused_by_name(bot):
    answer = bot.ask("光线传媒的ROE是多少？")
    assert not answer.found and "roe" in answer.text.lower()


def test_a_measure_word_after_a_pointer_names_nothing(bot):
    answer = bot.ask("AI+营销那张表的PE平均是多少？")
    assert answer.found and "平均" in answer.text and "张表" not in answer.text


def test_the_disclaimer_answers_only_questions_about_it(bot):
    answer = bot.ask("这份报告的结论是什么？")
    assert "仅供参考" not in answer.text
    legal = bot.ask("报告的免责声明说了什么？")
    assert legal.found and any("免责声明" in c.section for c in legal.citations)


def test_a_misspelt_name_jieba_cuts_in_two_is_read_whole(bot):
    # 蓝色光表 is cut 蓝色 / 光表: the stretch around the unknown piece sounds like 蓝色光标
    answer = bot.ask("蓝色光表2022年预计亏多少")
    assert answer.found and "-11.83" in answer.text and "“蓝色光表”按“蓝色光标”理解" in answer.text
    names = Homophones(["蓝色光标", "华策"])
    assert names.name_around("蓝色光表亏多少", 2, 4) == ("蓝色光表", "蓝色光标")
    assert names.name_around("华测亏多少", 0, 2) is None  # two-character names are not looked for inside words


def test_a_number_asked_of_something_the_report_never_names_is_refused_by_it(bot):
    # the report speaks of 网易伏羲 but never of its staff: the counted noun is what is asked
    answer = bot.ask("网易伏羲实验室有多少研究人员？")
    assert not answer.found and "研究人员" in answer.text
    # the head the report does name (版号) keeps the question answerable, worded otherwise
    counted = bot.ask("12月28日有多少个进口游戏版号？")
    assert counted.found and "44" in counted.text
    # 哪几 asks which ones, not how many: never a count's noun
    which = bot.ask("预训练模型包括哪几类？")
    assert which.found
    # a number of users is asked: the passage on 文心一言 that gives none does not answer it
    users = bot.ask("百度文心一言有多少用户？")
    assert not users.found


def test_traditional_questions_are_read_with_the_same_cues():
    """Every cue (几个, 三张表, 啥意思) is written in simplified: a traditional question is read in
    the reading form, and keeps its own script only where it is shown back."""
    from reportbot.language.scripts import reading_form

    assert reading_form("報告說要包含幾個要點？") == "报告说要包含几个要点？"


def test_traditional_questions_answer_as_the_simplified_do(bot):
    import json
    from pathlib import Path

    import opencc

    cc = opencc.OpenCC("s2twp")  # Taiwan's script and words, as a user there writes
    items = [json.loads(line) for line in
             (Path(__file__).parent.parent / "benchmarks" / "own" / "bundled_probes2.jsonl").read_text().splitlines()]
    asked = [it for it in items if it["answer"] and not it.get("history") and it["type"] != "english"][:12]
    for it in asked:
        simplified, traditional = bot.ask(it["q"]), bot.ask(cc.convert(it["q"]))
        assert traditional.found == simplified.found, it["q"]
        assert [c.quote for c in traditional.citations] == [c.quote for c in simplified.citations], it["q"]
        assert traditional.question == cc.convert(it["q"])  # shown back as the user wrote it


def test_a_pointer_with_a_count_word_is_no_count(bot):
    # 那几家 points at a table's rows; the question asks which is cheapest, not how many
    answer = bot.ask("营销那几家里谁最便宜")
    assert answer.found and answer.kind == "min" and "三人行" in answer.text.splitlines()[0]
    counted = bot.ask("营销估值表里一共几家公司？")
    assert counted.found and counted.kind == "count" and "4" in counted.text
