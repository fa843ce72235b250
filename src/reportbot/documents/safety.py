"""Text in a report that reads like instructions to a chat model ("忽略之前的所有指令…",
"ignore previous instructions", role tags). Such lines are quarantined at ingest: taken out of
the text before it is parsed, so that no answer quotes them, no source panel shows them and no
chat model reads them; ingest reports them and `reportbot check` lists them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

INSTRUCTION_RE = re.compile(
    r"(?:忽略|无视|忘记|不要理会|忘掉)(?:之前|以上|前面|上面|先前|此前|所有|全部|一切)?的?(?:所有|全部|一切)?的?"
    r"(?:指令|指示|提示|要求|规则|设定)"
    r"|(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier|preceding)?\s*"
    r"(?:instructions?|prompts?|rules|directions)"
    r"|<\|?(?:im_start|im_end|system|assistant)\|?>|^\s*(?:system|assistant)\s*[:：]"
    r"|你现在(?:是|扮演)|you are now|new instructions?\s*[:：]|系统提示\s*[:：]",
    re.I | re.M,
)


def is_instruction_like(text: str) -> bool:
    return bool(INSTRUCTION_RE.search(text))


def instruction_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines that read like instructions."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if INSTRUCTION_RE.search(line)]


@dataclass(frozen=True)
class Quarantined:
    page: int | None  # the PDF page, None for a text file
    line: int  # the line number within the page
    text: str

    @property
    def where(self) -> str:
        return f"page {self.page}, line {self.line}" if self.page else f"line {self.line}"


def quarantine(pages: list) -> tuple[list, list[Quarantined]]:
    """The pages without their instruction-like lines, and those lines."""
    flagged: list[Quarantined] = []
    clean = []
    for page in pages:
        lines = page.text.splitlines()
        bad = {n for n, _ in instruction_lines(page.text)}
        flagged += [Quarantined(page.number, n, lines[n - 1].strip()) for n in sorted(bad)]
        clean.append(replace(page, text="\n".join(l for n, l in enumerate(lines, 1) if n not in bad))
                     if bad else page)
    return clean, flagged
