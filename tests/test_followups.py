"""Follow-ups are recognised, not assumed: every visible question that stands on its own is
answered the same after another question as on its own, and every visible follow-up is read
with the turn before it."""

import json
import random
from pathlib import Path

import pytest
from conftest import DEV_PARAPHRASE, DEV_SET

WORDING = DEV_SET.with_name("dev_wording.jsonl")
HELDOUT = Path(__file__).resolve().parents[1] / "benchmarks" / "heldout_ids.json"


def _items(path):
    if not path.exists():
        pytest.skip(f"{path.name} is missing")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_complete_question_after_another_is_answered_as_on_its_own(bot):
    questions = [i["q"] for path in (DEV_SET, DEV_PARAPHRASE) for i in _items(path) if not i.get("history")]
    before = questions[:]
    random.Random("followups").shuffle(before)
    wrong = []
    for earlier, question in zip(before, questions):
        if earlier == question:
            continue
        first = bot.ask(earlier)
        alone = bot.ask(question)
        after = bot.ask(question, history=[(earlier, first.text)])
        if after.text != alone.text or after.question != question:
            wrong.append((earlier, question, after.question))
    assert not wrong, wrong


def test_every_visible_follow_up_is_read_with_the_turn_before(bot):
    # the held-out third (benchmarks/heldout_ids.json) is left to measuring, not to building
    held = set(json.loads(HELDOUT.read_text(encoding="utf-8"))["dev_wording"])
    followups = [i for i in _items(WORDING) if i.get("history") and i["id"] not in held]
    assert followups
    for item in followups:
        history = [tuple(turn) for turn in item["history"]]
        answer = bot.ask(item["q"], history=history)
        assert " → " in answer.question, (item["id"], item["q"], answer.question)


@pytest.mark.parametrize("earlier, question", [
    ("谷歌PaLM模型的参数量是多少？", "GPT-3呢？"),
    ("芒果超媒2023年的预测PE是多少？", "2022年的呢？"),
    ("芒果超媒2023年的预测PE是多少？", "那归母净利润是多少？"),
    ("谷歌PaLM模型的参数量是多少？", "跟GPT-3比，哪个更大？"),
])
def test_questions_worded_as_follow_ups_take_the_context(bot, earlier, question):
    answer = bot.ask(question, history=[(earlier, bot.ask(earlier).text)])
    assert answer.question.startswith(earlier) and answer.found
