"""The `assistant` command: the only package that prints or exits. One module per group of verbs, each
adding its own sub-commands (`add_parsers`); this module maps errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.cli import answers, app, corpus, drafts, evaluation
from assistant.errors import (
    AssistantError,
    DependencyMissingError,
    IndexMissingError,
    InvalidInputError,
    ModelError,
    SettingsError,
    StoreUnavailableError,
    WriterBusyError,
)

# Exit codes by kind of failure (README, "Command line"); the most specific class wins.
EXIT_CODES: dict[type[AssistantError], int] = {
    AssistantError: 1,
    InvalidInputError: 2,
    SettingsError: 2,
    IndexMissingError: 3,
    WriterBusyError: 4,
    StoreUnavailableError: 5,
    ModelError: 6,
    DependencyMissingError: 7,
}
INTERRUPTED = 130  # 128 + SIGINT, as shells report it
BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of our output went away


def exit_code(error: AssistantError) -> int:
    return next(EXIT_CODES[c] for c in type(error).__mro__ if c in EXIT_CODES)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--index", type=Path, help="index directory (default: $ASSISTANT_INDEX_DIR or index/)"
    )
    common.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    common.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Local, cited search over legislation, plans, reports and field notes "
        "(Spanish, French, English). Nothing leaves this machine.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (corpus, answers, app, drafts, evaluation):
        group.add_parsers(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError  # after parsing: `--help` does not load pydantic

    from assistant.settings import Settings

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    try:
        settings = Settings() if args.index is None else Settings(index_dir=args.index)  # type: ignore[call-arg]
    except ValidationError as exc:
        print(f"error: invalid setting: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return EXIT_CODES[SettingsError]
    try:
        return int(args.run(args, settings))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("interrupted; what was indexed before is unchanged", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`assistant docs --json | head`): stop quietly, like other Unix tools.
        # Point stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
