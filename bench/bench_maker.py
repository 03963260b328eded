"""Maker benchmark (issue 13): requests written the way people write them, each with the checks that
make the part right, and a PNG gallery of what came out so a person can look.

Every line of bench/maker_prompts.jsonl is one request:
  {"id": ..., "prompt": ..., "expect": {...}, "why": ...}
with `expect` holding any of
  family         a family id or a list of acceptable ones ("starter:" prefixes are ignored)
  not_understood true: the planner must answer not_understood (never a part)
  params         {name: [lo, hi]} on the values the part was built with (manifest values)
  extents        [[lo, hi], [lo, hi], [lo, hi]] on the bounding box extents, smallest first (mm)
  approximated   a word that must be named as an approximation
Every built part must also be one watertight body. The planner runs in-process (rules only: the
optional language model is not consulted, so the bench measures the offline path).

Each part is rendered with the project's GPU-free thumbnail renderer (export.png_bytes, i.e.
printforge.runtime.mesh_preview) to docs/gallery/<id>.png, and docs/gallery/README.md lists every
request with its verdict. A failing request whose expected family is not in this catalog is marked
as waiting for that family (starters another branch adds).

Run: PYTHONPATH=$PWD .venv/bin/python bench/bench_maker.py [--only ID ...] [--no-render]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = ROOT / "bench" / "maker_prompts.jsonl"
GALLERY = ROOT / "docs" / "gallery"
THUMBNAIL = 200


@dataclass
class Outcome:
    case: dict[str, Any]
    passed: bool = False
    family: str = ""
    extents: tuple[float, ...] = ()
    problems: list[str] = field(default_factory=list)
    answer: str = ""
    image: str | None = None
    waiting_for: list[str] = field(default_factory=list)
    seconds: float = 0.0


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _families(expect: dict[str, Any]) -> list[str]:
    wanted = expect.get("family")
    return [] if wanted is None else [wanted] if isinstance(wanted, str) else list(wanted)


def run_case(case: dict[str, Any], render: bool) -> Outcome:
    from printforge_services.generator import export
    from printforge_services.generator.planner import NotUnderstoodError, interpret, realise
    from printforge_services.generator.planner.families import all_families

    out = Outcome(case)
    expect = case["expect"]
    start = time.perf_counter()
    try:
        result = realise(interpret(case["prompt"]))
    except NotUnderstoodError as exc:
        out.answer = f"not understood: {exc}"
        out.passed = bool(expect.get("not_understood"))
        if not out.passed:
            out.problems.append("answered not_understood")
        out.seconds = time.perf_counter() - start
        _waiting(out, all_families())
        return out
    except Exception as exc:  # a bench records every failure and goes on
        out.problems.append(f"{type(exc).__name__}: {exc}")
        out.seconds = time.perf_counter() - start
        _waiting(out, all_families())
        return out
    out.seconds = time.perf_counter() - start
    out.family = result.tree["family"]
    if expect.get("not_understood"):
        out.problems.append(f"made a {out.family} instead of saying not_understood")
    families = _families(expect)
    if families and out.family.removeprefix("starter:") not in [f.removeprefix("starter:") for f in families]:
        out.problems.append(f"family {out.family}, expected {' or '.join(families)}")
    for name, (lo, hi) in expect.get("params", {}).items():
        value = result.values.get(name)
        if not isinstance(value, int | float) or not lo <= value <= hi:
            out.problems.append(f"{name} = {value!r}, expected {lo}..{hi}")
    box = result.shape.BoundingBox()
    out.extents = tuple(sorted(round(v, 1) for v in (box.xlen, box.ylen, box.zlen)))
    for axis, (value, (lo, hi)) in enumerate(zip(out.extents, expect.get("extents", []), strict=False)):
        if not lo <= value <= hi:
            out.problems.append(f"extent {axis + 1} = {value:g} mm, expected {lo}..{hi}")
    word = expect.get("approximated")
    if word and not any(word in line for line in result.report.approximated):
        out.problems.append(f"'{word}' not named as an approximation")
    mesh = export.tessellate(result.shape)
    out.problems.extend(_body_problems(mesh))
    if render:
        GALLERY.mkdir(parents=True, exist_ok=True)
        (GALLERY / f"{case['id']}.png").write_bytes(export.png_bytes(mesh, size=THUMBNAIL))
        out.image = f"{case['id']}.png"
    out.answer = f"{result.report.title}, {' x '.join(f'{v:g}' for v in out.extents)} mm"
    out.passed = not out.problems
    _waiting(out, all_families())
    return out


def _body_problems(mesh: Any) -> list[str]:
    import trimesh

    tm = trimesh.Trimesh(mesh.vertices, mesh.faces, process=True)
    problems = []
    if not tm.is_watertight:
        problems.append("mesh is not watertight")
    bodies = len(tm.split(only_watertight=False))
    if bodies != 1:
        problems.append(f"{bodies} bodies")
    return problems


def _waiting(out: Outcome, known: dict[str, Any]) -> None:
    """Expected families this catalog does not have yet (added by another branch)."""
    if out.passed:
        return
    names = {n.removeprefix("starter:") for n in known}
    out.waiting_for = [f for f in _families(out.case["expect"]) if f.removeprefix("starter:") not in names]


def write_index(outcomes: list[Outcome]) -> None:
    passed = sum(o.passed for o in outcomes)
    lines = [
        "# Maker benchmark gallery",
        "",
        "Generated by `bench/bench_maker.py` from `bench/maker_prompts.jsonl`: requests written the way",
        "makers write them, the part the offline planner made for each (rendered with the project's",
        "GPU-free thumbnail renderer) and whether it passed its checks. Regenerate with",
        "`PYTHONPATH=$PWD .venv/bin/python bench/bench_maker.py`.",
        "",
        f"**{passed} / {len(outcomes)} pass.**",
        "",
        "| | id | prompt | result | verdict |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        image = f"![{o.case['id']}]({o.image})" if o.image else ""
        if o.passed:
            verdict = "pass"
        elif o.waiting_for:
            verdict = f"fail (needs {', '.join(o.waiting_for)})"
        else:
            verdict = "fail: " + "; ".join(o.problems)
        answer = o.answer.replace("|", "/")[:160]
        prompt = o.case["prompt"].replace("|", "/")
        lines.append(f"| {image} | `{o.case['id']}` | {prompt} | {answer} | {verdict.replace('|', '/')} |")
    (GALLERY / "README.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="run only these ids")
    parser.add_argument("--no-render", action="store_true", help="skip the PNG gallery")
    args = parser.parse_args(argv)
    cases = load(PROMPTS)
    if args.only:
        cases = [c for c in cases if c["id"] in set(args.only)]
    outcomes = []
    for case in cases:
        outcome = run_case(case, render=not args.no_render)
        outcomes.append(outcome)
        mark = "PASS" if outcome.passed else "FAIL"
        detail = "" if outcome.passed else "  <- " + "; ".join(outcome.problems or ["?"])
        print(f"{mark} {case['id']:<34} {outcome.seconds:5.2f} s  {outcome.answer[:70]}{detail}", flush=True)
    passed = sum(o.passed for o in outcomes)
    waiting = [o for o in outcomes if not o.passed and o.waiting_for]
    print(f"\n{passed} / {len(outcomes)} maker requests pass")
    if waiting:
        print(f"{len(waiting)} failing request(s) wait for families this catalog does not have:")
        for o in waiting:
            print(f"  {o.case['id']}: {', '.join(o.waiting_for)}")
    if not args.no_render and not args.only:
        write_index(outcomes)
        print(f"gallery: {GALLERY / 'README.md'}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
