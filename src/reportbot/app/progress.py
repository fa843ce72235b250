"""An ingest's progress on the terminal."""

from __future__ import annotations

import sys


class IngestBar:
    """An ingest's progress on stderr (tqdm): files done of all, chunks written, the rate,
    and the time left; then a line while the search view is prepared."""

    def __init__(self):
        self.bar = None
        self.started = 0.0

    def __call__(self, p) -> None:
        import time

        from tqdm import tqdm

        if self.bar is None and p.stage == "files":
            self.started = time.perf_counter()
            self.bar = tqdm(total=p.files, unit="file", desc="ingest", file=sys.stderr,
                            dynamic_ncols=True, disable=False)
        if p.stage == "view":
            self.close()
            print("reportbot: preparing the search view…", file=sys.stderr)
            return
        self.bar.n = p.files_done
        rate = p.chunks / max(time.perf_counter() - self.started, 1e-9)
        now = f", {p.source}" if p.source else ""
        self.bar.set_postfix_str(f"{p.chunks} chunks, {rate:.1f} chunks/s{now}", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
