"""The app's JSON API, beside the Gradio UI on the same server: ask, ingest an uploaded file, list the
documents. The same rules as the UI: upload names are neutralised, sizes capped, errors are one clear
line; with a login configured (non-loopback host) every route asks for it (HTTP Basic)."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel

from assistant.contract import answer_json, listing_json, upload_json
from assistant.errors import (
    AssistantError,
    DocumentError,
    IndexMissingError,
    InvalidInputError,
    ModelError,
    StoreUnavailableError,
    WriterBusyError,
)
from assistant.types import Filters
from assistant.ui.uploads import safe_name

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index


# HTTP status by kind of failure; the most specific class wins, anything else is a 500.
HTTP_STATUS: dict[type[AssistantError], int] = {
    InvalidInputError: 400,
    DocumentError: 400,
    IndexMissingError: 404,
    WriterBusyError: 409,
    ModelError: 502,
    StoreUnavailableError: 503,
}


def http_error(error: AssistantError) -> HTTPException:
    """The error as an HTTP response: its status from HTTP_STATUS, its one-line message as detail."""
    status = next((HTTP_STATUS[c] for c in type(error).__mro__ if c in HTTP_STATUS), 500)
    return HTTPException(status, str(error))


class Question(BaseModel):
    # No length limit here: `ask` refuses a question over MAX_QUESTION_CHARS with the reason (a 400),
    # the same limit and message as the CLI and the app.
    question: str
    files: list[str] | None = None
    types: list[str] | None = None


def login_check(auth: tuple[str, str] | None) -> Any:
    """A FastAPI dependency: nothing on loopback, HTTP Basic with the app's login otherwise."""

    def check(request: Request) -> None:
        if auth is None:
            return
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:
            user, password = "", ""
        ok = scheme.lower() == "basic" and secrets.compare_digest(
            f"{user}:{password}", f"{auth[0]}:{auth[1]}"
        )
        if not ok:
            raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Basic"})

    return check


def add_api(api: FastAPI, index: Index, chat: BaseChatModel | None, auth: tuple[str, str] | None) -> None:
    from assistant.answer.ask import ask
    from assistant.search.situations import ingest_and_warm

    guard = [Depends(login_check(auth))]
    limit = index.settings.ui.max_upload_mb * 1_000_000

    @api.post("/api/ask", dependencies=guard)
    def ask_route(body: Question) -> dict[str, Any]:
        try:
            return answer_json(
                ask(index, body.question, chat=chat, filters=Filters.of(body.files, body.types))
            )
        except AssistantError as exc:
            raise http_error(exc) from exc

    @api.post("/api/ingest", dependencies=guard)
    async def ingest_route(request: Request, name: str) -> list[dict[str, Any]]:
        """The request body is the file; `name` its file name (any directory part is dropped)."""
        data = await request.body()
        if len(data) > limit:
            raise HTTPException(
                413, f"over the {limit // 1_000_000} MB limit; raise ASSISTANT_UI__MAX_UPLOAD_MB"
            )
        target = index.settings.index_dir / "uploads" / safe_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        from starlette.concurrency import run_in_threadpool

        try:
            reports = await run_in_threadpool(ingest_and_warm, index, [target], False)
        except AssistantError as exc:  # e.g. another process is writing the index: 409
            raise http_error(exc) from exc
        return [upload_json(r) for r in reports]

    @api.get("/api/documents", dependencies=guard)
    def documents() -> list[dict[str, Any]]:
        return [listing_json(d) for d in index.manifest.documents.values()]
