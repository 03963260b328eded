"""Our own rewordings of every public prompt kind, checked like the public set.

The held-back prompts are the public kinds worded differently, so each public case
has paraphrases here (other word order, units, synonyms, spelling, terse or chatty
phrasing) whose expected geometry was worked out by hand from the formula in each
line's `why` field, never by running the planner. `of` names the public case a line
rewords. A paraphrase failing means a parsing rule is too narrow; fix the rule, never
the one prompt.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.generator.planner.prompt_cases import load_cases, run_case

FIXTURE = Path(__file__).with_name("paraphrases.jsonl")
CASES = load_cases(FIXTURE)
PER_PUBLIC_CASE = 2


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_paraphrase(case: dict) -> None:
    run_case(case)


def test_fixture_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for case in CASES:
        assert case["turns"] and all(isinstance(t, str) and t for t in case["turns"]), case["id"]
        assert case["expect"] and case["why"], case["id"]


def test_every_public_case_is_paraphrased_not_copied(shared_dir: Path) -> None:
    public = load_cases(shared_dir / "prompts" / "public.jsonl")
    counts = Counter(c["of"] for c in CASES)
    missing = [p["id"] for p in public if counts[p["id"]] < PER_PUBLIC_CASE]
    assert not missing, f"public cases with fewer than {PER_PUBLIC_CASE} paraphrases: {missing}"
    public_turns = {_key(p["turns"]) for p in public}
    copied = [c["id"] for c in CASES if _key(c["turns"]) in public_turns]
    assert not copied, f"prompts copied from the public set: {copied}"
    public_lines = set((shared_dir / "prompts" / "public.jsonl").read_text(encoding="utf-8").splitlines())
    assert not public_lines & set(FIXTURE.read_text(encoding="utf-8").splitlines())


def _key(turns: list[str]) -> tuple[str, ...]:
    """A conversation with case and spacing ignored (a chat case may reuse a public first turn)."""
    return tuple(" ".join(t.lower().split()) for t in turns)
