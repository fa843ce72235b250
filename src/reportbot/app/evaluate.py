"""Evaluation on a JSONL QA set: retrieval hit@k and MRR, answer accuracy.

Each line: {"id", "type", "q", "evidence": [strings a relevant chunk contains],
"answer": [[alternatives], ...] or null when the report has no answer, and optionally
"lead": [[alternatives], ...] (each group must be in the answer's first sentence: the winner
of a compare), "absent": [names] (none may appear: rows a filter must leave out), "history":
[[question, answer], ...] (the chat before: the question is asked as a follow-up)}.
An answer counts as correct when every group has one alternative in the answer text (and the
bot said it found an answer), the lead and absent conditions hold, or, for null, when the bot
says it found none. A question whose asking raises counts as wrong, and as a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..language.terms import squash as normalize

KS = (1, 3, 5)
DEPTH = 10


class EvalFileError(ValueError):
    pass


def load_items(path: str | Path) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise EvalFileError(f"{path}: file not found")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalFileError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise EvalFileError(f"{path}:{n}: each line needs a string field 'q'")
        item.setdefault("id", f"line{n}")
        item.setdefault("evidence", [])
        item.setdefault("type", "")
        answer = item.get("answer")
        if answer is not None and not (
            isinstance(answer, list) and all(isinstance(g, list) for g in answer)
        ):
            raise EvalFileError(f"{path}:{n}: 'answer' must be a list of lists of strings, or null")
        items.append(item)
    if not items:
        raise EvalFileError(f"{path}: no questions in the file")
    return items


def _first_sentence(text: str) -> str:
    return re.split(r"[。！？!?\n]", text, maxsplit=1)[0]


def answer_correct(item: dict, text: str, found: bool) -> bool:
    groups = item.get("answer")
    if groups is None:
        return not found
    norm = normalize(text)
    if not (found and all(any(normalize(alt) in norm for alt in group) for group in groups)):
        return False
    lead = normalize(_first_sentence(text))
    if not all(any(normalize(alt) in lead for alt in group) for group in item.get("lead") or []):
        return False
    return not any(normalize(name) in norm for name in item.get("absent") or [])


@dataclass
class EvalResult:
    rows: list[dict] = field(default_factory=list)

    @property
    def retrieval_rows(self) -> list[dict]:
        return [r for r in self.rows if r["evidence"]]

    def metrics(self) -> dict:
        rr = self.retrieval_rows
        out: dict[str, float | int] = {"questions": len(self.rows)}
        for k in KS:
            out[f"hit@{k}"] = _mean([r["rank"] is not None and r["rank"] <= k for r in rr])
        out[f"mrr@{DEPTH}"] = _mean([1 / r["rank"] if r["rank"] else 0.0 for r in rr])
        out["answer_accuracy"] = _mean([r["correct"] for r in self.rows])
        # the two worst mistakes, counted apart: "not in the report" when it is, and an
        # answer when the report has none
        out["false_refusals"] = sum(1 for r in self.rows if r["answerable"] and not r["found"])
        out["false_answers"] = sum(1 for r in self.rows if not r["answerable"] and r["found"])
        out["crashes"] = sum(1 for r in self.rows if r.get("error"))
        by_type: dict[str, list[bool]] = {}
        for r in self.rows:
            by_type.setdefault(r["type"] or "-", []).append(r["correct"])
        out["accuracy_by_type"] = {t: _mean(v) for t, v in sorted(by_type.items())}
        return out

    def table(self) -> str:
        lines = [f"{'id':<6} {'type':<13} {'rank':>4} {'ok':>3}  question / answer"]
        for r in self.rows:
            rank = "-" if not r["evidence"] else (str(r["rank"]) if r["rank"] else "x")
            answer = r["answer"].replace("\n", " ")[:90]
            lines.append(f"{r['id']:<6} {r['type']:<13} {rank:>4} {'✓' if r['correct'] else '✗':>3}  "
                         f"{r['q']}\n{'':<30}→ {answer}")
        m = self.metrics()
        lines.append("")
        lines.append("  ".join(f"{k}={v:.3f}" for k, v in m.items() if isinstance(v, float)))
        lines.append(f"false refusals={m['false_refusals']}  false answers={m['false_answers']}  "
                     f"crashes={m['crashes']}")
        lines.append("accuracy by type: " + ", ".join(f"{t}={v:.2f}" for t, v in m["accuracy_by_type"].items()))
        return "\n".join(lines)


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def evaluate(bot, items: list[dict], sources=None) -> EvalResult:
    """``sources``: ask within those reports only (as ``bot.ask(..., sources=)``)."""
    result = EvalResult()
    for item in items:
        evidence = [normalize(e) for e in item.get("evidence") or []]
        rank = None
        if evidence:
            for i, hit in enumerate(bot.retrieve(item["q"], k=DEPTH, sources=sources), 1):
                text = normalize(f"{hit.section}\n{hit.table}\n{hit.text}")
                if all(e in text for e in evidence):
                    rank = i
                    break
        row = {"id": item["id"], "type": item.get("type", ""), "q": item["q"],
               "evidence": item.get("evidence") or [], "rank": rank,
               "answerable": item.get("answer") is not None}
        try:
            answer = bot.ask(item["q"], history=item.get("history") or None, sources=sources)
        except Exception as exc:  # noqa: BLE001 - a crash is a wrong answer, counted as such
            row.update(answer="", found=False, correct=False, error=f"{type(exc).__name__}: {exc}")
        else:
            row.update(answer=answer.text, found=answer.found, kind=answer.kind,
                       correct=answer_correct(item, answer.text, answer.found))
        result.rows.append(row)
    return result
