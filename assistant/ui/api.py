"""The app's JSON API, beside the Gradio UI on the same server: ask, ingest an uploaded file, list the
documents. The same rules as the UI: upload names are neutralised, sizes capped, errors are one clear
line; with a login configured (non-loopback host) every route asks for it (HTTP Basic)."""

from __future__ import annotations

import base64
import secrets
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.index import Index


class Question(BaseModel):
    question: str = Field(max_length=20_000)
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
    from assistant.cli.answers import answer_json
    from assistant.ingest.pipeline import ingest_paths
    from assistant.retrieve import Filters
    from assistant.ui.app import safe_name

    guard = [Depends(login_check(auth))]
    limit = index.settings.ui.max_upload_mb * 1_000_000

    @api.post("/api/ask", dependencies=guard)
    def ask_route(body: Question) -> dict[str, Any]:
        filters = Filters(frozenset(body.files) if body.files else None,
                          frozenset(body.types) if body.types else None)  # fmt: skip
        try:
            return answer_json(ask(index, body.question, chat=chat, filters=filters))
        except AssistantError as exc:
            raise HTTPException(400, str(exc)) from exc

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
            reports = await run_in_threadpool(ingest_paths, index, [target], False)
        except AssistantError as exc:  # another process is writing the index
            raise HTTPException(409, str(exc)) from exc
        return [{"file": r.file, "status": r.status, "chunks": r.chunks, "error": r.error} for r in reports]

    @api.get("/api/documents", dependencies=guard)
    def documents() -> list[dict[str, Any]]:
        return [{"file": d.file, "title": d.title, "type": d.doc_type, "chunks": len(d.chunk_ids)}
                for d in index.manifest.documents.values()]  # fmt: skip
