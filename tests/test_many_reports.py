"""A list asked of a library where many reports hold the same one (a broker's standard risk
list in each of its notes): every member is given, once, under all the reports that say it —
not one item per report. Notes written here, indexed in the run (real Chroma, real model)."""

from __future__ import annotations

import re

import pytest
from conftest import indexed_notes

RISKS = ["宏观经济下行风险", "原材料价格波动风险", "行业竞争加剧风险", "政策变化风险"]
OTHER_RISKS = ["汇率大幅波动风险", "海外需求不及预期风险"]


def _note(i: int, risks: list[str]) -> str:
    items = "\n".join(f"- {r}" for r in risks)
    return (f"示例证券\n示例公司{i}（60000{i}.SH）点评：业绩稳健\n分析师 王示例\n\n➤ 投资要点\n\n"
            f"公司本季度收入增长{i * 3}%，毛利率稳定，订单充足，产能持续扩张。\n\n➤ 风险提示\n\n{items}\n")


@pytest.fixture(scope="module")
def library_bot(tmp_path_factory):
    notes = {f"example_note_{i}.txt": _note(i, RISKS) for i in range(1, 6)}
    return indexed_notes(tmp_path_factory, "many", {**notes, "example_note_6.txt": _note(6, OTHER_RISKS)})


def test_a_list_many_reports_share_is_given_whole_and_once(library_bot):
    answer = library_bot.ask("报告提示了哪些风险？")
    assert answer.found
    for risk in RISKS:
        assert answer.text.count(risk) == 1, answer.text  # each item once, however many say it
    sources = {c.source for c in answer.citations}
    assert {f"example_note_{i}.txt" for i in range(1, 6)} <= sources
    line = next(line for line in answer.text.split("\n") if RISKS[0] in line)
    assert len(re.findall(r"\[\d+\]", line)) == 5  # the line cites each report's passage


def test_a_report_with_its_own_list_keeps_it_apart(library_bot):
    answer = library_bot.ask("报告提示了哪些风险？")
    lines = answer.text.split("\n")
    own = [i for i, line in enumerate(lines) if OTHER_RISKS[0] in line]
    shared = [i for i, line in enumerate(lines) if RISKS[0] in line]
    assert own and shared and OTHER_RISKS[1] in answer.text
    # its own group, named after its own report only
    label = next(line for line in reversed(lines[:own[0]]) if line.endswith("："))
    assert "example_note_6.txt" in label and "example_note_1.txt" not in label
