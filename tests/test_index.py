"""Ingestion into a real Chroma index with the real model: incremental and idempotent."""


import pytest
from conftest import make_pdf

from reportbot import ReportBot, Settings


@pytest.fixture()
def small_bot(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# 甲报告\n\n## 行业\n\n甲公司的市场份额为40%。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("➤ 乙章节\n\n- 乙公司计划在2024年推出新产品。\n", encoding="utf-8")
    bot = ReportBot(Settings(corpus_dir=corpus, index_dir=tmp_path / "index", llm_model=None))
    return bot, corpus


def test_reingest_skips_unchanged_replaces_changed_deletes_removed(small_bot):
    bot, corpus = small_bot
    first = bot.ingest()
    assert sorted(first.added) == ["a.md", "b.txt"] and not first.errors
    count = first.chunks
    assert count == bot.index.count() > 0

    again = bot.ingest()
    assert sorted(again.unchanged) == ["a.md", "b.txt"]
    assert not again.changed and again.chunks == count

    (corpus / "b.txt").write_text("➤ 乙章节\n\n- 乙公司计划在2025年推出新产品。\n", encoding="utf-8")
    changed = bot.ingest()
    assert changed.updated == ["b.txt"] and changed.unchanged == ["a.md"]
    assert changed.chunks == count
    bodies = " ".join(h.text for h in bot.retrieve("乙公司什么时候推出新产品", k=10))
    assert "2025" in bodies and "2024" not in bodies

    (corpus / "a.md").unlink()
    removed = bot.ingest()
    assert removed.removed == ["a.md"]
    assert all(h.source == "b.txt" for h in bot.retrieve("甲公司的市场份额", k=10))


def test_bad_file_is_reported_and_the_rest_still_ingests(small_bot):
    bot, corpus = small_bot
    (corpus / "bad.txt").write_bytes("坏文件".encode("gbk"))
    (corpus / "fake.pdf").write_bytes(b"not a pdf")
    report = bot.ingest()
    assert sorted(report.added) == ["a.md", "b.txt"]
    errors = dict(report.errors)
    assert any(path.endswith("bad.txt") and "UTF-8" in why for path, why in errors.items())
    assert any(path.endswith("fake.pdf") and "PDF" in why for path, why in errors.items())


def test_a_file_that_turns_bad_keeps_its_earlier_chunks(small_bot):
    bot, corpus = small_bot
    bot.ingest()
    before = bot.index.count()
    (corpus / "a.md").write_bytes(b"\xff\xfe broken \x00")
    report = bot.ingest()
    assert report.errors and report.errors[0][0].endswith("a.md")
    assert bot.index.count() == before  # nothing lost
    assert any(h.source == "a.md" for h in bot.retrieve("甲公司的市场份额", k=5))


def test_pdf_pages_are_cited(small_bot):
    bot, corpus = small_bot
    (corpus / "c.pdf").write_bytes(make_pdf(["Overview of the sector", "Acme Robotics revenue reached 42 million"]))
    report = bot.ingest()
    assert "c.pdf" in report.added
    hits = bot.retrieve("Acme Robotics revenue", k=3)
    top = next(h for h in hits if h.source == "c.pdf")
    assert top.page == 2
    answer = bot.ask("What revenue did Acme Robotics reach?")
    assert answer.found and "42" in answer.text
    assert answer.citations[0].page == 2 and "第2页" in answer.citations[0].location


def test_index_built_with_another_model_is_rebuilt(small_bot):
    bot, corpus = small_bot
    bot.ingest()
    # pretend an earlier run used a different embedding model
    bot.index.collection.modify(metadata={"embed_model": "some-other-model", "parser_version": 0})
    fresh = ReportBot(bot.settings)
    assert "some-other-model" in fresh.index.stale_reason()
    assert fresh.needs_ingest()
    report = fresh.ingest()
    assert "some-other-model" in report.rebuilt
    assert sorted(report.added) == ["a.md", "b.txt"]
    assert fresh.index.collection.metadata["embed_model"] == "m3e-small"
    assert not fresh.needs_ingest()


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    from reportbot.documents.loaders import LoadError

    bot = ReportBot(Settings(corpus_dir=tmp_path / "nope", index_dir=tmp_path / "index"))
    with pytest.raises(LoadError, match="nope"):
        bot.ingest()


REPORT_HTML = """<html><head><meta charset="utf-8"><style>
body { font-family: "Noto Sans CJK SC", sans-serif } .page { page-break-after: always }
</style></head><body>
<div class="page"><h1>示例证券 云计算行业报告</h1><p>行业评级：增持</p>
<h2>第一部分 市场概况</h2><p>2023年中国云计算市场规模达到6165亿元，同比增长35.5%。</p></div>
<div><h2>➤ 主要公司</h2><table border="1">
<tr><th>公司</th><th>代码</th><th>业务</th></tr>
<tr><td>甲科技</td><td>600001.SH</td><td>公有云服务</td></tr>
<tr><td>乙网络</td><td>000002.SZ</td><td>数据中心建设</td></tr>
</table></div></body></html>"""


def test_chinese_pdf_printed_by_a_browser(browser, small_bot):
    """A real-world PDF: Chinese text and a table, printed by Chromium, read by pypdf."""
    bot, corpus = small_bot
    page = browser.new_page()
    page.set_content(REPORT_HTML)
    page.pdf(path=str(corpus / "cloud.pdf"))
    page.close()
    assert "cloud.pdf" in bot.ingest().added

    market = bot.ask("2023年中国云计算市场规模是多少？")
    assert market.found and "6165亿元" in market.text
    assert market.citations[0].page == 1 and market.citations[0].source == "cloud.pdf"

    row = bot.ask("乙网络的业务是什么？")
    assert row.found and "数据中心建设" in row.text
    cite = row.citations[0]
    assert cite.kind == "row" and cite.page == 2 and "乙网络" in cite.row


def test_a_parser_change_rebuilds_search_from_the_new_text(small_bot, monkeypatch):
    """The same file read anew by a changed parser keeps its chunk ids (file version, order):
    the keyword search and the units' vectors must come from the new text, not the old view's."""
    import reportbot.index.ingest as ingest
    import reportbot.index.store as store
    import reportbot.index.view as view

    bot, corpus = small_bot
    real_parse = ingest.parse_pages

    def older_parser(pages, source):  # an earlier parser, which misread a word
        chunks = real_parse(pages, source)
        for c in chunks:
            c.body = c.body.replace("市场份额", "市场规模")
        return chunks

    monkeypatch.setattr(ingest, "parse_pages", older_parser)
    bot.ingest()
    assert "市场规模" in bot.ask("甲公司的市场规模是多少？").text
    monkeypatch.setattr(ingest, "parse_pages", real_parse)
    monkeypatch.setattr(store, "PARSER_VERSION", store.PARSER_VERSION + 100)
    monkeypatch.setattr(view, "PARSER_VERSION", view.PARSER_VERSION + 100)
    fresh = ReportBot(bot.settings)
    assert fresh.needs_ingest()
    fresh.ingest()
    retriever = fresh.retriever
    hits = retriever.keyword("份额", 5, None)  # the old view's tokens said 市场规模
    assert hits and "份额" in retriever.by_id[hits[0][0]].text
    assert all("规模" in retriever.by_id[c].text for c, _ in retriever.keyword("规模", 5, None))
    answer = fresh.ask("甲公司的市场份额是多少？")
    assert answer.found and "40%" in answer.text
