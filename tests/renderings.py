"""The bundled report rendered as brokers render it, made in the run (issue 17's "Done when"):

- ``word_pdf``: a .docx written with python-docx — a cover that is one big layout table (the
  way Word templates lay out a 研报 cover), Word tables with merged cells, Heading styles,
  a running header and footer — exported to PDF by LibreOffice Writer, as a Word user would.
- ``two_column_html`` (print it with ``pdfs.chromium_pdf``): two text columns, three-line tables
  (rules above and below the table and under the header, no verticals), wide tables across
  both columns, and a cover with a sidebar of rating, analyst and contact facts.
- ``scan``: any PDF rasterised by pdftoppm and bound by img2pdf — no text layer at all.

benchmarks/renderings.py scores each against the text; tests/test_renderings.py asserts it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pdfs import _HEADING_RE, _blocks

RUNNING_HEADER = "南京证券 行业深度报告 积极拥抱AIGC技术变革，关注应用落地"
RUNNING_FOOTER = "请务必阅读正文之后的免责声明部分"
CJK_FONT = "Noto Sans CJK SC"


def _cover_and_body(text: str) -> tuple[list[str], list]:
    """The report's first lines up to its table of contents (the cover), and the blocks after."""
    blocks = list(_blocks(text))
    end = next((i for i, (k, b) in enumerate(blocks) if k == "line" and b == "目录"), 0)
    cover = [b for k, b in blocks[:end] if k == "line" and b]
    return cover, blocks[end:]


def _is_heading(item: str, following: str) -> bool:
    before_list = len(item) <= 20 and following.startswith("- ") and not item.startswith("- ")
    return bool(_HEADING_RE.match(item)) or bool(re.match(r"^第.部分", item)) or before_list


def _lines(blocks):
    """(kind, item, heading?) with bullets and heading marks taken off, as a typesetter shows them."""
    for i, (kind, item) in enumerate(blocks):
        if kind == "table":
            yield "table", item, False
        elif item:
            following = next((b for k, b in blocks[i + 1:] if k == "line" and b), "")
            text = re.sub(r"^[-•]\s+", "", _HEADING_RE.sub("", item))
            yield "line", text, _is_heading(item, following)


# --- Word → LibreOffice -------------------------------------------------------------------

def _east_asian(run, font: str = CJK_FONT) -> None:
    from docx.oxml.ns import qn

    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _merge_blanks(table, rows: list[list[str]]) -> None:
    """A name over the blank cells under it, a header over blank cells beside it: Word merges."""
    width = len(rows[0])
    for c in range(1, width):  # header cells over blanks to their right
        if rows[0][c] == "" and rows[0][c - 1]:
            start = c - 1
            end = c
            while end + 1 < width and rows[0][end + 1] == "":
                end += 1
            if len(rows) > 1 and all(rows[1][k] for k in range(start, end + 1)):
                table.cell(0, start).merge(table.cell(0, end))
    r = 1
    while r < len(rows):  # a first-column name over the blanks below it
        end = r
        while end + 1 < len(rows) and rows[end + 1][0] == "" and any(rows[end + 1][1:]):
            end += 1
        if end > r and rows[r][0]:
            table.cell(r, 0).merge(table.cell(end, 0))
        r = end + 1


def word_docx(text_path: Path, out: Path) -> Path:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.shared import Mm, Pt

    cover, body = _cover_and_body(text_path.read_text(encoding="utf-8"))
    doc = Document()
    for style in ("Normal", "Heading 1", "Heading 2", "Table Grid"):
        st = doc.styles[style]
        st.font.name = CJK_FONT
        st.element.get_or_add_rPr().get_or_add_rFonts().set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", CJK_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    # the cover: one layout table — title and rating on the left, analyst facts on the right
    grid = doc.add_table(rows=1, cols=2)
    left, right = grid.rows[0].cells
    left.width, right.width = Mm(120), Mm(50)
    title = max(cover, key=len)
    for line in cover:
        cell = right if re.search(r"研究员|证书|联系|邮箱|@", line) else left
        para = cell.add_paragraph()
        run = para.add_run(line)
        _east_asian(run)
        run.font.size = Pt(18 if line == title else 10.5)
        run.bold = line == title
    doc.add_section(WD_SECTION.NEW_PAGE)
    for kind, item, heading in _lines(body):
        if kind == "table":
            width = max(len(r) for r in item)
            rows = [r + [""] * (width - len(r)) for r in item]
            table = doc.add_table(rows=len(rows), cols=width)
            table.style = doc.styles["Table Grid"]
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(value)
                    _east_asian(run)
                    run.font.size = Pt(8)
                    run.bold = r == 0
            _merge_blanks(table, rows)
            doc.add_paragraph()
        elif heading:
            doc.add_heading(item, level=2)
        else:
            doc.add_paragraph(item)
    for sec in doc.sections:
        sec.header.paragraphs[0].text = RUNNING_HEADER
        sec.footer.paragraphs[0].text = RUNNING_FOOTER
    doc.save(str(out))
    return out


