"""Typed tables: cell values, header paths, and tables as DataFrames for analysts."""

import math

import pandas as pd
import pytest

from reportbot.documents.loaders import Page
from reportbot.documents.parse import parse_pages
from reportbot.documents.tables import Table, parse_cell


@pytest.mark.parametrize("raw, header, kind, number, unit", [
    ("5400亿", "参数量", "number", 5.4e11, "亿"),
    ("12亿", "参数量", "number", 1.2e9, "亿"),
    ("1.2万", "", "number", 1.2e4, "万"),
    ("31.02", "PE", "number", 31.02, ""),
    ("-0.35", "", "number", -0.35, ""),
    ("−4.17", "", "number", -4.17, ""),  # a Unicode minus, as PDFs print it
    ("1,234.5", "", "number", 1234.5, ""),
    ("50.25%", "", "percent", 50.25, "%"),
    ("002558.SZ", "代码", "code", None, "SZ"),
    ("605168.SH", "证券代码", "code", None, "SH"),
    ("4.10", "时间", "date", 410.0, ""),
    ("5月", "时间", "date", 500.0, ""),
    ("2015", "提出时间", "year", 2015.0, ""),
    ("", "PE", "missing", None, ""),
    ("-", "PE", "missing", None, ""),
    ("NA", "PE", "missing", None, ""),
    ("巨人网络", "公司", "text", None, ""),
])
def test_parse_cell(raw, header, kind, number, unit):
    value = parse_cell(raw, header)
    assert value.kind == kind and value.unit == unit
    if number is None:
        assert value.number is None
    else:
        assert math.isclose(value.number, number)


def test_4_10_is_a_number_outside_a_date_column():
    assert parse_cell("4.10", "PE").number == pytest.approx(4.1)


def test_two_level_header_becomes_a_header_path():
    text = ("证券代码\t公司\t归母净利润（亿元）\t\tPE\t\n"
            "\t\t2022E\t2023E\t2022E\t2023E\n"
            "300058.SZ\t蓝色光标\t-11.83\t3.88\t-17.89\t54.56\n"
            "301171.SZ\t易点天下\t3.08\t3.83\t44.16\t35.58\n")
    chunks = parse_pages([Page(None, text)], "t.txt")
    data = next(c.table_data for c in chunks if c.kind == "table")
    table = Table(id="t", source="t.txt", caption="c", section="s", page=None,
                  headers=[tuple(h) for h in data["headers"]], rows=data["rows"])
    assert table.headers[2] == ("归母净利润（亿元）", "2022E(预测)")
    assert table.headers[5] == ("PE", "2023E(预测)")
    assert table.values[0][2].number == pytest.approx(-11.83)
    assert table.label_column == 1 and table.row_label(1) == "易点天下"
    assert table.estimate_year(4) == (2022, "E")


def test_bot_tables_are_typed_dataframes(bot):
    frames = bot.tables()
    assert len(frames) >= 7
    models = next(f for f in frames if "预训练模型" in f.columns)
    assert models.attrs["caption"] == "国外主要的AIGC预训练模型"
    assert models.attrs["source"] == "njzq_aigc_2023.txt" and models.attrs["section"]
    palm = models[models["预训练模型"] == "PaLM"].iloc[0]
    assert palm["参数量"] == pytest.approx(5.4e11) and palm["企业"] == "谷歌"  # filled down
    assert pd.isna(models[models["预训练模型"] == "LaMDA"].iloc[0]["参数量"])  # blank → missing
    video = next(f for f in frames if f.attrs["section"].endswith("AI+视频"))
    assert ["PE", "2023E(预测)"] in video.attrs["header_paths"]
    assert video.set_index("公司").loc["奥飞娱乐", "归母净利润（亿元） › 2021A(实际)"] == pytest.approx(-4.17)
