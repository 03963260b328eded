"""Chat latency (issue 5): prompt -> completed part through the gateway, as a Meshra client sees it.

For every prompt of ../shared/prompts/public.jsonl (a built-in list when absent) the bench POSTs
/api/v1/chat and then, with a real HTTP client, either reads the SSE stream
GET /api/v1/generations/:id/stream until its completed event (`--mode stream`, the default: the
server pushes the end) or polls GET /api/v1/generations/:id every `--poll-ms` (`--mode poll`, what
the seed's clients do, at 2-3 s), timing the wall clock from the POST to the event or poll that
says completed. A
second turn ("make it twice as tall", and any follow-up turn the prompt file carries) is timed
the same way and reported separately.

The peer, measured in the same run and interleaved with the service calls so machine load hits
both alike, is what `printforge chat PROMPT -o part.stl` does: the planner and the CadQuery
build in-process, then one STL export. A third, in-process line runs the worker's own job
(printforge_services.generator.jobs.plan_part: planner, build and all five exports) so the ratio can be
split into CAD work and the service path (task queue, worker hop, printability check, blobs,
polling or streaming).

Run: .venv/bin/python bench/bench_chat.py [--mode stream|poll] [--reps 3] [--poll-ms 50] [--followups 5]
Target: warm p50 <= 1.5 s prompt -> completed through the gateway. The mesh runs as real
processes on loopback (embedded SQLite, temp data dir) and shares the machine's cores with
this script, which also runs the peer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.integration.mesh import Mesh, start_mesh  # noqa: E402

PROMPTS_FILE = REPO.parent / "shared" / "prompts" / "public.jsonl"
TARGET_P50_S = 1.5
FOLLOW_UP = "make it twice as tall"
UNLIMITED = str(10**9)
# Used when the shared prompt file is absent: every family the issue names, several phrasings.
BUILTIN_PROMPTS = [
    ("box", "a 40x20x10 mm box"),
    ("box-hole", "A 40x20x10mm rectangular box with a 5mm through-hole centered on the top face"),
    ("open-box", "an open-top box 50x50x30 mm with 2 mm walls"),
    ("plate-holes", "A 60 x 40 x 5 mm mounting plate with four M3 clearance holes 5 mm from each corner"),
    ("nema17-plate", "NEMA 17 motor mount plate, 5 mm thick"),
    ("cylinder", "a cylinder 30 mm diameter and 50 mm tall"),
    ("tube", "tube with outer diameter 20mm, inner diameter 16mm, length 100mm"),
    ("l-bracket", "L bracket 50 mm wide with legs 40 mm and 30 mm long, 4 mm thick, with two 5 mm holes"),
    ("spur-gear", "spur gear, module 2, 20 teeth, 8 mm thick, 5 mm bore"),
    ("hex-bolt", "a hex bolt M8x40"),
    ("hex-nut", "M6 hex nut"),
    ("standoff", "M3 standoff, 10 mm tall, 6 mm outer diameter"),
    ("gridfinity", "a 2x3 gridfinity bin, 3 units tall"),
    ("washer", "M5 washer"),
    ("flange", "pipe flange with 80 mm outer diameter, 10 mm thick, 30 mm bore and 4 bolt holes of 8 mm"),
]


@dataclass(frozen=True)
class Prompt:
    id: str
    turns: tuple[str, ...]


@dataclass
class Sample:
    """One timed request: wall seconds, the family built, and the server's own view of it."""

    prompt_id: str
    family: str
    seconds: float
    server_s: float | None = None
    post_s: float | None = None
    polls: int = 0
    """GET requests (poll mode) or SSE events received (stream mode)."""


def load_prompts(path: Path) -> tuple[list[Prompt], str]:
    if not path.is_file():
        return [Prompt(pid, (text,)) for pid, text in BUILTIN_PROMPTS], "built-in list"
    prompts = []
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            prompts.append(Prompt(row["id"], tuple(row["turns"])))
    return prompts, str(path)


