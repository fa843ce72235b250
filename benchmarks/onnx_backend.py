"""Is the ONNX backend faster than torch for m3e-small on this machine? (issue 10)

sentence-transformers' own ONNX backend needs optimum-onnx, which requires transformers<4.58
(this project pins 5.x), so the model is exported here with torch.onnx and run with
onnxruntime (installed by chromadb) directly, on the bundled report's chunk and unit texts,
in the same sorted batches as ingest. Needs the `onnx` package for the export:

    pip install --target /tmp/onnxpkg --no-deps onnx ml_dtypes
    PYTHONPATH=/tmp/onnxpkg .venv/bin/python benchmarks/onnx_backend.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from reportbot import ReportBot, Settings
from reportbot.documents.units import embed_text, units_of
from reportbot.index.store import ENCODE_BATCH


class _LastHidden(torch.nn.Module):
    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state


def main() -> None:
    bot = ReportBot(Settings(llm_model=None))
    st = bot.index.embed._model
    tok = st.tokenizer
    chunks = bot.retriever.chunks
    texts = [c.text for c in chunks] + [embed_text(u) for c in chunks for u in units_of(c)]
    path = Path(tempfile.mkdtemp()) / "m3e-small.onnx"
    sample = tok(["导出", "导出用的样例文本"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(_LastHidden(st[0].auto_model).eval(), tuple(sample[n] for n in names), str(path),
                      input_names=names, output_names=["last"], opset_version=17, dynamo=False,
                      dynamic_axes={n: {0: "batch", 1: "seq"} for n in [*names, "last"]})
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def onnx_encode(batch):
        enc = tok(batch, padding=True, truncation=True, max_length=st.max_seq_length, return_tensors="np")
        hidden = session.run(None, {n: enc[n] for n in names})[0]
        mask = enc["attention_mask"][..., None]
        vec = (hidden * mask).sum(1) / mask.sum(1)
        return vec / np.linalg.norm(vec, axis=1, keepdims=True)

    def torch_encode(batch):
        return st.encode(batch, batch_size=ENCODE_BATCH, normalize_embeddings=True)

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    results = {}
    for name, encode in (("torch", torch_encode), ("onnx", onnx_encode)):
        encode(["warm up"])
        vectors = np.zeros((len(texts), st.get_sentence_embedding_dimension()), dtype=np.float32)
        start = time.perf_counter()
        for at in range(0, len(order), ENCODE_BATCH):
            part = order[at:at + ENCODE_BATCH]
            vectors[part] = encode([texts[i] for i in part])
        results[name] = (time.perf_counter() - start, vectors)
        print(f"{name}: {len(texts)} texts in {results[name][0]:.2f} s")
    worst = float(np.max(1 - np.sum(results["torch"][1] * results["onnx"][1], axis=1)))
    print(f"onnx/torch time {results['onnx'][0] / results['torch'][0]:.2f}; "
          f"largest cosine difference {worst:.1e}")


if __name__ == "__main__":
    main()
