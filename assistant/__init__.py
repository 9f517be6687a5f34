"""Mission assistant: local, cited retrieval over sources on illegal mining and trafficking in Ecuador."""

import os

__version__ = "0.1.0"

# numpy's OpenBLAS keeps one busy-waiting thread per core for products as small as ours (a question
# vector against the situation lexicon's 8,022 descriptions); on these 2 cores they took the CPU from e5's
# own threads, and e5 embedding the question is most of a search: warm search p50 160 -> 82 ms, p95
# 213 -> 118 ms on the development questions. Set before numpy loads (the command, the app, `python -m`);
# a caller that loaded numpy first keeps its own setting.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
