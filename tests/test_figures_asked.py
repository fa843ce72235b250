"""What 多少 asks of a passage, on a note written here and indexed in the run (real Chroma, real
model): an address after the word asked is its value; a figure belongs to the year its
sentence names before it; 一共 before an amount sums a table's column; a compound of two of
the report's words (建材 + 行业) is no name the report lacks; the month asked is the column
headed by that month."""

from __future__ import annotations

import pytest
from conftest import indexed_notes

NOTE = """示例证券
传媒与建材周报：版号与估值
研究员 赵示例
邮箱 zhao.shili@example-sec.com
联系电话 010-12345678

➤ 版号

2024年全年共计发布1306个游戏版号，数量明显多于2023年。
2025年以来版号发放稳定，每月保持在100个以上。

➤ 行业估值

行业	PE 2024E	PE 2025E	总市值（亿元）
影视	35.2	28.1	1200
建材	18.5	15.3	800
广告	22.4	19.0	650

➤ 月度增速

行业	收入同比 2025/2	收入同比 2025/3
影视	3.5%	2.5%
建材	-0.5%	3.4%
广告	0.8%	-1.1%
"""


@pytest.fixture(scope="module")
def note_bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "figures_asked", {"example_weekly_2025.txt": NOTE})


def test_an_address_after_the_word_asked_is_what_duoshao_asks(note_bot):
    answer = note_bot.ask("研究员的邮箱是多少？")
    assert answer.found and "zhao.shili@example-sec.com" in answer.text, answer.text


def test_a_figure_is_the_years_its_sentence_names_before_it(note_bot):
    refused = note_bot.ask("2023年全年发了多少个游戏版号？")  # 1306 is 2024's; 2023 is only compared
    assert not refused.found and "1306" not in refused.text and "其他年份" in refused.text, refused.text
    answer = note_bot.ask("2024年一共发了多少个游戏版号？")
    assert answer.found and "1306" in answer.text, answer.text


def test_yigong_before_an_amount_sums_the_column(note_bot):
    answer = note_bot.ask("三个行业的总市值一共多少亿？")
    assert answer.found and "2650" in answer.text, answer.text


def test_a_compound_of_the_reports_words_names_its_row(note_bot):
    # jieba keeps 建材行业 whole and its search cut adds a stray 建材行: the row 建材 is asked
    answer = note_bot.ask("建材行业的2025E PE是多少？")
    assert answer.found and "15.3" in answer.text.split("\n")[0], answer.text


def test_the_month_asked_is_the_column_headed_by_it(note_bot):
    march = note_bot.ask("3月收入同比超过3%的行业有哪些？")
    assert march.found and "建材" in march.text and "影视" not in march.text, march.text
    february = note_bot.ask("2月收入同比超过3%的行业有哪些？")
    assert february.found and "影视" in february.text and "建材" not in february.text, february.text
