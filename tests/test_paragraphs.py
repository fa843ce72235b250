"""Paragraphs on pages that set their first lines in: a sentence that ends at a full line's
end goes on below unless the next line is indented; and the sections every broker report
carries (风险提示, 免责声明) headed by their names at body size (PDFs typeset in the run by
reportlab)."""

from __future__ import annotations

from reportbot.documents.pdf import read_pdf

SIZE = 10
WIDTH = 30  # characters of a full line
# a sentence of exactly one full line, then the paragraph goes on: 禁运前… belongs with it
FULL = "第一次石油危机中阿拉伯禁运在一九七四年三月正式解除但高油价并未随之消失。"[:WIDTH - 1] + "。"
GOES_ON = "禁运前油价约二点九美元每桶，到一九七四年一月已经升到十一点七美元每桶。"
NEXT = "海湾战争期间十年期美债收益率短暂上行后回落，较冲突前反而降低六十二个基点，主因是供给冲击修复较快。"


def _lines(text: str, first_indent: bool) -> list[tuple[int, str]]:
    """(indent in characters, line) for a paragraph wrapped at WIDTH."""
    out, rest, indent = [], text, 2 if first_indent else 0
    while rest:
        n = WIDTH - indent
        out.append((indent, rest[:n]))
        rest, indent = rest[n:], 0
    return out


def _pdf(path, indents: bool) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", SIZE)
    y = A4[1] - 80
    opening = "历史上地缘局势缓和后，美债利率往往先回吐部分溢价，但未必能够降至冲突之前的水平，冲突缓和后，"
    lines = _lines(opening, indents)[:-1]  # the opening's full lines only
    lines += [(0, FULL)] + _lines(GOES_ON, False)
    lines += _lines(NEXT, indents) + _lines(NEXT, indents)
    for indent, line in lines:
        c.drawString(60 + indent * SIZE, y, line)
        y -= SIZE * 1.5
    c.showPage()
    c.save()
    return path.read_bytes()


def _body(text: str) -> list[str]:
    return [line for line in text.split("\n") if not line.startswith("#")]  # not the title


def test_a_full_line_ending_a_sentence_goes_on_where_paragraphs_are_indented(tmp_path):
    text = read_pdf(_pdf(tmp_path / "indented.pdf", indents=True)).pages[0][1]
    lines = _body(text)
    assert any(FULL in line and GOES_ON[:10] in line for line in lines), text
    # an indented line opens a paragraph of its own, even after a full line
    assert sum(line.startswith(NEXT[:10]) for line in lines) == 2, text


def test_without_indents_a_sentence_at_a_line_end_ends_its_paragraph(tmp_path):
    text = read_pdf(_pdf(tmp_path / "flush.pdf", indents=False)).pages[0][1]
    assert not any(FULL in line and GOES_ON[:10] in line for line in _body(text)), text


def test_a_standard_section_name_heads_its_section_at_body_size(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from reportbot.documents.loaders import load_pages
    from reportbot.documents.parse import parse_pages

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "report.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 16)
    c.drawString(60, A4[1] - 80, "示例行业深度报告")
    c.setFont("STSong-Light", SIZE)
    for k in range(6):  # the cover's own text, in body type
        c.drawString(60, A4[1] - 120 - k * 20, NEXT[:WIDTH])
    c.showPage()  # the cover has no headings of its own: the sections are on page two
    y = A4[1] - 80
    for text in ("风险提示", "大模型表现不及预期；市场竞争加剧。", "免责声明",
                 "本报告仅供示例证券的客户使用，所载观点仅供参考，不构成投资建议。"):
        c.setFont("STSong-Light", SIZE)  # the names in body type, as a scan's OCR heights read them
        c.drawString(60, y, text)
        y -= SIZE * 2.2
    c.showPage()
    c.save()
    chunks = parse_pages(load_pages(path), path.name)
    sections = {c.section.rsplit("›", 1)[-1].strip(): c.body for c in chunks if c.kind != "row"}
    assert "不构成投资建议" in sections["免责声明"] and "市场竞争加剧" in sections["风险提示"]
    assert "不构成投资建议" not in sections["风险提示"]
