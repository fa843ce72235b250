"""The library panel of the web page: upload reports, see each one's state, delete or re-index
one; and the page's header, picker and list kept current when the index changes, wherever
the change came from (this page, the REST API, `reportbot ingest` in another process)."""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr

from ..bot import ReportBot
from ..models import Report
from ..tuning import LIBRARY_REFRESH_S
from .library import Library, LibraryError
from .messages import user_message

STATES = {
    "indexed": "已索引", "queued": "排队中", "indexing": "索引中", "removing": "删除中",
    "failed": "失败", "needs_ocr": "需要 OCR", "not_indexed": "未索引",
}


def library_html(reports: list[Report], failure: str = "") -> str:
    stopped = (f"<p class='rb-why'>上次建立索引中途停止：{html.escape(failure)}。已索引的报告照常回答；"
               "处理后再上传或重新索引。</p>") if failure else ""
    if not reports:
        return stopped + "<p class='rb-empty'>报告库是空的：上传 PDF、TXT 或 MD 文件开始提问。</p>"
    rows = []
    for r in reports:
        state = STATES.get(r.state, r.state) + (f" {r.progress}" if r.progress else "")
        why = f"<div class='rb-why'>{html.escape(r.error)}</div>" if r.error else ""
        rows.append(
            f"<tr data-source='{html.escape(r.source)}' data-state='{r.state}'>"
            f"<td>{html.escape(r.title)}<div class='rb-file'>{html.escape(r.source)}</div></td>"
            f"<td>{html.escape(r.broker)}</td><td>{r.pages or ''}</td><td>{r.chunks}</td>"
            f"<td>{r.tables}</td><td class='rb-state'>{state}{why}</td></tr>")
    return stopped + ("<table id='library-table'><thead><tr><th>报告</th><th>券商</th><th>页数</th>"
            "<th>片段</th><th>表格</th><th>状态</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


class LibraryPanel:
    def __init__(self, bot: ReportBot, library: Library):
        self.bot, self.library = bot, library
        reports = library.reports()
        with gr.Accordion("报告库 / Library", open=False, elem_id="library"):
            self.files = gr.File(file_count="multiple", file_types=[".pdf", ".txt", ".md"],
                                 label="上传报告（PDF / TXT / MD，可多选）", elem_id="upload")
            self.message = gr.Markdown("", elem_id="library-message")
            self.table = gr.HTML(library_html(reports, self.library.failure), elem_id="library-list")
            with gr.Row():
                self.chosen = gr.Dropdown(self._names(reports), value=None, label="选择报告",
                                          elem_id="library-pick", scale=4)
                delete = gr.Button("删除", variant="stop", elem_id="library-delete", scale=1)
                reindex = gr.Button("重新索引", elem_id="library-reindex", scale=1)
        self.files.upload(self.upload, self.files, [self.message, self.table, self.files],
                          api_visibility="private")
        delete.click(self.delete, self.chosen, [self.message, self.table, self.chosen],
                     api_visibility="private")
        reindex.click(self.reindex, self.chosen, [self.message, self.table], api_visibility="private")

    @staticmethod
    def _names(reports: list[Report]) -> list[tuple[str, str]]:
        return [(r.source if r.title == r.source else f"{r.title}（{r.source}）", r.source) for r in reports]

    def upload(self, paths):
        files = []
        for path in paths or []:
            path = Path(path)
            files.append((path.name, path.read_bytes()))
        stored, refused = self.library.add(files)
        lines = [f"已上传 {len(stored)} 个文件，正在建立索引：{'、'.join(stored)}"] if stored else []
        lines += [f"未上传 {html.escape(r.name)}：{html.escape(r.reason)}" for r in refused]
        return "\n\n".join(lines), library_html(self.library.reports(), self.library.failure), None

    def delete(self, source):
        if not source:
            return "请先选择要删除的报告。", gr.update(), gr.update()
        try:
            self.library.remove(source)
        except LibraryError as exc:
            return user_message(exc), gr.update(), gr.update()
        reports = self.library.reports()
        return (f"已删除 {html.escape(source)}（文件移到了语料库的 .deleted 文件夹）。",
                library_html(reports, self.library.failure), gr.update(choices=self._names(reports), value=None))

    def reindex(self, source):
        if not source:
            return "请先选择要重新索引的报告。", gr.update()
        try:
            self.library.reindex(source)
        except LibraryError as exc:
            return user_message(exc), gr.update()
        return f"正在重新索引 {html.escape(source)}。", library_html(self.library.reports(), self.library.failure)

    def keep_current(self, header, picker, render) -> None:
        """Re-read the library every LIBRARY_REFRESH_S; when it changed, refresh the list,
        the choices, and through ``render(reports) -> (intro, picker choices)`` the header
        and the picker."""
        seen = gr.State("")
        timer = gr.Timer(LIBRARY_REFRESH_S)

        def tick(last: str):
            reports = self.library.reports()
            key = repr([(r.source, r.title, r.state, r.progress, r.chunks, r.error) for r in reports]
                       + [self.library.failure])
            if key == last:
                return gr.update(), gr.update(), gr.update(), gr.update(), last
            try:
                found = self.bot.reports()
            except RuntimeError:
                found = {}
            intro, choices = render(found)
            return (library_html(reports, self.library.failure), gr.update(value=intro),
                    gr.update(choices=choices, visible=len(found) > 1),
                    gr.update(choices=self._names(reports)), key)

        timer.tick(tick, seen, [self.table, header, picker, self.chosen, seen], api_visibility="private")


def library_panel(bot: ReportBot, library: Library) -> LibraryPanel:
    return LibraryPanel(bot, library)
