"""Process settings for the one-shot mesh commands (`analyze`, `repair`), applied before numpy loads.

These commands start, work through a few hundred MB of arrays and exit, usually on a shared 2-core
machine. Two defaults meant for long-lived processes cost them time there:

- OpenBLAS starts a worker thread per core at import and those spin for a while: about 0.1 s of
  CPU stolen from the analysis on a busy 2-core machine, though the mesh code makes no large BLAS
  call. One thread is asked for (an explicit OPENBLAS_NUM_THREADS from the user wins).
- glibc hands freed memory back to the kernel (arrays above its mmap threshold are unmapped, the
  heap top is trimmed), so the next array of the same size is faulted in afresh, page by page. On
  VMs whose host reclaims freed guest memory a fresh page costs a host fault too. Raising the mmap
  threshold to its maximum (32 MiB) and the trim threshold to 1 GiB keeps freed arrays for reuse
  until exit: `printforge analyze` on a 1.3M-triangle STL takes 20k page faults instead of 27-35k.
  Not for the services: they are long-lived and should give memory back.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: glibc mallopt parameters (malloc.h) and the values set for a one-shot process.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
ALLOCATOR_SETTINGS = ((M_MMAP_THRESHOLD, 32 << 20), (M_TRIM_THRESHOLD, 1 << 30), (M_TOP_PAD, 64 << 20))


def prepare_one_shot_process() -> None:
    """Single-threaded BLAS if numpy is not loaded yet, and an allocator that keeps freed memory."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    keep_freed_memory()


def keep_freed_memory() -> bool:
    """Apply ALLOCATOR_SETTINGS through glibc's mallopt; False where there is no glibc (macOS, musl)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return all(mallopt(param, value) == 1 for param, value in ALLOCATOR_SETTINGS)
