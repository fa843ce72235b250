"""Computed answers over the report's tables, end to end on the real index. The expected
numbers are recomputed from bot.tables(), never written into the test."""

import re

import pytest


def _frame(bot, section_end):
    return next(f for f in bot.tables() if f.attrs["section"].endswith(section_end))


def _pe(frame, year):
    return next(c for c in frame.columns if c.startswith("PE") and year in c)


def _cited_rows(answer):
    return {c.row_no for c in answer.citations if c.kind == "row"}


def _assert_cites_each_row(answer, frame, names):
    rows = {frame.index[frame["公司"] == n][0] for n in names}
    assert rows <= _cited_rows(answer)
    for cite in (c for c in answer.citations if any(n in c.quote for n in names)):
        assert cite.table == frame.attrs["caption"]


def test_compare_cheaper_by_pe(bot):
    frame = _frame(bot, "AI+视频").set_index("公司")
    col = _pe(frame, "2022E")
    a, b = "华策影视", "捷成股份"
    cheaper = min((a, b), key=lambda n: frame.loc[n, col])
    answer = bot.ask("华策跟捷成，按22年预测市盈率看谁更便宜？")
    assert answer.found and answer.text.startswith(cheaper)
    for n in (a, b):
        assert f"{frame.loc[n, col]:.2f}" in answer.text
    _assert_cites_each_row(answer, _frame(bot, "AI+视频"), [a, b])
    assert "2022" in answer.text


def test_compare_loss_uses_profit_and_relative_year(bot):
    frame = _frame(bot, "AI+视频").set_index("公司")
    col = next(c for c in frame.columns if c.startswith("归母净利润") and "2022E" in c)
    worse = min(("光线传媒", "奥飞娱乐"), key=lambda n: frame.loc[n, col])
    answer = bot.ask("光线和奥飞，去年预计谁亏得更多？")
    assert answer.found and answer.text.startswith(worse)
    assert f"{frame.loc[worse, col]:.2f}" in answer.text  # the sign is kept
    assert "去年" in answer.text and "2022" in answer.text  # the resolved date is said


def test_superlative_over_one_table(bot):
    frame = _frame(bot, "AI+营销")
    col = next(c for c in frame.columns if "市值" in c)
    top = frame.loc[frame[col].idxmax()]
    answer = bot.ask("营销板块的几个标的里，总市值排第一的是哪家？")
    assert answer.found and top["公司"] in answer.text.split("。")[0]
    assert len(_cited_rows(answer)) == len(frame)  # every row compared is cited


def test_superlative_with_a_category_filter(bot):
    models = next(f for f in bot.tables() if "预训练模型" in f.columns)
    multi = models[models["领域"] == "多模态"]
    top = multi.loc[multi["参数量"].astype(float).idxmax()]
    answer = bot.ask("国外预训练模型里，多模态的那些哪个参数量最大？")
    assert answer.found and top["预训练模型"] in answer.text.split("。")[0]
    assert len(_cited_rows(answer)) == len(multi)


def test_filter_across_the_valuation_tables_sets_losses_apart(bot):
    frames = [_frame(bot, s) for s in ("AI+视频", "AI+电商", "AI+营销")]
    expected = {r["公司"] for f in frames for _, r in f.iterrows()
                if r[_pe(f, "2023E")] is not None and 0 <= r[_pe(f, "2023E")] < 20}
    answer = bot.ask("影视、电商、营销这三张估值表里，23年预测PE低于20倍的有哪些？")
    assert answer.found and f"共{len(expected)}个" in answer.text
    for name in expected:
        assert name in answer.text
    losses = bot.ask("三张估值表里22年预测PE低于30倍的有哪些？")
    negative = {r["公司"] for f in frames for _, r in f.iterrows() if r[_pe(f, "2022E")] < 0}
    assert negative and "亏损" in losses.text
    head = losses.text.split("注意")[0]
    assert not any(f"{n}（" in head for n in negative)  # a loss is not a low valuation


