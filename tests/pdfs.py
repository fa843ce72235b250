"""PDFs made during the test run, by two different renderers, to test layout reading.

- ``reportlab_report``: the whole bundled report typeset by reportlab (CID font STSong-Light):
  ruled tables with merged cells (spans across and down), two-level headers, header rows
  repeated when a table breaks across pages, wrapped paragraphs, headings whose bullet glyphs
  are gone (STSong has no ➤), and a running header and footer with page numbers.
- ``chromium_pdf``: HTML printed by Debian's Chromium (Playwright's page.pdf), with its own
  header/footer templates.
"""

from __future__ import annotations

import re
from pathlib import Path

_HEADING_RE = re.compile(r"^[➤▶►■◆●]\s*")


def _blocks(text: str):
    """("table", rows) and ("line", text) blocks of a report text file."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append([c.strip().replace("**", "") for c in lines[i].split("\t")])
                i += 1
            yield "table", rows
            continue
        yield "line", lines[i].strip().replace("**", "")
        i += 1


def _spans(rows: list[list[str]]) -> list[tuple]:
    """Merged cells as the report means them: a header cell over the blank ones beside it,
    a header cell over the blank one below it, a name over the blank cells under it."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    spans = []
    two_level = len(rows) > 1 and not rows[1][0] and any(rows[1]) and \
        not any(re.fullmatch(r"-?[\d.,%]+", c) for c in rows[1] if c)
    if two_level:
        col = 0
        while col < width:
            end = col
            while end + 1 < width and not rows[0][end + 1] and rows[1][end + 1]:
                end += 1
            if end > col:
                spans.append(("SPAN", (col, 0), (end, 0)))
            if rows[0][col] and not rows[1][col]:
                spans.append(("SPAN", (col, 0), (col, 1)))
            col = end + 1
    start = 2 if two_level else 1
    for col in range(width - 1):
        r = start
        while r < len(rows):
            end = r
            while end + 1 < len(rows) and not rows[end + 1][col] and any(rows[end + 1][col + 1:]) \
                    and col == 0:
                end += 1
            if end > r and rows[r][col]:
                spans.append(("SPAN", (col, r), (col, end)))
            r = end + 1
    return spans


def reportlab_report(text_path: Path, out: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=15, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=14, leading=20, spaceBefore=6)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    story = []
    blocks = list(_blocks(text_path.read_text(encoding="utf-8")))
    for i, (kind, item) in enumerate(blocks):
        if kind == "table":
            width = max(len(r) for r in item)
            data = [[Paragraph(_escape(c), cell) for c in r + [""] * (width - len(r))] for r in item]
            two_level = len(item) > 1 and not item[1][0] and any(item[1])
            table = LongTable(data, repeatRows=2 if two_level else 1, hAlign="LEFT",
                              colWidths=[170 * mm / width] * width)
            table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *_spans(item)])
            story.append(table)
            story.append(Spacer(1, 6))
        elif item:
            following = next((b for k, b in blocks[i + 1:] if k == "line" and b), "")
            # a short line before a bulleted list is a heading in the report (免责声明)
            before_list = len(item) <= 20 and following.startswith("- ") and not item.startswith("- ")
            heading = bool(_HEADING_RE.match(item)) or bool(re.match(r"^第.部分", item)) or before_list
            text = _HEADING_RE.sub("", item)
            text = re.sub(r"^[-•]\s+", "", text)
            story.append(Paragraph(_escape(text), head if heading else body))

    def running(canvas, doc):
        canvas.saveState()
        canvas.setFont("STSong-Light", 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, "南京证券 行业深度报告 积极拥抱AIGC技术变革，关注应用落地")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{doc.page} 请务必阅读正文之后的免责声明部分")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)
    doc.build(story, onFirstPage=running, onLaterPages=running)
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chromium_pdf(browser, html: str, out: Path, header: str = "", footer: str = "") -> Path:
    page = browser.new_page()
    page.set_content(html, wait_until="load")
    page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
             header_template=f'<div style="font-size:8px;width:100%;text-align:center">{header}</div>',
             footer_template=f'<div style="font-size:8px;width:100%;text-align:center">'
                             f'<span class="pageNumber"></span> {footer}</div>',
             margin={"top": "20mm", "bottom": "20mm", "left": "15mm", "right": "15mm"})
    page.close()
    return out