def libreoffice_pdf(docx: Path, out: Path) -> Path:
    """Writer's own PDF export (what "Save as PDF" in LibreOffice makes)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice is missing: install libreoffice-writer-nogui (make test does)")
    with tempfile.TemporaryDirectory(prefix="lo-") as work:
        proc = subprocess.run([soffice, f"-env:UserInstallation=file://{work}/profile", "--headless",
                               "--convert-to", "pdf", "--outdir", work, str(docx)],
                              capture_output=True, text=True, timeout=300)
        made = Path(work) / (docx.stem + ".pdf")
        if not made.exists():
            raise RuntimeError(f"LibreOffice made no PDF: {proc.stdout} {proc.stderr}")
        shutil.move(str(made), out)
    return out


def word_pdf(text_path: Path, out: Path) -> Path:
    docx = out.with_suffix(".docx")
    word_docx(text_path, docx)
    libreoffice_pdf(docx, out)
    docx.unlink()
    return out


# --- two columns, three-line tables, a cover sidebar (printed by Chromium) -----------------

_TWO_COLUMN_CSS = f"""
body {{ font-family: '{CJK_FONT}', sans-serif; font-size: 10pt; line-height: 1.5; margin: 0; }}
.cover {{ display: flex; gap: 8mm; page-break-after: always; }}
.cover .main {{ flex: 3; }}
.cover .main h1 {{ font-size: 20pt; }}
.cover .side {{ flex: 1; border-left: 2px solid #8b0000; padding-left: 4mm; font-size: 8pt; }}
.body {{ column-count: 2; column-gap: 8mm; }}
h2 {{ font-size: 12pt; color: #8b0000; margin: 6pt 0 3pt; break-after: avoid; }}
p {{ margin: 0 0 4pt; text-align: justify; }}
table {{ border-collapse: collapse; width: 100%; font-size: 7.5pt; margin: 4pt 0 8pt;
         border-top: 1.5px solid #000; border-bottom: 1.5px solid #000; }}
table.wide {{ column-span: all; }}
thead th {{ border-bottom: 0.75px solid #000; font-weight: bold; text-align: left; }}
td, th {{ padding: 1pt 3pt; vertical-align: top; }}
"""


def two_column_html(text_path: Path) -> str:
    cover, body = _cover_and_body(text_path.read_text(encoding="utf-8"))
    title = max(cover, key=len)
    side = [c for c in cover if c != title and re.search(r"评级|研究员|证书|联系|邮箱|@", c)]
    main = [c for c in cover if c != title and c not in side]
    out = [f"<html><head><meta charset='utf-8'><style>{_TWO_COLUMN_CSS}</style></head><body>",
           "<div class='cover'><div class='main'>",
           *(f"<p>{html.escape(c)}</p>" for c in main), f"<h1>{html.escape(title)}</h1></div>",
           "<div class='side'>", *(f"<p>{html.escape(c)}</p>" for c in side), "</div></div>",
           "<div class='body'>"]
    for kind, item, heading in _lines(body):
        if kind == "table":
            width = max(len(r) for r in item)
            rows = [r + [""] * (width - len(r)) for r in item]
            head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
            cells = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                            for r in rows[1:])
            wide = " class='wide'" if width >= 4 else ""
            out.append(f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>")
        elif heading:
            out.append(f"<h2>{html.escape(item)}</h2>")
        else:
            out.append(f"<p>{html.escape(item)}</p>")
    out.append("</div></body></html>")
    return "\n".join(out)


def two_column_pdf(browser, text_path: Path, out: Path) -> Path:
    from pdfs import chromium_pdf

    return chromium_pdf(browser, two_column_html(text_path), out, header=RUNNING_HEADER,
                        footer=RUNNING_FOOTER)


# --- a scan ---------------------------------------------------------------------------------

def scan(pdf: Path, out: Path, dpi: int = 150) -> Path:
    """pdftoppm's grey pages bound into an image-only PDF by img2pdf: nothing but pixels."""
    import img2pdf

    with tempfile.TemporaryDirectory(prefix="scan-") as work:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{work}/page"],
                       check=True, capture_output=True, timeout=600)
        pages = sorted(Path(work).glob("page-*.png"))
        out.write_bytes(img2pdf.convert([str(p) for p in pages]))
    return out
