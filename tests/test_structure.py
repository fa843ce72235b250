"""Report structure read as a person reads it, on documents made in the run: headings by
outline numbering and wrapped onto two lines, a list of figures left out, centred group
headers over a three-line table's columns, notes on the folder not taken for reports, and
the cover's facts (date, kind, rating, target price, analysts) in the library list."""

from __future__ import annotations

import pytest

from reportbot import ReportBot, Settings
from reportbot.documents.parse import SEP

LONG_HEADING = "2 竞争格局：头部厂商持续扩大领先优势，中小厂商加速出清"
PARAGRAPHS = [("本节讨论行业的整体规模与增长情况，我们认为在政策支持与需求回暖的共同作用下，"
               "行业规模有望在未来三年保持稳定增长，龙头公司的市场份额将进一步提升，中小公司则面临"
               "更大的经营压力，需要在细分领域寻找差异化的发展路径。"),
              ("我们首次覆盖该行业，核心观点如下：需求端在消费升级与技术进步的推动下持续扩张，供给端"
               "的集中度稳步提升，产业链上游的议价能力有所增强，下游客户对品质与交付的要求不断提高。")]


def _structured_pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)

    def put(x, y, size, text):
        c.setFont(font, size)
        c.drawString(x, y, text)

    def body(y, text, per_line=40):
        for i in range(0, len(text), per_line):
            put(60, y, 10, text[i:i + per_line])
            y -= 16
        return y - 8

    put(60, h - 120, 22, "结构测试行业深度报告")
    y = body(h - 200, PARAGRAPHS[1])
    c.showPage()
    # a list of figures: entries, and their page numbers printed apart after short leaders
    put(60, h - 80, 14, "图表目录")
    for i in range(1, 13):
        put(60, h - 100 - 20 * i, 10, f"图表{i}：第{i}张图的标题内容")
        put(480, h - 100 - 20 * i, 10, f"..{i + 2}")
    c.showPage()
    put(60, h - 80, 14, "1 行业概览")
    y = body(h - 110, PARAGRAPHS[0])
    put(60, y, 10, "1.1 市场规模")  # at the body size: a heading because it continues the outline
    y = body(y - 24, "市场规模方面，行业规模在去年达到一千二百亿元，同比增长百分之十八，增速领先于整体经济。")
    # a long heading that wraps: its second line is not a heading of its own
    put(60, y - 10, 14, LONG_HEADING[:26])
    put(60, y - 30, 14, LONG_HEADING[26:])
    body(y - 60, "竞争格局方面，头部厂商凭借规模与技术优势持续扩大份额，行业集中度逐年提升，"
                 "新进入者面临较高的资金与技术门槛，我们预计未来三年行业前五名的合计份额将超过六成。")
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def structured(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("structured")
    _structured_pdf(corpus / "deep.pdf")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("structured-index"),
                             llm_model=None))
    report = bot.ingest()
    return bot, report


def test_headings_from_outline_numbers_and_wrapped_lines(structured):
    bot, _ = structured
    sections = {c.section.split(SEP)[-1] for c in bot.retriever.chunks}
    sections = {s.replace(" ", "") for s in sections}
    assert "1行业概览" in sections
    assert "1.1市场规模" in sections  # body size, but the outline's next number
    assert LONG_HEADING.replace(" ", "") in sections
    assert LONG_HEADING[26:] not in sections  # the wrapped half is no heading of its own
    scale = next(c for c in bot.retriever.chunks if "一千二百亿元" in c.body)
    assert scale.section.replace(" ", "").endswith("1.1市场规模")
    assert any("需要在细分领域寻找差异化" in c.body and c.section.replace(" ", "").endswith("1行业概览")
               for c in bot.retriever.chunks)


def test_a_list_of_figures_is_neither_indexed_nor_reported(structured):
    bot, report = structured
    assert not any("第3张图的标题" in c.body for c in bot.retriever.chunks)
    assert not any("page 2" in why for _, why in report.warnings), report.warnings
    answer = bot.ask("图表3的标题是什么？")
    assert not answer.found


def test_centred_group_headers_and_an_exact_row(tmp_path):
    # a three-line table as a text export gives it: group labels centred over their columns,
    # the row labels' header (行业) on the lower header line; and two rows whose names nest
    table = "\n".join([
        "分行业因子表现（资料来源：测试证券研究所）",
        "\t\t原始值\t\t\t中性化\t",
        "行业\tIC\tICIR\t多空年化\tIC\tICIR\t多空年化",
        "煤炭\t0.035\t0.41\t-1.0%\t0.082\t1.45\t9.0%",
        "有色金属\t0.043\t0.80\t6.0%\t0.063\t1.30\t12.0%",
        "改进有色金属\t0.050\t0.90\t7.5%\t0.070\t1.50\t13.5%",
    ])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "factors.txt").write_text("# 因子研究\n\n行业内因子的表现如下。\n\n" + table + "\n", encoding="utf-8")
    # notes on the folder are not reports, and do not fail the ingest
    (corpus / "README.md").write_text("# 这个文件夹\n\n放的是因子报告。\n", encoding="utf-8")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    report = bot.ingest()
    assert not report.errors and "README.md" not in bot.reports()
    assert any("README.md" in f and "not a report" in why for f, why in report.warnings)
    # and an upload by that name is refused with the reason, not stored to be ignored
    from reportbot.app.library import LibraryError, check_upload

    with pytest.raises(LibraryError, match="rename"):
        check_upload("README.md", "说明".encode(), 10)
    frame = next(t for t in bot.tables() if "多空年化" in " ".join(t.columns))
    paths = frame.attrs["header_paths"]
    assert paths[0] == ["行业"]
    assert ["原始值", "IC"] in paths and ["原始值", "多空年化"] in paths
    assert ["中性化", "IC"] in paths and ["中性化", "多空年化"] in paths
    answer = bot.ask("煤炭中性化后的多空年化是多少？")
    assert answer.found and "9.0%" in answer.text and "-1.0%" not in answer.text.split("（")[0]
    # 有色金属 is its own row, not also 改进有色金属's
    answer = bot.ask("有色金属原始值的ICIR是多少？")
    assert answer.found and "0.80" in answer.text and "0.90" not in answer.text


def test_cover_facts_are_listed(tmp_path):
    from test_layout import _broker_pdf

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _broker_pdf(corpus / "note.pdf")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    bot.ingest()
    (report,) = bot.library()
    assert report.date == "2024-03-15"
    assert report.kind == "公司点评"
    assert report.rating.startswith("买入") and "维持" in report.rating
    assert report.target_price == "60元"
    assert report.analysts == ["张三"]


def test_a_cover_without_a_written_date_is_dated_by_its_latest_date_in_figures():
    from reportbot.documents.cover import cover_facts

    # the report's date beside the title, then the related reports it lists (older)
    cover = "金融工程研究\n2023.2.15\n相关研究\n《…系列研究之七》2022.10.24\n《…系列研究之八》2022.12.13"
    assert cover_facts(cover).date == "2023-02-15"
    # a date written out wins over any in figures (a quoted price's 2016-03-11)
    assert cover_facts("2016年04月20日\n收盘价（2016-03-11）45.00元").date == "2016-04-20"
