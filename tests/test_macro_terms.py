"""Words a macro or strategy report uses that read like something else: a maturity written
like a short year (10年美债), a noun set before a metric (天然气产量, 纳斯达克指数) that says which
figure is asked, and a count of rows none of which was asked about. A report written here,
indexed in the run (real Chroma, real model); and the bundled report's tables of one kind,
filtered together when the question names none of them."""

from __future__ import annotations

import pytest
from conftest import indexed_notes

from reportbot.language.dates import read_dates

WEEKLY = """示例证券
海外经济周报：油价冲击后的美债
分析师 李示例

➤ 一、美债利率

截至4月16日，5年期盈亏平衡通胀率已升至2.6%，10年盈亏平衡通胀率为2.4%。
2010年美国失业率一度接近10%，美债收益率随后回落。
美国2025年原油产量达到1360万桶/日的历史新高。
纳斯达克指数当周下跌2.1%，市场风险偏好回落。港股当周反弹。

➤ 二、择时策略

表1：择时策略业绩统计
指数	年化收益率	最大回撤
恒生指数	11.20%	35.10%
沪深300	9.71%	28.40%
中证500	8.05%	40.20%

➤ 三、工业：3月工业生产弱于预期

表2：3月制造业生产结构
行业	同比	环比
交运设备	0.6%	-1.7%
打印	-3.1%	-2.3%
机械	2.9%	-0.3%
电脑电子	5.5%	0.8%
"""


@pytest.fixture(scope="module")
def weekly_bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "weekly", {"example_weekly_2026.txt": WEEKLY})


def test_a_maturity_the_report_writes_is_no_short_year():
    def written(phrase: str) -> bool:  # as the index answers it: the report's text holds it
        return phrase in "截至4月16日，10年盈亏平衡通胀率为2.4%。"
    kept = read_dates("10年盈亏平衡通胀率是多少", 2026, written)
    assert kept.years == [] and "10年盈亏平衡" in kept.text
    # a short year the report does not write so is still a year
    assert read_dates("华策23年PE多少", 2026, written).years == [2023]
    assert read_dates("10年盈亏平衡通胀率是多少", 2026).years == [2010]  # no report to ask


def test_a_maturity_is_answered_not_refused_for_a_year(weekly_bot):
    answer = weekly_bot.ask("截至4月16日10年盈亏平衡通胀率是多少")
    assert answer.found and "2.4%" in answer.text


def test_a_noun_before_a_metric_the_report_lacks_is_named(weekly_bot):
    answer = weekly_bot.ask("美国2025年天然气产量是多少")
    assert not answer.found and "天然气" in answer.text and "1360" not in answer.text
    assert weekly_bot.ask("美国2025年原油产量是多少").found


def test_a_name_before_a_metric_is_what_the_row_must_say(weekly_bot):
    # 纳斯达克 is in the report, but not in the strategy's table: no other index's row answers
    answer = weekly_bot.ask("择时策略在纳斯达克指数上的年化收益率是多少")
    assert not answer.found and "11.20%" not in answer.text
    hang_seng = weekly_bot.ask("择时策略在恒生指数上的年化收益率是多少")
    assert hang_seng.found and "11.20%" in hang_seng.text


def test_where_a_figure_is_measured_is_what_the_row_must_say(weekly_bot):
    # "在<X>上": 港股 is in the report, but no row of the table is of it
    answer = weekly_bot.ask("择时策略在港股上的最大回撤是多少")
    assert not answer.found and "%" not in answer.text
    csi = weekly_bot.ask("择时策略在中证500上的最大回撤是多少")
    assert csi.found and "40.20%" in csi.text


def test_a_passage_with_the_year_alone_answers_nothing(weekly_bot):
    # the 2010 sentence is of unemployment: it has the year and nothing else asked
    answer = weekly_bot.ask("2010年美国原油产量是多少")
    assert not answer.found and "10%" not in answer.text


def test_a_fall_asked_as_the_most_is_the_lowest_change(weekly_bot):
    # "跌得最多" of a signed change is its lowest
    fell = weekly_bot.ask("3月制造业生产里，环比跌得最多的是哪个细分行业？").text.split("\n")[0]
    assert "打印" in fell and "-2.3%" in fell
    rose = weekly_bot.ask("3月制造业生产里，环比最高的是哪个细分行业？").text.split("\n")[0]
    assert "电脑电子" in rose


def test_the_kind_asked_runs_to_the_phrases_head(weekly_bot):
    # "哪个细分行业" asks for a 行业, as "哪个行业" does: a word the answer need not hold (a table
    # under a 工业 heading is not of another kind for it)
    terms = {t.text: t for t in weekly_bot.retriever.tokenizer.terms("环比跌得最多的是哪个细分行业？")}
    assert terms["行业"].soft and terms["细分"].soft
    assert not terms["环比"].soft


def test_a_count_of_no_rows_is_no_answer(bot):
    answer = bot.ask("腾讯建了几个AI实验室")
    assert answer.found and "四大" in answer.text and "共0个" not in answer.text


def test_a_filter_naming_no_table_runs_over_every_table_of_the_kind(bot):
    # three valuation tables of the same headers (AI+视频, AI+电商, AI+营销): 2021A PE over 45
    answer = bot.ask("2021A PE高于45倍的有哪些")
    first = answer.text.split("\n")[0]
    assert answer.found and "共2个" in first and "捷成股份" in first and "易点天下" in first
    assert "华策影视" not in first
    # a table named by its section keeps the filter to it
    marketing = bot.ask("营销板块2021A PE高于45倍的有哪些").text.split("\n")[0]
    assert "易点天下" in marketing and "捷成股份" not in marketing