def test_filter_with_a_magnitude_uses_the_column_unit_and_sign_filters(bot):
    frames = [_frame(bot, s) for s in ("AI+视频", "AI+电商", "AI+营销")]
    col = next(c for c in frames[0].columns if "市值" in c)
    assert frames[0].attrs["units"] is not None and "亿元" in col
    expected = {r["公司"] for f in frames for _, r in f.iterrows() if r[col] * 1e8 > 200e8}
    answer = bot.ask("三张估值表中总市值超过200亿的公司有哪些？")
    assert answer.found and f"共{len(expected)}个" in answer.text and all(n in answer.text for n in expected)
    video = _frame(bot, "AI+视频")
    profit = next(c for c in video.columns if c.startswith("归母净利润") and "2022E" in c)
    losers = set(video[video[profit] < 0]["公司"])
    answer = bot.ask("视频板块22年预测净利润为负的有哪些？")
    assert f"共{len(losers)}个" in answer.text and all(n in answer.text for n in losers)


def _profit(frame, year):
    return next(c for c in frame.columns if c.startswith("归母净利润") and year in c)


def test_a_loss_said_as_a_verb_filters_the_profit_column(bot):
    video = _frame(bot, "AI+视频")
    col = _profit(video, "2022E")
    losers, others = set(video[video[col] < 0]["公司"]), set(video[video[col] >= 0]["公司"])
    # the table is named only by a word inside its companies' names (影视 of 华策影视)
    answer = bot.ask("影视公司里2022年哪几家预计会亏损？")
    assert answer.found and answer.kind == "filter" and f"共{len(losers)}个" in answer.text
    assert all(n in answer.text for n in losers) and not any(n in answer.text for n in others)
    marketing = _frame(bot, "AI+营销")
    col = _profit(marketing, "2022E")
    english = bot.ask("Which AI marketing companies were loss-making in 2022E?")
    assert english.found and english.kind == "filter"
    assert all(n in english.text for n in marketing[marketing[col] < 0]["公司"])
    assert not any(n in english.text for n in marketing[marketing[col] >= 0]["公司"])


def test_the_most_loss_is_the_lowest_profit(bot):
    marketing = _frame(bot, "AI+营销")
    col = _profit(marketing, "2022E")
    worst = marketing.loc[marketing[col].idxmin(), "公司"]
    answer = bot.ask("营销那几家公司里，2022年谁亏损最多？")
    assert answer.found and worst in answer.text.split("。")[0]
    video = _frame(bot, "AI+视频").set_index("公司")
    col = _profit(video.reset_index(), "2022E")
    less = max(("光线传媒", "奥飞娱乐"), key=lambda n: video.loc[n, col])
    answer = bot.ask("光线和奥飞，2022年谁亏得少一些？")
    assert answer.found and answer.text.startswith(less)


def test_a_question_beside_a_table_is_not_computed_over_it(bot):
    answer = bot.ask("12月进口游戏版号发了多少个？")  # the game-company table is about something else
    assert answer.found and "44" in answer.text and "共9个" not in answer.text


def test_filter_by_code_prefix_and_missing_cells(bot):
    games = next(f for f in bot.tables() if f.attrs["caption"] == "国内游戏公司布局AIGC相关")
    expected = set(games[games["代码"].str.startswith("002")]["公司"])
    answer = bot.ask("布局AIGC的那些游戏公司，股票代码002开头的有哪几家？")
    assert answer.found and f"共{len(expected)}个" in answer.text
    assert all(n in answer.text for n in expected)
    models = next(f for f in bot.tables() if "预训练模型" in f.columns)
    blank = set(models[models["参数量"].isna()]["预训练模型"])
    answer = bot.ask("国外预训练模型那张表里，哪几个没写参数量？")
    assert all(n in answer.text for n in blank) and f"共{len(blank)}个" in answer.text


def test_count_rows_of_a_name(bot):
    timeline = next(f for f in bot.tables() if f.attrs["caption"] == "大模型时间表")
    n = int((timeline["公司"] == "阿里巴巴").sum())
    answer = bot.ask("阿里在大模型时间表上一共有几次发布？")
    assert answer.found and f"共{n}个" in answer.text and len(_cited_rows(answer)) == n


