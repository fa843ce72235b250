"""The REST API on the web chat's server: an OpenAI-compatible chat API (so the openai SDK,
Open WebUI, Chatbox or Dify can use reportbot) and plain JSON routes for analysts.

Every answer carries its citations as objects (the same Citation as the Python API and the
CLI's --json) under a ``reportbot`` key. Bearer API keys guard every route when keys are set.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from typing import Any

from fastapi import Depends, FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from ..bot import InputError, ReportBot, pieces
from ..documents.render import RenderError, page_png
from ..models import Answer
from .library import Library, LibraryError, Refused

MODEL_ID = "reportbot"


class Message(BaseModel):
    role: str
    # a string, or OpenAI's list of parts ([{"type": "text", "text": ...}])
    content: str | list[dict[str, Any]] | None = None


class ReportbotOptions(BaseModel):
    sources: list[str] | None = Field(None, description="reports to answer from (file names or titles)")


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[Message]
    stream: bool = False
    reportbot: ReportbotOptions | None = None

    model_config = {"extra": "allow"}  # temperature, max_tokens … are accepted and not used


class AskRequest(BaseModel):
    question: str
    history: list | None = Field(None, description="[[question, answer], …] or role messages")
    sources: list[str] | None = None


def _error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    # OpenAI's error shape: its SDKs show error.message to the user
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status_code=status)


def _text(content) -> str:
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return content or ""


def _turns(messages: list[Message]) -> tuple[str, list[dict]]:
    """The question (the last user message) and the chat before it as role messages."""
    said = [m for m in messages if m.role in ("user", "assistant")]
    if not said or said[-1].role != "user":
        raise InputError("messages must end with a user message (the question)")
    history = [{"role": m.role, "content": _text(m.content)} for m in said[:-1]]
    # a history must alternate user → assistant; a client's leftovers (two users) keep the last
    pairs: list[dict] = []
    for m in history:
        if pairs and pairs[-1]["role"] == m["role"]:
            pairs[-1] = m
        elif pairs or m["role"] == "user":
            pairs.append(m)
    if pairs and pairs[-1]["role"] == "user":
        pairs.pop()
    return _text(said[-1].content), pairs


def answer_markdown(answer: Answer) -> str:
    """The answer as a chat client shows it: text, then its sources as Markdown footnotes."""
    if not answer.citations:
        return answer.text
    notes = "\n".join(f"[^{c.n}]: {c.location}" for c in answer.citations)
    return f"{answer.text}\n\n{notes}"


def build_api(bot: ReportBot, library: Library, keys: tuple[str, ...] = (),
              page_login: bool = False) -> FastAPI:
    api = FastAPIOffline(
        title="reportbot API",
        description="研报问答：OpenAI-compatible chat (`/v1`) and JSON routes (`/api`). "
                    "Every answer's citations are objects under `reportbot`.",
        version="1",
    )

    async def check_key(request: Request) -> None:
        given = request.headers.get("authorization", "")
        token = given[7:].strip() if given.lower().startswith("bearer ") else ""
        if keys:
            if not any(hmac.compare_digest(token.encode(), k.encode()) for k in keys):
                raise HTTPException(401, "a valid API key is needed: send `Authorization: Bearer <key>` "
                                         "(keys are set with --api-key or REPORTBOT_API_KEYS)")
        elif page_login:
            raise HTTPException(401, "this server has a login (--auth) and no API keys, so the API is "
                                     "closed: start it with --api-key KEY (or REPORTBOT_API_KEYS)")

    @api.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail),
                      "authentication_error" if exc.status_code == 401 else "invalid_request_error")

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        return _error(400, f"the request body is not what this route takes ({where})")

    guarded = [Depends(check_key)]

    def ask(question: str, history, sources) -> Answer:
        try:
            return bot.ask(question, history or None, sources=sources or None)
        except (InputError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from exc
        except RuntimeError as exc:  # no index yet
            raise HTTPException(503, f"no reports are indexed yet ({exc}); add one with POST /api/reports") from exc

    def change(action, source: str) -> None:  # a change to one report; 404 if there is none
        try:
            action(source)
        except LibraryError as exc:
            raise HTTPException(404, str(exc)) from exc

    @api.get("/v1/models", dependencies=guarded, tags=["OpenAI-compatible"])
    def models():
        """The one model: reportbot answering from the library."""
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0,
                                            "owned_by": "reportbot"}]}

    @api.post("/v1/chat/completions", dependencies=guarded, tags=["OpenAI-compatible"])
    def chat_completions(body: ChatRequest):
        """An answer to the last user message, the messages before it as the chat so far.
        `stream: true` sends server-sent events as OpenAI does; the last event carries
        `reportbot.citations`."""
        try:
            question, history = _turns(body.messages)
        except InputError as exc:
            raise HTTPException(400, str(exc)) from exc
        sources = body.reportbot.sources if body.reportbot else None
        answer = ask(question, history, sources)  # verified before a word is sent
        made, cid = int(time.time()), f"chatcmpl-{uuid.uuid4().hex[:24]}"
        extension = {"found": answer.found, "question": answer.question,
                     "citations": [c.to_dict() for c in answer.citations]}
        content = answer_markdown(answer)
        if not body.stream:
            return {"id": cid, "object": "chat.completion", "created": made, "model": MODEL_ID,
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                    "reportbot": extension}

        def event(delta: dict, finish: str | None = None, **extra) -> str:
            chunk = {"id": cid, "object": "chat.completion.chunk", "created": made, "model": MODEL_ID,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

        def events():
            yield event({"role": "assistant", "content": ""})
            for piece in pieces(content):
                yield event({"content": piece})
            yield event({}, "stop", reportbot=extension)
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @api.post("/api/ask", dependencies=guarded, tags=["reports"])
    def api_ask(body: AskRequest):
        """The Answer object: text, found, question, citations."""
        return ask(body.question, body.history, body.sources).to_dict()

    @api.get("/api/reports", dependencies=guarded, tags=["reports"])
    def list_reports():
        """Every report with its state (indexed, queued, indexing, failed, needs_ocr …)."""
        return [r.to_dict() for r in library.reports()]

    @api.post("/api/reports", dependencies=guarded, tags=["reports"], status_code=202)
    async def upload(files: list[UploadFile] = File(..., description="PDF, TXT or MD files"),
                     replace: bool = Query(False, description="replace a report of the same name")):
        """Store the files in the corpus folder and index them in the background; watch
        GET /api/reports for their state."""
        limit_mb = bot.settings.max_file_mb
        got, oversize = [], []
        for f in files:  # a file over the limit is refused by its size, never read into memory
            if f.size and f.size > limit_mb * (1 << 20):
                oversize.append(Refused(f.filename or "", f"文件太大：{f.filename}，上限 {limit_mb:g} MB"
                                        f"（REPORTBOT_MAX_FILE_MB）。(The file is over the {limit_mb:g} MB limit.)"))
            else:
                got.append((f.filename or "", await f.read()))
        stored, refused = library.add(got, replace=replace)
        refused += oversize
        if not stored:
            raise HTTPException(400, "; ".join(r.reason for r in refused) or "no files were sent")
        return {"accepted": stored, "refused": [r.__dict__ for r in refused]}

    @api.delete("/api/reports/{source:path}", dependencies=guarded, tags=["reports"], status_code=202)
    def delete(source: str):
        """Take the report out of the library (its file is kept in the corpus's .deleted folder)."""
        change(library.remove, source)
        return {"removed": source}

    @api.post("/api/reports/{source:path}/reindex", dependencies=guarded, tags=["reports"], status_code=202)
    def reindex(source: str):
        """Read one report again."""
        change(library.reindex, source)
        return {"queued": source}

    @api.get("/api/tables", dependencies=guarded, tags=["reports"])
    def tables(source: str | None = Query(None, description="one report's tables (file name)")):
        """Every table as data: caption, source, section, page, column headers, rows."""
        try:
            found = bot.retriever.tables
        except RuntimeError as exc:
            raise HTTPException(503, str(exc)) from exc
        return [{"id": t.id, "source": t.source, "caption": t.caption, "section": t.section,
                 "page": t.page, "headers": [list(h) for h in t.headers], "columns": t.labels,
                 "rows": t.rows} for t in found if source in (None, t.source)]

    @api.get("/api/page", dependencies=guarded, tags=["reports"],
             responses={200: {"content": {"image/png": {}}}}, response_class=Response)
    def page_image(source: str, page: int = Query(..., ge=1)):
        """A PDF report's page as a PNG, to look at what a citation quotes."""
        try:
            path = library.path_of(source)
            return Response(page_png(path, page), media_type="image/png",
                            headers={"Cache-Control": "private, max-age=300"})
        except (LibraryError, RenderError) as exc:
            raise HTTPException(404, str(exc)) from exc

    return api

