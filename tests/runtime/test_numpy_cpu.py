"""numpy_cpu: the Zen 4 sort workaround is set only where it applies, and names real numpy targets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from printforge.runtime import numpy_cpu

ZEN4_FLAGS = "fpu sse2 avx avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16"
ZEN3_FLAGS = "fpu sse2 avx avx2 fma bmi2"


def _cpuinfo(tmp_path: Path, vendor: str, family: int, flags: str) -> Path:
    block = f"processor\t: {{n}}\nvendor_id\t: {vendor}\ncpu family\t: {family}\nflags\t\t: {flags}\n"
    path = tmp_path / "cpuinfo"
    path.write_text(block.format(n=0) + "\n" + block.format(n=1))
    return path


def _run_fresh(code: str, cpuinfo: Path, env: dict[str, str]) -> str:
    """`code` in a new interpreter (numpy not yet loaded) after prefer_avx2_sort(cpuinfo)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from printforge.runtime.numpy_cpu import prefer_avx2_sort\n"
        f"print(prefer_avx2_sort(Path({str(cpuinfo)!r})))\n" + code
    )
    clean = {k: v for k, v in os.environ.items() if k != "NPY_DISABLE_CPU_FEATURES"}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


@pytest.mark.parametrize(
    ("vendor", "family", "flags", "expected"),
    [
        ("AuthenticAMD", 25, ZEN4_FLAGS, True),  # Zen 4
        ("AuthenticAMD", 25, ZEN3_FLAGS, False),  # Zen 3: same family, no AVX-512
        ("AuthenticAMD", 26, ZEN4_FLAGS, False),  # Zen 5 runs the AVX-512 sort well
        ("GenuineIntel", 6, ZEN4_FLAGS, False),  # Intel is what the AVX-512 sort was tuned on
    ],
)
def test_is_zen4(tmp_path: Path, vendor: str, family: int, flags: str, expected: bool) -> None:
    fields = numpy_cpu._first_processor(_cpuinfo(tmp_path, vendor, family, flags))
    assert numpy_cpu.is_zen4(fields) is expected


def test_missing_cpuinfo_is_not_zen4(tmp_path: Path) -> None:
    assert numpy_cpu.is_zen4(numpy_cpu._first_processor(tmp_path / "absent")) is False


def test_zen4_disables_the_avx512_targets_in_a_fresh_numpy(tmp_path: Path) -> None:
    """numpy imported afterwards accepts the names (no warning under -W error) and drops the targets."""
    cpuinfo = _cpuinfo(tmp_path, "AuthenticAMD", 25, ZEN4_FLAGS)
    out = _run_fresh(
        "import os, numpy\n"
        "from numpy._core._multiarray_umath import __cpu_dispatch__\n"
        "print(os.environ['NPY_DISABLE_CPU_FEATURES'])\n"
        "print(sorted(set(__cpu_dispatch__) & set(os.environ['NPY_DISABLE_CPU_FEATURES'].split())))\n",
        cpuinfo,
        {},
    )
    applied, value, known = out.splitlines()
    assert applied == "True"
    assert value.split() == list(numpy_cpu.AVX512_TARGETS)
    assert known == repr(sorted(numpy_cpu.AVX512_TARGETS))  # every name is one numpy dispatches


def test_the_users_choice_wins(tmp_path: Path) -> None:
    cpuinfo = _cpuinfo(tmp_path, "AuthenticAMD", 25, ZEN4_FLAGS)
    out = _run_fresh(
        "import os; print(os.environ['NPY_DISABLE_CPU_FEATURES'])\n",
        cpuinfo,
        {"NPY_DISABLE_CPU_FEATURES": "X86_V3"},
    )
    assert out.splitlines() == ["False", "X86_V3"]


def test_no_effect_once_numpy_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NPY_DISABLE_CPU_FEATURES", raising=False)
    assert np is sys.modules["numpy"]
    assert numpy_cpu.prefer_avx2_sort(_cpuinfo(tmp_path, "AuthenticAMD", 25, ZEN4_FLAGS)) is False
    assert "NPY_DISABLE_CPU_FEATURES" not in os.environ


def test_other_cpus_leave_numpy_alone(tmp_path: Path) -> None:
    out = _run_fresh(
        "import os; print(os.environ.get('NPY_DISABLE_CPU_FEATURES'))\n",
        _cpuinfo(tmp_path, "GenuineIntel", 6, ZEN4_FLAGS),
        {},
    )
    assert out.splitlines() == ["False", "None"]
