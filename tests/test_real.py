"""The six real broker PDFs of ../shared/real: what `reportbot reports` says of each agrees
with the folder's own SOURCES.md (broker, date), and sections are the reports' headings."""

from __future__ import annotations

import re

from conftest import REAL_CORPUS


def _sources_table() -> dict[str, dict[str, str]]:
    """file -> {broker, date} from the table in SOURCES.md."""
    out = {}
    for line in (REAL_CORPUS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and cells[0].endswith(".pdf"):
            out[cells[0]] = {"broker": cells[1], "date": cells[3]}
    return out


def test_reports_show_broker_and_date_as_the_sources_note_gives_them(real_bot):
    truth = _sources_table()
    listed = {r.source: r for r in real_bot.library()}
    assert set(truth) <= set(listed)
    for source, facts in truth.items():
        report = listed[source]
        assert report.title and not re.search(r"Table_|列\d", report.title), report.title
        assert report.broker[:2] == facts["broker"][:2], (source, report.broker)
        # the cover's own date — written out, printed at every page's top, or in figures beside
        # the title (2023.2.15) — never a related report's
        assert report.date == facts["date"], (source, report.date)


def test_sections_are_the_reports_own_headings(real_bot):
    for source in real_bot.reports():
        sections = {c.section for c in real_bot.retriever.chunks if c.source == source}
        assert len(sections) >= 2, (source, sections)
        assert not any(re.search(r"Table_|\[|\]", s) for s in sections), sections


def test_a_report_named_by_its_broker_answers_from_its_cover(real_bot):
    # a broker is a name of the corpus even where jieba cuts it (招商/证券)
    for report in real_bot.library():
        if not report.analysts or not report.broker:
            continue
        if sum(r.broker == report.broker for r in real_bot.library()) > 1:
            continue  # two reports of one broker: the name does not pick one
        answer = real_bot.ask(f"{report.broker}那篇报告的作者是谁？")
        assert answer.found and all(a in answer.text for a in report.analysts), (report.source, answer.text)
        assert {c.source for c in answer.citations} == {report.source}
