"""Two tables of the same kind told apart by a qualifier in one caption only — the daily
strategy's table says nothing, the weekly one (first in the report) says （周频）: "日频" asks
the daily one, "周频" the weekly. A note written here, indexed in the run (real Chroma, real model)."""

from __future__ import annotations

import pytest
from conftest import indexed_notes

NOTE = """示例证券
择时模型系列研究：基于示例模型的指数择时
分析师 王示例

➤ 降低换手

把信号频率改为每周一次，交易成本下降。

表3：示例模型指数择时策略（周频）业绩统计：沪深300
业绩指标	示例模型	基准
年化收益率	16.44%	6.10%
最大回撤	35.70%	70.15%

➤ 择时效果

我们用示例模型在沪深300上做日频择时，每日收盘后生成信号。日频信号对短期反转更敏感，日频策略的换手也更高。
下文如无说明，均为日频结果。

表6：示例模型指数择时策略业绩统计：沪深300
业绩指标	示例模型	基准
年化收益率	18.21%	6.10%
最大回撤	30.02%	70.15%
"""


@pytest.fixture(scope="module")
def timing_bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "qualifiers", {"example_timing_2024.txt": NOTE})


def test_the_unqualified_table_answers_the_other_qualifier(timing_bot):
    answer = timing_bot.ask("示例模型在沪深300上做日频择时，年化收益率是多少？")
    first = answer.text.split("\n")[0]
    assert answer.found and "18.21%" in first and "16.44%" not in first


def test_the_qualified_table_answers_its_own(timing_bot):
    answer = timing_bot.ask("示例模型周频择时在沪深300上的年化收益率是多少？")
    first = answer.text.split("\n")[0]
    assert answer.found and "16.44%" in first and "18.21%" not in first
