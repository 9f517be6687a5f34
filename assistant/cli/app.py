"""serve: the Gradio app over the index (the bundled corpus is ingested first when the index is empty)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from assistant.cli.common import open_index, print_reports

if TYPE_CHECKING:
    from assistant.settings import Settings


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "serve",
        parents=[common],
        help="open the app: chat with sources, documents, evaluation (http://127.0.0.1:7860)",
        description="Run the Gradio app. It binds to 127.0.0.1; another --host needs ASSISTANT_UI__USERNAME "
        "and ASSISTANT_UI__PASSWORD. Analytics are off.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.set_defaults(run=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.search.situations import ingest_and_warm
    from assistant.ui.app import serve

    index = open_index(settings)
    if not index.exists() and settings.corpus_dir.is_dir():
        print(f"Index {settings.index_dir} is empty: ingesting {settings.corpus_dir}/ (first run only).")
        print_reports(ingest_and_warm(index, [settings.corpus_dir], progress=True), as_json=False)
    serve(index, args.host, args.port)
    return 0
