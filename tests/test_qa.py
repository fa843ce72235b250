"""Questions on the bundled report, end to end through retrieval and the answerer."""

import pytest
from conftest import DEV_SET

from reportbot.app.evaluate import evaluate, load_items
from reportbot.bot import InputError


def test_table_row_answer_is_cited_to_its_row(bot):
    answer = bot.ask("哪些公司接入了文心一言？")
    assert answer.found
    assert "巨人网络" in answer.text and "[1]" in answer.text
    cite = answer.citations[0]
    assert cite.kind == "row" and cite.row_no > 0
    assert "巨人网络" in cite.row and "文心一言" in cite.quote
    assert cite.table and cite.table in cite.location


def test_retrieve_returns_hits_with_provenance(bot):
    hits = bot.retrieve("谷歌PaLM模型的参数量是多少？", k=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    palm = [h for h in hits if h.kind == "row" and "PaLM" in h.text]
    assert palm and "5400亿" in palm[0].text and palm[0].section


def test_answer_not_in_report_says_so(bot):
    answer = bot.ask("字节跳动大模型的参数量是多少？")
    assert not answer.found
    assert answer.citations == []
    assert "没有" in answer.text


def test_company_not_in_report(bot):
    answer = bot.ask("特斯拉2023年的预测PE是多少？")
    assert not answer.found and "特斯拉" in answer.text


def test_list_question_gets_every_item(bot):
    answer = bot.ask("报告提示了哪些风险？")
    assert answer.found
    for risk in ("大模型表现不及预期", "核心技术不及预期", "版号发行不及预期", "市场竞争加剧"):
        assert risk in answer.text


def test_follow_up_question_uses_the_chat(bot):
    first = bot.ask("芒果超媒2023年的预测PE是多少？")
    assert "31.02" in first.text
    follow = bot.ask("2022年呢？", history=[("芒果超媒2023年的预测PE是多少？", first.text)])
    # the 2022 figure of the same company comes first
    first_line = follow.text.split("\n")[0]
    assert follow.found and "芒果超媒" in first_line
    assert first_line.split("（")[0].endswith("PE 2022E(预测)：40.31")
    # gradio-style message history works the same way
    messages = [{"role": "user", "content": "谷歌有哪些预训练模型？"},
                {"role": "assistant", "content": bot.ask("谷歌有哪些预训练模型？").text}]
    other = bot.ask("微软呢？", history=messages)
    assert "Florence" in other.text and "Turing-NLG" in other.text
    rows = [c for c in other.citations if c.kind == "row"]
    assert rows and all("企业：微软" in c.quote for c in rows)  # 谷歌's rows are gone


def test_asking_for_more_does_not_repeat(bot):
    first = bot.ask("哪些公司接入了文心一言？")
    more = bot.ask("还有别的公司吗？", history=[("哪些公司接入了文心一言？", first.text)])
    assert not more.found and "巨人网络" not in more.text


@pytest.mark.parametrize("bad", ["", "   ", "问" * 1001, None])
def test_bad_questions_get_a_clear_error(bot, bad):
    with pytest.raises(InputError):
        bot.ask(bad)


def test_the_chain_is_a_langchain_runnable(bot):
    from langchain_core.runnables import Runnable

    assert isinstance(bot.chain, Runnable)
    answer = bot.chain.invoke({"question": "DeepMusic是哪一年成立的？"})
    assert answer.found and "2018" in answer.text


def test_stream_yields_growing_text_then_the_answer(bot):
    parts = list(bot.stream("GPT-4的长度限制提升到了多少tokens？"))
    texts, final = parts[:-1], parts[-1]
    assert len(texts) > 1 and all(isinstance(t, str) for t in texts)
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))
    assert texts[-1] == final.text and "32K" in final.text


def test_dev_set_metrics(bot):
    """Regression floor on the shared development set (figures reported in the README)."""
    if not DEV_SET.exists():
        pytest.skip(f"{DEV_SET} is not here")
    result = evaluate(bot, load_items(DEV_SET))
    m = result.metrics()
    assert m["hit@5"] >= 0.9
    assert m["mrr@10"] >= 0.8
    assert m["answer_accuracy"] >= 0.85


def test_a_lead_in_sentence_brings_its_list(bot):
    answer = bot.ask("AI在营销方面的赋能体现在哪些方面？")
    assert answer.found
    lines = [line for line in answer.text.split("\n") if line.strip().startswith("- ")]
    assert len(lines) == 4  # "体现在四个方面：" and the four points after it
    assert "虚拟人" in answer.citations[0].quote


def test_english_terms_read_against_the_chinese_report():
    from reportbot.language.english import english_terms

    rest, terms = english_terms("What did Tencent release in May about the Justice (逆水寒) game?")
    forms = {f for t in terms for f in t.forms}
    assert {"腾讯", "发布", "5月", "游戏"} <= forms
    assert "逆水寒" in rest and "Justice" not in rest and "Tencent" not in rest
    _, terms = english_terms("What may happen?")  # "may" the verb is not the month
    assert not terms


def test_english_questions(bot):
    answer = bot.ask("What did Tencent release in May?")
    assert answer.found and "腾讯" in answer.text and "混元" in answer.text
    assert answer.citations[0].kind == "row"
    missing = bot.ask("What is the market cap of Tesla?")
    assert not missing.found and "tesla" in missing.text.lower()


def test_what_is_the_report_about_lists_its_parts(bot):
    answer = bot.ask("这份报告讲了什么？")
    assert answer.found
    parts = {c.section.split(" › ")[0] for c in bot.retriever.chunks}
    for part in parts:
        assert part in answer.text
    # one citation a part, and one for the report's own table of contents (its first chunk)
    assert len(answer.citations) == len(parts) + 1 and "目录" in answer.text


def test_greeting_gets_a_hint_not_an_answer(bot):
    answer = bot.ask("你好")
    assert not answer.found and "例如" in answer.text
