"""What a person checks an answer against, as the page shows it: each citation's place, its
table row under the table's headers with the cited cell marked, its passage, and for a PDF
the page itself (rendered once, served by Gradio behind the page's login)."""

from __future__ import annotations

import hashlib
import html
import re
import tempfile
from pathlib import Path

from ..bot import ReportBot
from ..documents.render import RenderError, page_png
from ..models import Answer, Citation, Hit

PAGE_CACHE = Path(tempfile.gettempdir()) / "reportbot-pages"  # served by Gradio (allowed_paths)
_NUMBER_RE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
MARK_CHARS = 12  # a passage is found on its page by this many of its first characters: a line
# of a report's body holds ~30, and a longer search string breaks where the line wraps


def footnotes(answer: Answer) -> str:
    """The answer's sources as plain Markdown lines under it: what copy and export carry."""
    if not answer.citations:
        return ""
    return "\n\n" + "\n".join(f"[{c.n}] {c.location}  " for c in answer.citations)


def _row_table(bot: ReportBot, c: Citation, answer_text: str) -> str:
    tables = [t for t in bot.retriever.tables if t.source == c.source and t.caption == c.table]
    table = next((t for t in tables if 0 < c.row_no <= len(t.rows)), None)
    if table is None:
        return ""
    row = table.rows[c.row_no - 1]
    said = set(_NUMBER_RE.findall(answer_text))
    head = "".join(f"<th>{html.escape(label)}</th>" for label in table.labels)
    cells = "".join(
        f"<td class='cited'><mark>{html.escape(v)}</mark></td>" if v and v in said and i
        else f"<td>{html.escape(v)}</td>" for i, v in enumerate(row))
    return (f"<table class='rb-row'><caption>{html.escape(table.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>")


def marks_of(c: Citation | Hit, answer_text: str = "") -> tuple[str, ...]:
    """What to highlight on a cited page: a row's name and the values the answer states; a
    passage's first words (as far as one line of the page likely holds them)."""
    if c.kind == "row":
        said = set(_NUMBER_RE.findall(answer_text))
        values = [v for v in _NUMBER_RE.findall(getattr(c, "quote", "") or c.text) if v in said]
        return tuple(dict.fromkeys([*(p.strip() for p in c.row.split("·")), *values]))
    text = (getattr(c, "quote", "") or c.text).strip().split("\n")[0]
    return (text[:MARK_CHARS],) if text else ()


def page_file(bot: ReportBot, source: str, page: int, marks: tuple[str, ...] = ()) -> Path | None:
    """The PNG of a PDF report's page, its marks highlighted, rendered into PAGE_CACHE once."""
    path = Path(bot.settings.corpus_dir) / source
    if path.suffix.lower() != ".pdf" or not path.is_file():
        return None
    key = hashlib.sha1(f"{path.resolve()}|{path.stat().st_mtime_ns}|{page}|{marks}".encode()).hexdigest()[:20]
    out = PAGE_CACHE / f"{key}.png"
    if not out.exists():
        try:
            data = page_png(path, page, marks)
        except RenderError:
            return None
        PAGE_CACHE.mkdir(parents=True, exist_ok=True)
        partial = out.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(out)
    return out


def _page_link(bot: ReportBot, source: str, page: int | None, marks: tuple[str, ...] = ()) -> str:
    if not page:
        return ""
    image = page_file(bot, source, page, marks)
    if image is None:
        return ""
    url = f"/gradio_api/file={image}"
    return (f"<a class='rb-page' href='{html.escape(url)}' target='_blank'>"
            f"查看原文第 {page} 页 / page {page}</a>")


def sources_html(bot: ReportBot, answer: Answer, turn: int, closest: list[Hit] | None = None) -> str:
    """The sources of one answer; for a refusal, the closest passages the search found."""
    parts = []
    for c in answer.citations:
        body = (_row_table(bot, c, answer.text) if c.kind == "row" else "") or \
            "<blockquote>" + "<br>".join(html.escape(line) for line in c.quote.split("\n")) + "</blockquote>"
        parts.append(f"<div class='rb-source' id='src-{turn}-{c.n}'><b>[{c.n}]</b> "
                     f"{html.escape(c.location)}{body}"
                     f"{_page_link(bot, c.source, c.page, marks_of(c, answer.text))}</div>")
    if not parts and closest:
        parts.append("<p>报告中没有能回答这个问题的内容。最接近的段落（仅供参考，不足以回答）：</p>")
        for n, h in enumerate(closest, 1):
            where = " › ".join(p for p in (h.source, h.section) if p) + (f" › 第{h.page}页" if h.page else "")
            text = html.escape(h.text[:300]) + ("…" if len(h.text) > 300 else "")
            parts.append(f"<div class='rb-source rb-closest'>{html.escape(where)}"
                         f"<blockquote>{text}</blockquote>{_page_link(bot, h.source, h.page, marks_of(h))}</div>")
    return "\n".join(parts)


def sources_markdown(answer: Answer | None) -> str:
    """The latest answer's sources, for the page's sources panel."""
    if answer is None:
        return "*提问后，这里显示回答引用的原文。*"
    if not answer.citations:
        return "*这个回答没有引用报告原文：报告中没有找到相关内容。*"
    parts = []
    for c in answer.citations:
        quote = "\n".join(f"> {html.escape(line)}" for line in c.quote.split("\n"))
        parts.append(f"**[{c.n}] {html.escape(c.location)}**\n\n{quote}")
    return "\n\n".join(parts)
