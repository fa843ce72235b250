"""Words of a table's own names are names, not operations (IC均值 is no average to take, 最大回撤
of a named row is no maximum); a table of years as columns answers a measure's year with that
cell first; an index named with a number (沪深300, 日经225) is one name; a question asking two
things the report says apart is answered clause by clause. Asked of notes written here and
indexed in the run (real Chroma, real model); expected figures come from the tables the test
writes, never from the answers."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import indexed_notes

SPACES = {"沪深300": ("-0.024", "12.31%"), "中证500": ("-0.034", "9.70%"), "中证1000": ("-0.051", "9.08%")}
YEARS = ("2016E", "2017E", "2018E")
FORECAST = {"净利润(百万元)": ("297.9", "519.5", "868.7"), "EPS(元)": ("0.73", "1.27", "2.13"),
            "PE(X)": ("51.8", "29.7", "17.8")}

QUANT_NOTE = "\n".join([
    "示例证券", "量化专题：新反转因子在不同样本空间的表现", "分析师 李示例", "联系电话 021-61234567", "",
    "➤ 新反转因子", "",
    "在回测期内，新反转因子在全市场的月度IC均值为-0.061，年化ICIR为-2.60。",
    "当周，发达市场股指悉数上涨，日经225、纳斯达克指数分别上涨2.7%、6.8%。",
    "民调方面，移民政策净支持率-10%，经济政策净支持率-22%，贸易政策净支持率-25%。",
    "行业方面，医疗板块本周领涨。", "",
    "图表1：新反转因子在其他样本空间的表现",
    "样本空间\tIC均值\t最大回撤",
    *[f"{name}\t{ic}\t{dd}" for name, (ic, dd) in SPACES.items()],
    "资料来源：示例证券研究所", ""])

INCOME = {"营业收入(百万元)": ("1,259.9", "2,469.3", "4,395.4"), "营业利润(百万元)": ("335.9", "592.2", "997.6")}

COMPANY_NOTE = "\n".join([
    "示例证券", "云帆智能（300777.SZ）公司点评：收购德国KMT公司，订单高增", "分析师 王示例", "",
    "➤ 财务报表预测和估值数据汇总", "",
    "我们预计公司2016-2018年归母净利润稳步增长，维持买入评级，6个月目标价为60元。", "",
    # a table of the section whose caption words (估值) are another form of PE, and no PE row
    "利润表",
    "会计年度\t" + "\t".join(YEARS),
    *[f"{row}\t" + "\t".join(values) for row, values in INCOME.items()],
    "资料来源：示例证券研究所", "",
    "业绩和估值指标",
    "会计年度\t" + "\t".join(YEARS),
    *[f"{row}\t" + "\t".join(values) for row, values in FORECAST.items()],
    "资料来源：示例证券研究所", ""])


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "named-measures",
                         {"example_quant_2022.txt": QUANT_NOTE, "example_company_2016.txt": COMPANY_NOTE})


def test_a_cue_inside_a_header_is_that_header_not_an_operation(bot):
    # 最大回撤 of a row named: that row's figure, not the largest of the column
    answer = bot.ask("中证1000的最大回撤是多少？")
    first = answer.text.split("\n")[0]
    assert answer.found and SPACES["中证1000"][1] in first
    largest = max(SPACES, key=lambda n: float(SPACES[n][1].rstrip("%")))
    assert largest != "中证1000" and SPACES[largest][1] not in first  # the note is written so
    # IC均值 of a row named: the row's mean, not a mean of the means
    answer = bot.ask("中证500的IC均值是多少")
    assert answer.found and SPACES["中证500"][0] in answer.text.split("\n")[0]
    mean = sum(float(ic) for ic, _ in SPACES.values()) / len(SPACES)
    assert f"{mean:.3f}" not in answer.text and "平均" not in answer.text
    # the largest asked apart from the header's own word is still the largest
    answer = bot.ask("哪个样本空间的最大回撤最大？")
    top = max(SPACES, key=lambda n: float(SPACES[n][1].rstrip("%")))
    assert answer.found and top in answer.text.split("\n")[0]


def test_a_table_of_years_as_columns_answers_the_year_asked_first(bot):
    for row, year in (("PE(X)", "2018E"), ("净利润(百万元)", "2017E")):
        measure = row.split("(")[0]
        answer = bot.ask(f"云帆智能{year[:4]}年预测{measure}是多少？")
        value = FORECAST[row][YEARS.index(year)]
        first = answer.text.split("\n")[0]
        assert answer.found and value in first, answer.text
        others = [v for y, v in zip(YEARS, FORECAST[row]) if y != year]
        assert not any(v in first for v in others)


def test_a_company_note_s_tables_are_of_its_company_not_of_every_name_in_its_title(bot):
    # the title names the company bought (KMT) too; the forecast table is 云帆智能's
    refused = bot.ask("KMT公司2017年的净利润预测是多少？")
    assert not refused.found and not any(v in refused.text for v in FORECAST["净利润(百万元)"])
    answered = bot.ask("云帆智能2017年的净利润预测是多少？")
    assert answered.found and FORECAST["净利润(百万元)"][1] in answered.text


def test_an_index_named_with_a_number_is_one_name(bot):
    terms = [t.text for t in bot.retriever.tokenizer.terms("新反转因子在中证1000上的最大回撤")]
    assert "中证1000" in terms and "1000" not in terms
    terms = [t.text for t in bot.retriever.tokenizer.terms("最大回撤低于10的样本空间有哪些")]
    assert not any(t.startswith("低于") and t[-1].isdigit() for t in terms)
    # the report names 日经225 only in its market review: the factor table does not answer it
    answer = bot.ask("新反转因子在日经225上的最大回撤是多少？")
    assert not answer.found
    assert not any(dd in answer.text for _, dd in SPACES.values())


def test_two_things_asked_at_once_are_answered_clause_by_clause(bot):
    answer = bot.ask("量化专题那篇的分析师是谁，电话多少？")
    assert answer.found and "李示例" in answer.text and "021-61234567" in answer.text
    assert {c.n for c in answer.citations} == set(range(1, len(answer.citations) + 1))
    # one clause the report cannot answer: the whole question is refused, not half answered
    refused = bot.ask("云帆智能2019年净利润预测多少，EPS呢？")
    assert not refused.found
    assert not any(v in refused.text for v in FORECAST["EPS(元)"])


def test_dense_search_is_exact_cosine_over_every_chunk(bot):
    retriever = bot.retriever
    got = retriever.index.collection.get(include=["embeddings"])
    matrix = np.asarray(got["embeddings"], dtype=np.float32)
    cosine = dict(zip(got["ids"], matrix))
    for question in ("中证1000的最大回撤", "云帆智能的盈利预测", "日经225涨了多少"):
        vector = retriever.query_vector(question)
        brute = np.sort(matrix @ vector)[::-1][:5]
        found = retriever.dense(question, 5, vector)
        # the five nearest, each at its true cosine (chunks of the same text tie in any order)
        assert np.allclose([s for _, s in found], brute, atol=1e-5)
        assert all(abs(float(cosine[cid] @ vector) - s) < 1e-5 for cid, s in found)


def test_a_measure_given_only_under_other_modifiers_is_refused_by_the_one_asked(bot):
    # the report gives 移民政策's and 经济政策's net approval, not 医疗政策's
    refused = bot.ask("医疗政策的净支持率是多少？")
    assert not refused.found and "医疗" in refused.text and "-10%" not in refused.text
    answered = bot.ask("移民政策的净支持率是多少？")
    assert answered.found and "-10%" in answered.text
    # a 6-month target price is no 12-month one
    refused = bot.ask("云帆智能的12个月目标价是多少？")
    assert not refused.found and "12个月" in refused.text and "60元" not in refused.text
    answered = bot.ask("云帆智能的6个月目标价是多少？")
    assert answered.found and "60" in answered.text
