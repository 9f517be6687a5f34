"""The new reference questions (evals/datasets/pool-*.jsonl) -> a train split and a sealed split.

train.jsonl is for tuning; sealed.jsonl is evaluated only at milestones and never tuned on (the README
counts its runs). Within each (language, type) stratum, questions are ordered by a hash of their id and
the first SEALED_SHARE of them (rounded up) are sealed, so the split is stable, balanced and does not
depend on the order of the files: adding questions moves none of the existing ones between splits
unless their stratum's count changes the rounding.

    python evals/split_datasets.py          # rewrite train.jsonl and sealed.jsonl
    python evals/split_datasets.py --check  # exit 1 if they are not what the pools give
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

DATASETS = Path(__file__).resolve().parent / "datasets"
SEALED_SHARE = 0.4
SALT = "sealed-2026-11-30"  # changing it reshuffles the split: never, once the sealed split has been run


def _key(question: dict[str, object]) -> str:
    return hashlib.sha256(f"{SALT}:{question['id']}".encode()).hexdigest()


def split(pools: list[Path]) -> tuple[list[str], list[str]]:
    """(train lines, sealed lines), each in pool-file order."""
    lines = [line for pool in pools for line in pool.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [json.loads(line) for line in lines]
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, q in enumerate(questions):
        strata[(str(q["lang"]), str(q.get("type", "")))].append(i)
    sealed: set[int] = set()
    for members in strata.values():
        ordered = sorted(members, key=lambda i: _key(questions[i]))
        sealed.update(ordered[: math.ceil(SEALED_SHARE * len(members))])
    train = [line for i, line in enumerate(lines) if i not in sealed]
    return train, [line for i, line in enumerate(lines) if i in sealed]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the split files are current")
    args = parser.parse_args()
    train, sealed = split(sorted(DATASETS.glob("pool-*.jsonl")))
    wanted = {"train.jsonl": train, "sealed.jsonl": sealed}
    for name, lines in wanted.items():
        text = "".join(f"{line}\n" for line in lines)
        path = DATASETS / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is not current; run python evals/split_datasets.py", file=sys.stderr)
                return 1
        else:
            path.write_text(text, encoding="utf-8")
    print(f"train {len(train)}, sealed {len(sealed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