def test_count_and_sum_across_tables(bot):
    frames = [_frame(bot, s) for s in ("AI+视频", "AI+电商", "AI+营销")]
    answer = bot.ask("影视、电商、营销三张估值表加起来一共覆盖多少家公司？")
    assert f"共{sum(len(f) for f in frames)}个" in answer.text
    marketing = _frame(bot, "AI+营销")
    col = next(c for c in marketing.columns if "市值" in c)
    total = bot.ask("营销那几家的总市值加起来是多少？")
    assert total.found and f"{marketing[col].sum():.2f}" in total.text


def test_average_and_list_of_a_table(bot):
    video = _frame(bot, "AI+视频")
    col = next(c for c in video.columns if "市值" in c)
    answer = bot.ask("视频板块平均总市值是多少？")
    assert answer.found and f"{video[col].mean():.2f}" in answer.text
    assert len(_cited_rows(answer)) == len(video)
    listed = bot.ask("AI视频方向，报告里列了估值的是哪几只票？")
    assert listed.found and f"{len(video)}个" in listed.text
    assert all(name in listed.text for name in video["公司"])


def test_lookup_by_ticker_and_a_blank_cell_is_refused(bot):
    video = _frame(bot, "AI+视频").set_index("公司")
    col = next(c for c in video.columns if "市值" in c)
    answer = bot.ask("300133这只票现在总市值多少亿？")
    assert answer.found and answer.text.startswith("华策影视")
    assert f"{video.loc['华策影视', col]:g}" in answer.text.split("（")[0]
    blank = bot.ask("SD（Stable Diffusion）参数量多大？")
    assert not blank.found and "Stable Diffusion" in blank.text and "为空" in blank.text


def test_english_comparison(bot):
    answer = bot.ask("Which came first, GAN or flow-based generative models?")
    assert answer.found and "GAN" in answer.text.split("：")[0]
    assert re.search(r"2014.*2015", answer.text)


@pytest.mark.parametrize("question", [
    "巨人网络的PE是多少？",  # a company that is in the report, but not in a valuation table
    "小米的PE是多少？",  # a company that is not in the report at all
    "三人行24年能赚多少，研究所给预测了吗？",  # a year the tables do not have
    "快手的市值是多少？",  # a name jieba cuts into single characters
    "拼多多的市值是多少？",  # a name the report mentions, but with no market cap
])
def test_computations_the_tables_cannot_support_are_refused(bot, question):
    answer = bot.ask(question)
    assert not answer.found


def test_tables_of_one_kind_are_asked_across(tmp_path_factory):
    """A 金工 report's one performance table per market, each told apart by its caption: "哪个
    资产年化收益最高" takes the row from each; two markets named are compared; one is a lookup."""
    from conftest import indexed_notes

    markets = {"恒生指数": ("11.20%", "46.72%"), "COMEX黄金": ("8.28%", "20.10%"),
               "10年期国债期货": ("3.02%", "2.55%"), "美元兑人民币期货": ("2.63%", "7.41%")}
    parts = ["示例择时模型研究\n\n模型在多类资产上都有择时效果。\n"]
    for market, (ret, dd) in markets.items():
        parts.append(f"示例模型择时策略业绩统计：{market}\n业绩指标\t日频策略\t周频策略\n"
                     f"年化收益率\t{ret}\t1.00%\n最大回撤\t{dd}\t9.00%\n夏普比率\t0.50\t0.20\n")
    bot = indexed_notes(tmp_path_factory, "across", {"timing_note.txt": "\n".join(parts)})
    best = bot.ask("示例模型拿去做港股、黄金和国债期货的日频择时，哪个资产年化收益最高？")
    assert best.found and best.kind == "max" and "恒生指数" in best.text.splitlines()[0]
    assert "11.20%" in best.text.splitlines()[0]
    least = bot.ask("示例模型日频择时，哪个资产的最大回撤最小？")  # 最大回撤 is a measure, not the cue 最大
    assert least.found and least.kind == "min" and "10年期国债期货" in least.text.splitlines()[0]
    pair = bot.ask("示例模型日频择时，COMEX黄金和10年期国债期货哪个年化收益率更高？")
    assert pair.found and pair.kind == "compare" and pair.text.startswith("COMEX黄金")
    assert "恒生指数" not in pair.text
    one = bot.ask("示例模型在恒生指数上的日频年化收益率是多少？")
    assert one.found and "11.20%" in one.text and one.kind != "max"
