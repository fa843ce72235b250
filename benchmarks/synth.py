"""A synthetic library of N reports made from the bundled one, for `make bench-scale`.

    python benchmarks/synth.py OUT_DIR N [--seed S]

OUT_DIR gets the bundled report unchanged plus N-1 variants. In each variant the listed
companies (names and stock codes), the broker, the title and the numbers are changed, and the
paragraphs of each section are shuffled — so the copies are alike in shape (as one broker's
reports are) but differ in their facts, and a question about the bundled report has one right
answer in the library.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "njzq_aigc_2023.txt"
BROKER = "南京证券"
TITLE = "积极拥抱AIGC技术变革，关注应用落地"
CODE_RE = re.compile(r"(?<!\d)([036]\d{5})\.(SZ|SH)")
# company cells: the name beside a stock code, in either column order
NAME_BY_CODE_RE = re.compile(r"^(?:([^\t\n]{2,8})\t[036]\d{5}\.S[ZH]|[036]\d{5}\.S[ZH]\t([^\t\n]{2,8}))", re.M)
NUMBER_RE = re.compile(r"(?<![\d.])(-?\d+\.\d+|\d{3,})(?![\d.])")
SYLLABLES = "华 星 辰 远 泰 瑞 鼎 恒 博 嘉 联 创 锦 盛 达 宏 信 安 云 海 峰 源 佳 和".split()
TOPICS = ["技术变革", "应用落地", "产业机遇", "商业化进程", "内容生产", "模型竞争"]


def companies(text: str) -> list[str]:
    return sorted({a or b for a, b in NAME_BY_CODE_RE.findall(text)}, key=lambda n: (-len(n), n))


def variant(text: str, n: int, rng: random.Random) -> str:
    names = companies(text)
    pool = {name: rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + name[2:]
            for name in names}
    for name, new in pool.items():
        text = text.replace(name, new)
    text = CODE_RE.sub(lambda m: f"{m.group(1)[0]}{rng.randrange(10**5):05d}.{m.group(2)}", text)
    text = text.replace(BROKER, rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + "证券")
    text = text.replace(TITLE, f"{rng.choice(TOPICS)}：AIGC行业跟踪第{n}期")

    def scale(m: re.Match) -> str:
        value = m.group(1)
        if re.fullmatch(r"(19|20)\d\d", value):
            return value  # years stay: the reports are of one period
        factor = rng.uniform(0.7, 1.3)
        if "." in value:
            return f"{float(value) * factor:.{len(value.split('.')[1])}f}"
        return str(round(int(value) * factor))

    text = NUMBER_RE.sub(scale, text)
    return shuffle_sections(text, rng)


def shuffle_sections(text: str, rng: random.Random) -> str:
    """Shuffle the paragraphs under each "➤" heading; tables and headings stay in place."""
    out = []
    for section in re.split(r"(?m)^(?=➤)", text):
        blocks = section.split("\n\n")
        movable = [i for i, b in enumerate(blocks[1:], 1) if b.startswith("- ") and "\t" not in b]
        moved = [blocks[i] for i in movable]
        rng.shuffle(moved)
        for i, b in zip(movable, moved):
            blocks[i] = b
        out.append("\n\n".join(blocks))
    return "".join(out)


def write_library(out: Path, n: int, seed: int = 0) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    text = REPORT.read_text(encoding="utf-8")
    paths = [out / REPORT.name]
    paths[0].write_text(text, encoding="utf-8")
    rng = random.Random(seed)
    for i in range(1, n):
        path = out / f"synthetic_{i:03d}.txt"
        path.write_text(variant(text, i, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{len(write_library(args.out, args.n, args.seed))} reports in {args.out}")


if __name__ == "__main__":
    main()
