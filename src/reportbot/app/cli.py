"""Command line: reportbot ingest | check | ask | retrieve | tables | eval | serve."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import threading
import warnings

from ..config import ConfigError, Settings, parse_auth, parse_port
from .progress import IngestBar


def _settings(args) -> Settings:
    overrides = {}
    if args.corpus:
        overrides["corpus_dir"] = args.corpus
    if args.index:
        overrides["index_dir"] = args.index
    return Settings(**overrides)


def _bot(args):
    if not getattr(args, "verbose", False):
        _quiet_progress()  # transformers' own logging, before its model loads
    from ..bot import ReportBot

    return ReportBot(_settings(args))


def _ensure_index(bot, quiet: bool = False) -> None:
    """Build or refresh the index when the corpus changed (cheap when nothing did)."""
    if not bot.settings.corpus_dir.is_dir() and bot.index.count():
        return  # a ready index with no corpus folder beside it: use it as it is
    if bot.needs_ingest():
        from ..index.errors import DiskFull

        try:
            report = bot.ingest()
        except DiskFull as exc:  # the index in use is unchanged: answer from it
            if not bot.index.count():
                raise
            print(f"reportbot: warning: {exc}; answering from the index as it is", file=sys.stderr)
            return
        if not quiet:
            print(report.summary(), file=sys.stderr)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_ingest(args) -> int:
    if args.rebuild:
        from ..index.store import wipe

        wipe(_settings(args))  # before opening: a damaged index may not open at all
    bot = _bot(args)
    if args.rebuild and bot.settings.chroma_url:
        bot.index.reset()
    bar = None if args.json else IngestBar()
    try:
        report = bot.ingest(progress=bar)
    finally:
        if bar:
            bar.close()
    if args.json:
        _print_json({
            "added": report.added, "updated": report.updated, "removed": report.removed,
            "unchanged": report.unchanged, "repaired": report.repaired, "rebuilt": report.rebuilt,
            "chunks": report.chunks,
            "errors": [{"file": f, "reason": r} for f, r in report.errors],
            "warnings": [{"file": f, "reason": r} for f, r in report.warnings],
        })
    else:
        print(report.summary())
    if report.chunks == 0 and not report.errors:
        print(f"reportbot: the corpus folder {bot.settings.corpus_dir} holds no reports (.pdf, .txt, .md): "
              "put reports in it (or name another with --corpus) and ingest again", file=sys.stderr)
        return 1
    return 1 if report.errors else 0


def cmd_check(args) -> int:
    from ..index.ingest import check

    bot = _bot(args)
    result = check(bot.index, bot.settings.corpus_dir, repair=args.repair)
    if args.json:
        _print_json({"healthy": result.healthy, "partial": result.partial, "orphans": result.orphans,
                     "dense": dict(zip(("chunks", "chunks_reached", "units", "units_reached"), result.dense)),
                     "repaired": result.repaired,
                     "quarantined": [{"source": src, "where": where, "line": text}
                                     for src, where, text in result.quarantined]})
    else:
        print(result.summary())
    return 0 if result.healthy or result.repaired else 1


def cmd_ask(args) -> int:
    from .warm import ServerRefused, ask_server

    answer = None
    if not args.local:  # a server on this index answers at once: its models are loaded
        try:
            answer = ask_server(_settings(args).index_dir, args.question, args.source)
        except ServerRefused as exc:
            print(f"reportbot: error: {exc}", file=sys.stderr)
            return 2
        if answer is not None and not args.json:
            print("reportbot: answered by the server running on this index (--local to answer here)",
                  file=sys.stderr)
    if answer is None:
        bot = _bot(args)
        _ensure_index(bot, quiet=args.json)
        answer = bot.ask(args.question, sources=args.source).to_dict()
    if args.json:
        _print_json(answer)
    else:
        print(answer["text"])
        if answer["citations"]:
            print()
            for c in answer["citations"]:
                print(f"[{c['n']}] {c['location']}")
                print("    " + c["quote"].replace("\n", "\n    "))
    return 0


def cmd_retrieve(args) -> int:
    bot = _bot(args)
    _ensure_index(bot, quiet=args.json)
    hits = bot.retrieve(args.question, k=args.k, sources=args.source)
    if args.json:
        _print_json([h.to_dict() for h in hits])
    else:
        for i, h in enumerate(hits, 1):
            where = h.section + (f" › 表「{h.table}」" if h.table else "")
            if h.kind == "row":
                where += f" 第{h.row_no}行"
            if h.page:
                where += f" › 第{h.page}页"
            print(f"{i}. [{h.kind}] {h.score:.4f}  {h.source} › {where}")
            print("   " + h.text.replace("\n", "\n   ")[:400])
    return 0


def cmd_reports(args) -> int:
    bot = _bot(args)
    _ensure_index(bot, quiet=args.json)
    titles = bot.reports()
    reports = [r for r in bot.library() if r.source in titles]
    if args.json:
        _print_json([r.to_dict() for r in reports])
    else:
        for r in reports:
            facts = [r.broker, r.date, r.kind, r.rating and f"评级 {r.rating}",
                     r.target_price and f"目标价 {r.target_price}", "、".join(r.analysts)]
            print("\t".join([r.source, r.title, *(f for f in facts if f)]))
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate, load_items

    items = load_items(args.file)
    bot = _bot(args)
    _ensure_index(bot, quiet=True)
    result = evaluate(bot, items, sources=args.source)
    if args.json:
        _print_json({"metrics": result.metrics(), "rows": result.rows})
    else:
        print(result.table())
    return 0


_UNSAFE_NAME_RE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")


def cmd_tables(args) -> int:
    from pathlib import Path

    from .export import write_csv

    bot = _bot(args)
    _ensure_index(bot, quiet=args.json)
    tables = bot.retriever.tables
    if args.csv:
        folder = Path(args.csv)
        folder.mkdir(parents=True, exist_ok=True)
        for n, table in enumerate(tables, 1):
            stem = _UNSAFE_NAME_RE.sub("_", table.caption).strip("_") or "table"
            name = f"{n:02d}_{stem}.csv"
            write_csv(table.to_dataframe(), folder / name)
            if not args.json:
                print(folder / name)
    if args.json:
        _print_json([{**t.to_dict(), "values": [[{"raw": v.raw, "kind": v.kind, "number": v.number,
                                                  "unit": v.unit} for v in row] for row in t.values]}
                     for t in tables])
    elif not args.csv:
        for n, t in enumerate(tables, 1):
            where = f"{t.source} › {t.section}" + (f" › 第{t.page}页" if t.page else "")
            print(f"{n}. 「{t.caption}」 {len(t.rows)} rows × {len(t.headers)} columns  ({where})")
            print("   " + " | ".join(t.labels))
    return 0


def _serve_settings(args) -> tuple[str, int, tuple[str, str] | None]:
    """Host, port and login for `serve`, checked before anything heavy loads: a bad one exits
    at once with a message naming it (and a taken port is found now, not after the models)."""
    import socket

    value = args.auth if args.auth is not None else os.environ.get("REPORTBOT_AUTH", "")
    auth = parse_auth(value) if value else None  # empty means no login
    port = parse_port(args.port if args.port is not None else os.environ.get("REPORTBOT_PORT") or 7860)
    host = args.host or os.environ.get("REPORTBOT_HOST") or "127.0.0.1"
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"cannot serve on {host}:{port} ({getattr(exc, 'strerror', None) or exc}); "
                          "choose another --port (REPORTBOT_PORT) or check --host (REPORTBOT_HOST)") from None
    for key in args.api_key or ():
        if not key.strip() or any(c.isspace() for c in key):
            raise ConfigError(f"--api-key {key!r}: a key is one word with no spaces")
    return host, port, auth


def cmd_serve(args) -> int:
    host, port, auth = args.serving
    from .web import IngestStatus, serve

    bot = _bot(args)
    status = None
    if bot.settings.corpus_dir.is_dir() and bot.needs_ingest():
        # the page is up at once and shows the ingest's progress; the terminal shows it too
        status = IngestStatus()
        bar = IngestBar()
        threading.Thread(target=status.run, args=(bot, bar), daemon=True, name="ingest").start()
    try:
        serve(bot, host=host, port=port, auth=auth, status=status, watch=args.watch,
              api_keys=tuple(args.api_key) if args.api_key else None)
    except OSError as exc:
        reason = str(exc).split(". You can")[0].rstrip(".")
        raise ConfigError(f"cannot start the web chat ({reason}); choose another --port") from exc
    return 0


def _source_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source", action="append", metavar="REPORT",
                   help="only this report (file name or title; repeat for several)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportbot", description="Cited question answering over research reports."
    )
    parser.add_argument("--corpus", help="folder of reports (default: $REPORTBOT_CORPUS_DIR or ./corpus)")
    parser.add_argument("--index", help="index folder (default: $REPORTBOT_INDEX_DIR or ./index)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show library logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the index from the corpus folder")
    p.add_argument("--json", action="store_true")
    p.add_argument("--rebuild", action="store_true",
                   help="throw the index away and build it again from the corpus (a damaged index)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("check", help="verify the index against its manifest; --repair fixes it")
    p.add_argument("--repair", action="store_true", help="re-ingest partial sources, drop orphans, "
                   "rebuild vectors that dense search cannot reach")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the Answer object as JSON")
    p.add_argument("--local", action="store_true",
                   help="answer in this process even when a server on the same index is running")
    _source_option(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("retrieve", help="show the chunks retrieved for a question")
    p.add_argument("question")
    p.add_argument("-k", type=int, default=5, help="how many chunks (default 5)")
    p.add_argument("--json", action="store_true")
    _source_option(p)
    p.set_defaults(func=cmd_retrieve)

    p = sub.add_parser("eval", help="hit@k, MRR and answer accuracy on a JSONL QA file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    _source_option(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("reports", help="list the corpus's reports (file name and title)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)

    p = sub.add_parser("tables", help="list the report tables, or export them (typed values)")
    p.add_argument("--csv", metavar="DIR", help="write each table as a CSV file into DIR")
    p.add_argument("--json", action="store_true", help="print every table with its typed cells")
    p.set_defaults(func=cmd_tables)

    p = sub.add_parser("serve", help="start the web chat")
    p.add_argument("--host", default=None, help="default $REPORTBOT_HOST or 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="default $REPORTBOT_PORT or 7860")
    p.add_argument("--auth", default=None, help="USER:PASSWORD (default $REPORTBOT_AUTH)")
    p.add_argument("--api-key", action="append", default=None, metavar="KEY",
                   help="a bearer key the REST API accepts (repeat for several; default "
                        "$REPORTBOT_API_KEYS, comma-separated); with none set the API is open, "
                        "or closed when --auth is set")
    p.add_argument("--watch", action="store_true",
                   help="ingest files copied into (or removed from) the corpus folder on their own")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _settings(args).check()  # every setting, before any model or index loads
        if args.command == "serve":
            args.serving = _serve_settings(args)
    except ConfigError as exc:
        print(f"reportbot: error: {exc}", file=sys.stderr)
        return 2
    if not args.verbose:
        logging.basicConfig(level=logging.ERROR)
        warnings.filterwarnings("ignore")
        os.environ.setdefault("TQDM_DISABLE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    else:
        logging.basicConfig(level=logging.INFO)
    # nothing heavy is imported before the command runs: `ask` answered by a running server
    # must not spend seconds importing torch for error classes it will not need
    try:
        code = args.func(args)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            print(f"reportbot: error: {exc}", file=sys.stderr)
            return 2
        if args.verbose:  # a chat model or Chroma server that is down, and the like
            raise
        print(f"reportbot: error: {type(exc).__name__}: {exc} (run with -v for details)",
              file=sys.stderr)
        code = 1
    return code


def _user_errors() -> tuple[type[BaseException], ...]:
    """What a user's input or set-up caused: one line, exit status 2."""
    from ..bot import InputError
    from ..documents.loaders import LoadError
    from ..index.errors import IndexDamaged
    from .evaluate import EvalFileError

    return InputError, ConfigError, LoadError, EvalFileError, IndexDamaged, RuntimeError


def run() -> None:
    """The console script: main(), then a clean exit."""
    sys.exit(_leave(main()))


def _leave(code: int) -> int:
    """Return ``code``, or end the process at once when threads of ours are still running
    (serve's ingest when the server could not start): interpreter shutdown under a thread
    that is inside torch or Chroma can crash (SIGSEGV) instead of exiting with ``code``."""
    if threading.active_count() > 1:
        import atexit

        sys.stdout.flush()
        sys.stderr.flush()
        atexit._run_exitfuncs()  # temp folders of the view are still removed
        os._exit(code)
    return code


def _quiet_progress() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - optional quieting only
        pass


if __name__ == "__main__":
    run()
