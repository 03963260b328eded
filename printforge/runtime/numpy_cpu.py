"""Keep numpy off its AVX-512 sort on AMD Zen 4, where that sort is five times slower than AVX2.

numpy's `sort`/`argsort` dispatch to x86-simd-sort's AVX-512 kernels whenever the CPU has AVX-512.
On Zen 4 (AMD family 19h with AVX-512) those kernels store with `vpcompress*` to memory, which Zen 4
runs in microcode; AMD's own optimisation guide says to avoid it, the OpenJDK turned the same kernels
off for family 19h (openjdk/jdk#24053) and numpy's maintainers call it a known problem
(numpy/numpy#32690, numpy/x86-simd-sort#6). Measured on the 2-core Zen 4 machines this project
runs on, sorting 3.9M uint64 (the weld of a 1.3M-triangle STL): 0.24 s with AVX-512, 0.048 s with
AVX2; `printforge analyze` on that file 0.86 s -> 0.47 s.

numpy reads NPY_DISABLE_CPU_FEATURES once, when it is first imported, so `prefer_avx2_sort` must run
before that: the CLI calls it first thing, which covers every service (`printforge serve ...`) and
the worker processes they spawn (they inherit the environment). A value the user set always wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: numpy's names (2.4 and later) for its AVX-512 dispatch targets; the AVX2 target (X86_V3) stays.
AVX512_TARGETS = ("X86_V4", "AVX512_ICL", "AVX512_SPR")

_CPUINFO = Path("/proc/cpuinfo")


def prefer_avx2_sort(cpuinfo: Path = _CPUINFO) -> bool:
    """Disable numpy's AVX-512 targets on Zen 4, unless numpy is loaded or the user chose; True if set."""
    if "numpy" in sys.modules or "NPY_DISABLE_CPU_FEATURES" in os.environ:
        return False
    if not is_zen4(_first_processor(cpuinfo)):
        return False
    os.environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(AVX512_TARGETS)
    return True


def is_zen4(fields: dict[str, str]) -> bool:
    """Whether /proc/cpuinfo fields describe an AMD family 19h CPU with AVX-512 (Zen 3 has none)."""
    return (
        fields.get("vendor_id") == "AuthenticAMD"
        and fields.get("cpu family") == "25"
        and "avx512f" in fields.get("flags", "").split()
    )


def _first_processor(cpuinfo: Path) -> dict[str, str]:
    """`key: value` fields of the first processor block; empty where there is no such file."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields
