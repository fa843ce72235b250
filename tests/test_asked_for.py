"""What a question asks its answer to hold, past a number or a date: a person named by a role
(创始人是谁), a price (怎么收费), a security code (股票代码是多少), a figure in the unit asked
however far the sentence puts it from its noun, money whose currency stands past the figure.
Asked of a note written here and indexed in the run (real Chroma, real model)."""

from __future__ import annotations

import jieba.posseg
import pytest
from conftest import indexed_notes

from reportbot.language.asked import person_asked

NOTE = """示例证券
云帆科技（300777.SZ）公司点评：AI助手发布，海外收入高增
分析师 李示例

➤ 公司概况

云帆科技董事会主席兼总裁张云帆表示，公司将持续投入大模型研发，本次关键的更新点在于推理速度。
公司AI助手“帆语”于5月发布，面向企业客户提供服务，用户口碑良好，续约率持续提升。
十多年间公司营业收入在海外业务的带动下，从2012年的3.2亿元增长至2022年的48.6亿元。
2021年公司大模型研发投入合计约为1.5亿美元。

➤ 同行业公司

公司	代码	内容
云帆科技	300777.SZ	发布AI助手帆语，面向企业客户
星河网络	002888.SZ	接入大模型开发智能客服
"""


@pytest.fixture(scope="module")
def note_bot(tmp_path_factory):
    return indexed_notes(tmp_path_factory, "asked-for", {"example_ai_note_2023.txt": NOTE})


def _cut(question: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in jieba.posseg.cut(question)]


def test_the_person_a_question_asks_for_is_read_from_its_role():
    assert person_asked(_cut("云帆科技的创始人是谁？")) == "创始人"
    assert person_asked(_cut("谁是云帆科技的董事长")) == "董事长"
    assert person_asked(_cut("这款游戏的制作人是谁？")) == "制作人"  # jieba cuts 制作 / 人
    assert person_asked(_cut("报告的作者叫什么名字")) == "作者"
    # whose (a company), a comparison, a company-like role: no person asked
    assert person_asked(_cut("文心一言是谁家的？")) == ""
    assert person_asked(_cut("华策跟捷成谁更便宜？")) == ""
    assert person_asked(_cut("GPT-4的开发者是谁？")) == ""


def test_a_person_asked_by_a_role_the_report_never_names_is_refused_by_it(note_bot):
    refused = note_bot.ask("云帆科技的创始人是谁？")
    assert not refused.found and "创始人" in refused.text
    # the report names the role in its own words (董事会主席): answered, with the person
    answered = note_bot.ask("云帆科技的董事长是谁？")
    assert answered.found and "张云帆" in answered.text


def test_a_price_is_answered_only_by_money(note_bot):
    refused = note_bot.ask("帆语怎么收费？")
    assert not refused.found, refused.text


def test_a_code_asked_is_answered_by_the_code_column(note_bot):
    answer = note_bot.ask("星河网络的股票代码是多少？")
    assert answer.found and "002888" in answer.text.split("\n")[0]


def test_a_figure_in_the_unit_asked_answers_however_far_from_its_noun(note_bot):
    answer = note_bot.ask("2022年公司营业收入有多少亿元？")
    assert answer.found and "48.6" in answer.text
    cost = note_bot.ask("2021年大模型研发投入大概多少钱？")  # 美元 past the figure's reach
    assert cost.found and "1.5亿美元" in cost.text


def test_a_content_word_jieba_tags_as_an_adverb_is_kept(note_bot):
    terms = {t.text: t for t in note_bot.retriever.tokenizer.terms("本次关键的更新点在哪里？")}
    assert "更新" in terms and terms["更新"].soft  # jieba's dictionary: 更新 'd'; Cilin: a change
    assert "已经" not in {t.text for t in note_bot.retriever.tokenizer.terms("已经发布了吗")}


ANALYSTS_NOTE = """示例证券
星河网络（002888.SZ）公司点评：智能客服放量
分析师 王示例 S0910515050001
分析师 赵示例 S0910515050002
研究助理 钱示例 S0910515050003

➤ 投资要点

星河网络智能客服签约客户超过300家，二季度收入同比增长42%。
"""


def test_how_many_analysts_is_the_count_of_names_the_cover_lists(tmp_path_factory):
    bot = indexed_notes(tmp_path_factory, "analysts", {"example_analysts_note_2023.txt": ANALYSTS_NOTE})
    names = bot.retriever.covers["example_analysts_note_2023.txt"].analysts
    assert len(names) >= 2
    answer = bot.ask("这篇报告有几位分析师？")
    assert answer.found and f"{len(names)}位" in answer.text and all(n in answer.text for n in names)
    english = bot.ask("How many analysts wrote this report?")
    assert english.found and f"{len(names)} (" in english.text


def test_a_word_the_report_says_apart_or_before_a_place_word_is_no_missing_name():
    from reportbot.language.tokens import Tokenizer

    said = {"机械", "行业", "分组", "因子", "最大回撤", "icir", "value"}
    tokenizer = Tokenizer(known=lambda w: w in said or len(w) == 1)
    terms = {t.text: t for t in tokenizer.terms("机械行业的Value因子ICIR是多少？")}
    assert terms["机械行业"].role == "" and "机械" in terms["机械行业"].alts  # the row says 机械
    terms = {t.text: t for t in tokenizer.terms("十分组里哪一组最大回撤最大？")}
    assert all(t.role == "" for w, t in terms.items() if w.endswith("里"))
    # a word the report never uses, made of no words it uses, is still a name it lacks
    terms = {t.text: t for t in tokenizer.terms("华凯易佰的ICIR是多少？")}
    assert any(t.role == "entity" and "华凯" in w for w, t in terms.items())
