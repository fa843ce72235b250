"""A company note's financial summary with the years as columns, asked year by year (which
years pass a threshold, which year is highest), written here as a report of its own and
indexed in the run (real Chroma, real model); and the reading of passages that point back
or state the question's own figure."""

from __future__ import annotations

import pytest
from conftest import indexed_notes

NOTE = """示例证券
示例科技（600000.SH）公司点评：订单加速释放
分析师 王示例

➤ 主要财务指标

指标	2022A	2023A	2024E	2025E	2026E
营业收入（百万元）	1,000	1,200	1,500	2,100	2,400
营业收入增长率	10.0%	20.0%	25.0%	40.0%	14.3%
净利润（百万元）	100	90	150	260	300
净利润增长率	5.0%	-10.0%	66.7%	73.3%	15.4%

➤ 投资要点

公司先后推出了“星河”平台和“北斗”平台。这两个平台覆盖了华东和华南的主要客户，二者合计贡献了六成收入。
公司以现金收购示例电子51%股权，对价为3.2亿元。
"""


@pytest.fixture(scope="module")
def note_bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "note", {"example_note_2024.txt": NOTE})


def test_which_years_pass_a_threshold(note_bot):
    answer = note_bot.ask("示例科技哪几年的净利润增长率超过50%？")
    first = answer.text.split("\n")[0]
    assert answer.found and "2024E" in first and "2025E" in first
    assert not any(y in first for y in ("2022A", "2023A", "2026E"))


def test_which_year_is_lowest(note_bot):
    answer = note_bot.ask("营业收入增长率哪一年最低？")
    assert answer.found and "2022A" in answer.text.split("\n")[0] and "10.0%" in answer.text


def test_a_year_asked_by_its_column_still_reads_the_row(note_bot):
    answer = note_bot.ask("2025年预测净利润是多少？")
    assert answer.found and "260" in answer.text


def test_a_sentence_that_points_back_comes_with_the_one_it_points_at(note_bot):
    answer = note_bot.ask("二者合计贡献了多少收入？")
    assert answer.found and "星河" in answer.text and "北斗" in answer.text


def test_how_much_is_not_answered_by_the_questions_own_figure(note_bot):
    answer = note_bot.ask("收购示例电子51%股权，对价是多少钱？")
    assert answer.found and "3.2亿元" in answer.text
