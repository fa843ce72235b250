"""What a person using the page or the API is told when something goes wrong: what happened
and what to do, in the page's language (Chinese, the English after it). The exception itself
goes to the log, never to the page."""

from __future__ import annotations

import logging

from ..bot import InputError, NotIndexed
from ..config import ConfigError
from .library import LibraryError

log = logging.getLogger(__name__)

NO_REPORTS = ("报告库里还没有报告：请在下方“报告库”上传 PDF、TXT 或 MD 文件，或在命令行运行 reportbot ingest。"
              "(No reports are indexed yet: upload one in the Library panel, or run `reportbot ingest`.)")
FAILED = ("出错了，请稍后再试；问题仍在时请联系管理员。"
          "(Something went wrong; try again, and tell the administrator if it persists.)")


def user_message(exc: BaseException) -> str:
    if isinstance(exc, NotIndexed):
        if "cannot be used" in str(exc):
            return ("索引需要重建（它是旧版本建立的或没有建完）：请在命令行运行 reportbot ingest。"
                    f"(The index must be rebuilt: run `reportbot ingest`. {exc})")
        return NO_REPORTS
    if isinstance(exc, (InputError, LibraryError, ConfigError)):
        return str(exc)  # written for the user already
    log.error("unexpected error shown to a user as a generic message", exc_info=exc)
    return FAILED
