"""Glyphs a reader sees that a PDF's own flags would hide: a table whose text matrix carries a
producer's rounding noise (pdfminer calls every glyph of it "not upright"), and a header in
white on a coloured fill drawn as a path rather than a rectangle. Built in the run with
reportlab, read by the PDF reader, asked through a real index."""

from __future__ import annotations

import pytest

ROWS = [("2026/4/29", "99.50%", "0.50%"), ("2026/6/17", "98.00%", "1.40%"), ("2026/7/29", "89.70%", "9.70%")]


def _noisy_pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 16)
    c.drawString(60, h - 70, "测试宏观周报：市场预期利率维持不变")
    c.setFont("STSong-Light", 10)
    c.drawString(60, h - 110, "本周市场对议息会议的定价变化不大，维持利率不变的概率仍然最高。")
    c.drawString(60, h - 150, "图表1：议息会议利率概率")
    # the header: white text on a fill with rounded corners (a path, not a rectangle)
    c.setFillColorRGB(0.0, 0.2, 0.6)
    c.roundRect(58, h - 180, 420, 20, 4, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont("STSong-Light", 10)
    for x, text in ((62, "议息会议"), (250, "维持不变"), (400, "降息25BP")):
        c.drawString(x, h - 174, text)
    c.setFillColorRGB(0, 0, 0)
    y = h - 200
    for row in ROWS:  # each cell set with a text matrix whose b and c are rounding noise
        for x, text in zip((62, 250, 400), row):
            t = c.beginText()
            t.setFont("STSong-Light", 10)
            t.setTextTransform(1, -0.0001, -0.0001, 1, x, y)
            t.textOut(text)
            c.drawText(t)
        y -= 18
    c.drawString(60, y - 10, "资料来源：测试交易所，测试证券研究所")
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def noisy_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("glyphs") / "weekly.pdf"
    _noisy_pdf(path)
    return path


def test_the_file_has_the_traits(noisy_pdf):
    import pdfplumber

    with pdfplumber.open(noisy_pdf) as pdf:
        page = pdf.pages[0]
        assert any(not ch["upright"] for ch in page.chars if ch["text"] == "%")  # pdfminer's flag
        assert page.curves and not any(r.get("fill") for r in page.rects)  # the fill is a path


def test_noisy_matrix_and_white_on_path_are_read(noisy_pdf):
    from reportbot.documents.pdf import read_pdf

    text = "\n".join(t for _, t in read_pdf(noisy_pdf.read_bytes()).pages)
    for row in ROWS:
        assert all(cell in text for cell in row), text
    assert "议息会议" in text and "降息25BP" in text


def test_the_table_answers(noisy_pdf, tmp_path):
    from reportbot import ReportBot, Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / noisy_pdf.name).write_bytes(noisy_pdf.read_bytes())
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    assert not bot.ingest().errors
    answer = bot.ask("2026/6/17那次会议维持不变的概率是多少？")
    assert answer.found and "98.00%" in answer.text
