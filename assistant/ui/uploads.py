"""Files a browser or an API client uploads -> safe copies under the index folder: plain file names
(no directory part, no unusual characters), sizes capped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

UPLOADABLE = (".pdf", ".md", ".txt", ".docx")  # PDFs, and field notes
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name with no directory part and no unusual characters ('../../x.pdf' -> 'x.pdf')."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .") or "document"
    return cleaned if Path(cleaned).suffix.lower() in UPLOADABLE else f"{cleaned}.pdf"


def store_uploads(paths: list[str], folder: Path, max_bytes: int) -> tuple[list[Path], list[str]]:
    """Copy uploaded files into `folder` under safe names; too large files are refused with a reason."""
    folder.mkdir(parents=True, exist_ok=True)
    kept: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        source = Path(raw)
        name = safe_name(source.name)  # Gradio keeps the uploaded file's own name in its temp path
        size = source.stat().st_size
        if size > max_bytes:
            errors.append(
                f"{name}: {size / 1e6:.0f} MB is over the {max_bytes / 1e6:.0f} MB limit; "
                "split it or raise ASSISTANT_UI__MAX_UPLOAD_MB"
            )
            continue
        target = folder / name
        shutil.copyfile(source, target)
        kept.append(target)
    return kept, errors
