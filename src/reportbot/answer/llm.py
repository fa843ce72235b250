"""Answers from an OpenAI-compatible chat model, given the retrieved chunks as numbered sources."""

from __future__ import annotations

import re

from ..models import Answer
from ..store import StoredChunk
from .extractive import NOT_FOUND, citation
from .query import Query, normalize_history

LLM_SYSTEM = (
    "你是研究报告问答助手。只根据下面编号的报告片段回答问题，不要使用片段以外的知识。"
    "每句话后用 [n] 标注所依据的片段编号。如果片段中没有答案，只输出 NOT_FOUND。"
    "用提问所用的语言回答。"
)


def build_llm(settings):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",
        temperature=0,
        timeout=60,
        max_retries=1,
    )


def llm_messages(query: Query, chunks: list[StoredChunk], history) -> list[tuple[str, str]]:
    sources = "\n\n".join(
        f"[{i}] （{c.section}{'，表「' + c.table + '」' if c.table else ''}）\n{c.body}"
        for i, c in enumerate(chunks, 1)
    )
    messages: list[tuple[str, str]] = [("system", LLM_SYSTEM)]
    for user, bot in normalize_history(history)[-3:]:
        messages.append(("human", user))
        messages.append(("ai", bot))
    messages.append(("human", f"报告片段：\n{sources}\n\n问题：{query.question}"))
    return messages


def llm_answer(text: str, query: Query, chunks: list[StoredChunk]) -> Answer:
    asked = query.asked
    if "NOT_FOUND" in text or not text.strip():
        return Answer(NOT_FOUND, False, [], asked)
    used = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(chunks)})
    if not used:
        used = list(range(1, len(chunks) + 1))
    citations = [citation(n, chunks[n - 1], chunks[n - 1].body) for n in used]
    return Answer(text.strip(), True, citations, asked)