# --- the peer: what `printforge chat PROMPT -o part.stl` does, in-process --------------------
class Peer:
    """The CLI chain (interpret, refine, realise, one STL) and the worker job, both in-process."""

    def __init__(self, out_dir: Path) -> None:
        from printforge_cli.cmd_chat import write_shape
        from printforge_services.generator import jobs, planner

        self.planner, self.jobs, self.write_shape = planner, jobs, write_shape
        self.out = out_dir / "part.stl"

    def cli(self, prompt: str, tree: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        plan = self.planner.interpret(prompt) if tree is None else self.planner.refine(tree, prompt)
        result = self.planner.realise(plan)
        self.write_shape(result.shape, self.out)
        return result.tree["family"], result.tree

    def worker_job(self, prompt: str, tree: dict[str, Any] | None) -> str:
        return self.jobs.plan_part(prompt, tree)["template_id"]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


# --- the service path -----------------------------------------------------------------------
class ChatClient:
    """A Meshra client: POST /api/v1/chat, then stream the generation (SSE) or poll it every `poll_s`."""

    def __init__(
        self, mesh: Mesh, key: str, poll_s: float, mode: str = "stream", timeout_s: float = 120
    ) -> None:
        self.http = httpx.Client(
            base_url=mesh.url, headers={"Authorization": f"Bearer {key}"}, timeout=timeout_s
        )
        self.poll_s = poll_s
        self.mode = mode
        self.timeout_s = timeout_s

    def close(self) -> None:
        self.http.close()

    def chat(self, prompt_id: str, prompt: str, generation_id: str | None = None) -> tuple[Sample, dict]:
        """Time prompt -> completed; raises RuntimeError when the generation fails."""
        body: dict[str, Any] = {"prompt": prompt}
        if generation_id:
            body["generationId"] = generation_id
        start = time.perf_counter()
        reply = self.http.post("/api/v1/chat", json=body)
        post_s = time.perf_counter() - start
        if reply.status_code != 202:
            raise RuntimeError(f"POST /api/v1/chat {reply.status_code}: {reply.text}")
        gen_id = reply.json()["generationId"]
        wait = self._stream if self.mode == "stream" else self._poll
        gen, polls = wait(prompt_id, gen_id, start)
        seconds = time.perf_counter() - start
        if gen["status"] != "completed":
            raise RuntimeError(f"{prompt_id}: {gen['status']}: {gen.get('error')}")
        server_s = (_ms(gen["updatedAt"]) - _ms(gen["createdAt"])) / 1000
        sample = Sample(prompt_id, gen["templateId"], seconds, server_s, post_s, polls)
        return sample, gen

    def _poll(self, prompt_id: str, gen_id: str, start: float) -> tuple[dict, int]:
        polls = 0
        while True:
            got = self.http.get(f"/api/v1/generations/{gen_id}")
            polls += 1
            if got.status_code != 200:
                raise RuntimeError(f"GET generation {got.status_code}: {got.text}")
            gen = got.json()
            if gen["status"] != "processing":
                return gen, polls
            if time.perf_counter() - start > self.timeout_s:
                raise RuntimeError(f"{prompt_id}: still processing after {self.timeout_s} s")
            time.sleep(self.poll_s)

    def _stream(self, prompt_id: str, gen_id: str, start: float) -> tuple[dict, int]:
        """Read the SSE stream until a finished generation arrives (the server then ends it)."""
        events = 0
        event = "message"
        with self.http.stream("GET", f"/api/v1/generations/{gen_id}/stream") as got:
            if got.status_code != 200:
                raise RuntimeError(f"GET generation stream {got.status_code}: {got.read().decode()}")
            for line in got.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = json.loads(line.split(":", 1)[1])
                    events += 1
                    if event == "error":
                        raise RuntimeError(f"{prompt_id}: stream error {data}")
                    if data["status"] != "processing":
                        return data, events
        raise RuntimeError(f"{prompt_id}: the stream ended while still processing")


def _ms(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


# --- statistics and report ------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> str:
    return (
        f"p50 {1000 * statistics.median(values):.0f} ms, p95 {1000 * pct(values, 95):.0f} ms, "
        f"max {1000 * max(values):.0f} ms (n={len(values)})"
    )


def family_table(service: list[Sample], peer: list[Sample]) -> list[str]:
    by_fam: dict[str, list[float]] = defaultdict(list)
    peer_fam: dict[str, list[float]] = defaultdict(list)
    for s in service:
        by_fam[s.family].append(s.seconds)
    for s in peer:
        peer_fam[s.family].append(s.seconds)
    lines = [f"  {'family':<18} {'n':>3} {'gateway p50':>12} {'max':>8} {'peer p50':>9} {'ratio':>6}"]
    for fam in sorted(by_fam, key=lambda f: -statistics.median(by_fam[f])):
        ours = statistics.median(by_fam[fam])
        theirs = statistics.median(peer_fam[fam]) if peer_fam.get(fam) else float("nan")
        lines.append(
            f"  {fam:<18} {len(by_fam[fam]):>3} {1000 * ours:>9.0f} ms {1000 * max(by_fam[fam]):>5.0f} ms "
            f"{1000 * theirs:>6.0f} ms {ours / theirs:>6.1f}"
        )
    return lines


@dataclass
class Results:
    service: list[Sample]
    peer: list[Sample]
    job: list[Sample]
    follow_service: list[Sample]
    follow_peer: list[Sample]
    failures: list[str]


def report(res: Results, args: argparse.Namespace, source: str, n_prompts: int) -> None:
    print(
        f"prompts: {n_prompts} from {source}; {args.reps} rep(s); {_mode_text(args)}; "
        f"{args.workers} generator worker(s); warm-up {args.warmup} chat(s)"
    )
    for title, service, peer in (
        ("first turn", res.service, res.peer),
        ("follow-up turn", res.follow_service, res.follow_peer),
    ):
        if not service or not peer:
            print(f"\n{title}: no samples")
            continue
        ours = statistics.median(s.seconds for s in service)
        theirs = statistics.median(s.seconds for s in peer)
        print(f"\n== {title}: prompt -> completed ==")
        how = "stream GET .../stream (SSE)" if args.mode == "stream" else "poll GET"
        print(f"gateway POST /api/v1/chat + {how}: {summary([s.seconds for s in service])}")
        print(
            f"  of which server-side (updatedAt - createdAt): {summary([s.server_s or 0 for s in service])}"
        )
        print(f"  POST /api/v1/chat 202 reply: {summary([s.post_s or 0 for s in service])}")
        unit = "SSE events" if args.mode == "stream" else "polls"
        print(f"  {unit} per request: p50 {statistics.median(s.polls for s in service):.0f}")
        peer_s = summary([s.seconds for s in peer])
        print(f"peer: in-process planner + CadQuery build + STL (printforge chat): {peer_s}")
        if title == "first turn" and res.job:
            job_s = summary([s.seconds for s in res.job])
            print(f"stage: in-process worker job (planner + build + 5 exports): {job_s}")
        print(f"ratio gateway/peer p50: {ours / theirs:.1f}")
        verdict = "PASS" if ours <= TARGET_P50_S else "FAIL"
        print(f"target p50 <= {TARGET_P50_S:g} s: {verdict} ({ours:.3f} s)")
        print("per family (first turns):" if title == "first turn" else "per family (follow-ups):")
        for line in family_table(service, peer):
            print(line)
    if res.failures:
        print(f"\nfailures ({len(res.failures)}):")
        for line in res.failures:
            print(f"  {line}")


def _mode_text(args: argparse.Namespace) -> str:
    return "SSE stream" if args.mode == "stream" else f"poll every {args.poll_ms:g} ms"


# --- the run --------------------------------------------------------------------------------
def followup_plan(prompts: list[Prompt], peer: Peer, limit: int) -> dict[str, str]:
    """prompt id -> second turn: the file's own second turn, else FOLLOW_UP for the first
    `limit` prompts the planner can apply it to (checked in-process, which also warms the peer)."""
    plan: dict[str, str] = {}
    added = 0
    for p in prompts:
        if len(p.turns) > 1:
            plan[p.id] = p.turns[1]
            continue
        if added >= limit:
            continue
        try:
            _, tree = peer.cli(p.turns[0], None)
            peer.cli(FOLLOW_UP, tree)
        except Exception:  # the family has no height to double (sphere, washer, ...)
            continue
        plan[p.id] = FOLLOW_UP
        added += 1
    return plan


def run(args: argparse.Namespace) -> None:
    prompts, source = load_prompts(args.prompts)
    data_dir = Path(tempfile.mkdtemp(prefix="pf-bench-chat-"))
    peer = Peer(data_dir)
    follow = followup_plan(prompts, peer, args.followups)
    res = Results([], [], [], [], [], [])
    mesh = start_mesh(
        data_dir,
        {
            "PRINTFORGE_RATE_LIMIT_PER_MINUTE": UNLIMITED,
            "PRINTFORGE_CHAT_PER_DAY": UNLIMITED,
            "PRINTFORGE_WORKER_PROCESSES": str(args.workers),
            "PRINTFORGE_LOG_LEVEL": "WARNING",
        },
    )
    client = ChatClient(mesh, mesh.create_key("bench"), args.poll_ms / 1000, args.mode)
    try:
        for i in range(args.warmup):
            p = prompts[i % len(prompts)]
            _, gen = client.chat(p.id, p.turns[0])
            if i == 0 and p.id in follow:
                client.chat(p.id, follow[p.id], gen["generationId"])
            peer.cli(p.turns[0], None)
            peer.worker_job(p.turns[0], None)
        for _ in range(args.reps):
            for p in prompts:
                try:
                    sample, gen = client.chat(p.id, p.turns[0])
                except RuntimeError as exc:
                    res.failures.append(f"gateway {p.id}: {exc}")
                    continue
                res.service.append(sample)
                seconds, (family, tree) = timed(lambda p=p: peer.cli(p.turns[0], None))
                res.peer.append(Sample(p.id, family, seconds))
                seconds, family = timed(lambda p=p: peer.worker_job(p.turns[0], None))
                res.job.append(Sample(p.id, family, seconds))
                if p.id not in follow:
                    continue
                try:
                    sample, refined = client.chat(p.id, follow[p.id], gen["generationId"])
                except RuntimeError as exc:
                    res.failures.append(f"gateway {p.id} follow-up: {exc}")
                    continue
                if refined["version"] != 2:
                    res.failures.append(f"gateway {p.id} follow-up: version {refined['version']}, not 2")
                res.follow_service.append(sample)
                seconds, (family, _) = timed(lambda p=p, tree=tree: peer.cli(follow[p.id], tree))
                res.follow_peer.append(Sample(p.id, family, seconds))
    finally:
        client.close()
        mesh.stop()
    report(res, args, source, len(prompts))
    print(f"\nmesh data dir (logs): {data_dir}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Prompt -> completed part through the gateway (POST /api/v1/chat, then the SSE "
        "stream or polls of /api/v1/generations/:id) against the in-process `printforge chat` path; "
        "target p50 <= 1.5 s.",
    )
    parser.add_argument(
        "--mode",
        choices=("stream", "poll"),
        default="stream",
        help="wait for the part on GET .../stream (SSE, default) or by polling GET every --poll-ms",
    )
    parser.add_argument("--reps", type=int, default=3, help="passes over the prompt set (default 3)")
    parser.add_argument("--warmup", type=int, default=4, help="untimed chats first (default 4)")
    parser.add_argument(
        "--followups",
        type=int,
        default=5,
        help=f"prompts that also get a timed second turn {FOLLOW_UP!r} (default 5)",
    )
    parser.add_argument(
        "--poll-ms", type=float, default=50, help="GET poll interval in poll mode (default 50 ms)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="PRINTFORGE_WORKER_PROCESSES of the generator (default 2)"
    )
    parser.add_argument(
        "--prompts", type=Path, default=PROMPTS_FILE, help="JSONL of {id, turns} (default: the shared set)"
    )
    return parser.parse_args(argv)


def main() -> None:
    run(parse_args())


if __name__ == "__main__":
    main()
