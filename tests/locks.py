"""Another process holding an index's write lock, as a running `assistant ingest` does (for the tests of
WriterBusyError through the library, the CLI and the JSON API)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLDER = "process 4242"  # what the holder writes into the lock file: the error names it
_HOLD = (
    "import fcntl, sys, time; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX); "
    f"f.seek(0); f.truncate(); f.write({HOLDER!r}); f.flush(); print('held', flush=True); time.sleep(60)"
)


@contextmanager
def write_lock_held(index_dir: Path) -> Iterator[None]:
    """`<index_dir>/.write.lock` held by a child process until the block ends (then the child is killed,
    and the system releases the lock)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-c", _HOLD, str(index_dir / ".write.lock")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            yield
        finally:
            holder.kill()
