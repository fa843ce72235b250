"""The structure parser on the bundled report and on small made-up documents."""

from conftest import REPORT

from reportbot.documents.loaders import Page, load_pages
from reportbot.documents.parse import SEP, parse_pages


def chunks_of_report():
    return parse_pages(load_pages(REPORT), REPORT.name)


def rows_of(chunks, caption):
    return [c for c in chunks if c.kind == "row" and c.table == caption]


def test_sections_follow_parts_and_headings():
    chunks = chunks_of_report()
    sections = {c.section for c in chunks}
    assert f"第一部分 AIGC{SEP}大模型时间表" in sections
    # a part whose title sits on the next line ("第二部分" / "AI+游戏")
    assert any(s.startswith("第二部分 AI+游戏" + SEP) for s in sections)
    risk = [c for c in chunks if c.section.endswith("风险提示")]
    assert risk and "版号发行不及预期" in risk[0].body


def test_blank_leading_cells_are_filled_down():
    rows = rows_of(chunks_of_report(), "国外主要的AIGC预训练模型")
    palm = next(r for r in rows if "PaLM" in r.body)
    assert dict(palm.cells)["企业"] == "谷歌"
    codex = next(r for r in rows if "Codex" in r.body)
    assert dict(codex.cells)["企业"] == "Open AI"
    # an empty cell in the middle of a row stays empty (LaMDA has no parameter count)
    lamda = next(r for r in rows if "LaMDA" in r.body)
    assert "参数量" not in dict(lamda.cells) or not dict(lamda.cells)["参数量"]


def test_two_level_headers_are_flattened():
    chunks = chunks_of_report()
    mango = next(c for c in chunks if c.kind == "row" and "芒果超媒" in c.body)
    cells = dict(mango.cells)
    pe_2023 = [h for h in cells if h.startswith("PE") and "2023E" in h]
    profit_2022 = [h for h in cells if h.startswith("归母净利润") and "2022E" in h]
    assert len(pe_2023) == 1 and cells[pe_2023[0]] == "31.02"
    assert len(profit_2022) == 1 and cells[profit_2022[0]] == "18.22"


def test_every_table_is_also_kept_whole():
    chunks = chunks_of_report()
    tables = [c for c in chunks if c.kind == "table"]
    for t in tables:
        rows = [c for c in chunks if c.kind == "row" and c.table_id == t.table_id]
        assert rows, t.table
        assert len(t.body.split("\n")) == len(rows) + 1  # header line + one line a row


def test_row_chunks_carry_caption_and_headers():
    rows = rows_of(chunks_of_report(), "国内游戏公司布局AIGC相关")
    giant = next(r for r in rows if "巨人网络" in r.body)
    assert giant.body.startswith("公司：巨人网络")
    assert "国内游戏公司布局AIGC相关" in giant.text and "文心一言" in giant.text
    assert "第" in giant.location() and "巨人网络" in giant.location()


def test_markdown_headings_and_pipe_tables():
    md = (
        "# 示例报告\n\n## 第一章 市场\n\n### 竞争格局\n\n行业集中度较高。\n\n"
        "主要公司\n\n| 公司 | 份额 |\n|---|---|\n| 甲公司 | 40% |\n| 乙公司 | 25% |\n"
    )
    chunks = parse_pages([Page(None, md)], "x.md")
    rows = [c for c in chunks if c.kind == "row"]
    assert [dict(r.cells)["公司"] for r in rows] == ["甲公司", "乙公司"]
    assert rows[0].table == "主要公司"
    assert rows[0].section == f"第一章 市场{SEP}竞争格局"


def test_pages_are_kept_on_chunks():
    pages = [Page(1, "➤ 概览\n- 第一页的内容。"), Page(2, "- 第二页的内容。")]
    chunks = parse_pages(pages, "x.pdf")
    assert {(c.page, c.body) for c in chunks} == {(1, "第一页的内容。"), (2, "第二页的内容。")}
    assert all(c.section == "概览" for c in chunks)


def test_pdf_tables_without_tabs_are_recovered_but_prose_is_not():
    text = ("➤ 主要公司\n公司 代码 业务\n甲科技 600001.SH 公有云服务\n乙网络 000002.SZ 数据中心建设\n"
            "示例证券 行业深度报告\n第一部分 市场概况\n")
    chunks = parse_pages([Page(3, text)], "x.pdf")
    rows = [c for c in chunks if c.kind == "row"]
    assert [dict(r.cells)["业务"] for r in rows] == ["公有云服务", "数据中心建设"]
    assert all(r.page == 3 for r in rows)
    texts = [c.body for c in chunks if c.kind == "text"]
    assert any("示例证券 行业深度报告" in t for t in texts)
    # the same lines in a text file are not guessed at: only tabs and pipes make tables there
    assert not [c for c in parse_pages([Page(None, text)], "x.txt") if c.kind == "row"]


def test_the_source_line_under_a_table_is_its_note():
    text = ("美联储加息概率\n会议\t加息\t不变\n2026/4/29\t0.5%\t99.5%\n2026/6/17\t2.0%\t98.0%\n\n"
            "资料来源：芝商所（CME），申万宏源研究\n\n正文一段，资料来源：不是表的注。\n")
    chunks = parse_pages([Page(None, text)], "n.txt")
    table = next(c for c in chunks if c.kind == "table")
    assert table.table_data["note"] == "资料来源：芝商所（CME），申万宏源研究"
    assert table.body.endswith("资料来源：芝商所（CME），申万宏源研究")  # searchable with the table


def test_a_table_is_found_by_the_source_its_note_names(tmp_path_factory):
    from conftest import indexed_notes

    rows = "\n".join(f"2026/{m}/15\t{m}.0%\t{100 - m}.0%" for m in range(1, 8))
    bot = indexed_notes(tmp_path_factory, "note", {"fed_note.txt": (
        "美联储观察\n\n本周市场对加息的预期有所升温。\n\n市场预期美联储维持利率不变\n"
        f"FOMC会议\t加息\t不变\n{rows}\n\n资料来源：芝商所（CME），示例证券研究所\n")})
    [table] = [t for t in bot.tables() if "FOMC会议" in t.columns]
    assert "CME" in table.attrs["note"]  # the typed table carries it, for analysts too
    # the table is named by its source and by what its cells are (概率, which it never says);
    # the noun right after the count word (几次FOMC会议) is what is counted
    answer = bot.ask("CME利率概率那张表一共列了几次FOMC会议？")
    assert answer.found and "共7个" in answer.text


def test_a_repeated_time_is_no_label_to_qualify():
    # 5月 stands twice under 时间 (腾讯 and Google): each row keeps its own time, unlike a
    # 同比增长 said under each measure, which is named with the label above it
    rows = rows_of(chunks_of_report(), "大模型时间表")
    may = [dict(r.cells)["时间"] for r in rows if dict(r.cells).get("公司") in ("腾讯", "Google")]
    assert may == ["5月", "5月"]
    xunfei = next(r for r in rows if dict(r.cells).get("公司") == "科大讯飞")
    assert dict(xunfei.cells)["时间"] == "5.6"
