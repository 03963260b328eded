"""wrk as the load generator of bench_gateway.py: closed-loop (as fast as it answers) and a fixed rate.

Closed loop: `connections` connections each send the next request as soon as the previous one is
answered. That finds the throughput ceiling; its latencies are queueing behind that ceiling, not
what a client sees at a given load.

Fixed rate (what "p99 at 1000 req/s" means): Debian's wrk has no `-R` (that is wrk2), so the Lua
`delay()` hook paces each connection to a schedule: connection i of n sends its k-th request at
`epoch + (i + k * n) / rate`, so together they offer `rate` requests a second, evenly spaced.
wrk's Lua hooks do not say which connection they run for, so each wrk thread gets exactly one
connection (`-t n -c n`) and keeps its own schedule. A request's latency is counted from its slot
(or from when it was sent, if that was earlier): a server that falls behind makes the following
requests late and those late starts count, so overload shows as latency instead of hiding in a
lower send rate ("coordinated omission"). The clock is CLOCK_MONOTONIC through LuaJIT's FFI.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

CLOSED_THREADS = 2
EPOCH_LEAD_US = 200_000
"""The fixed-rate schedule starts this long after wrk does, so every connection is open by then."""
TIMEOUT = "10s"

_ERRORS = ("connect", "read", "write", "status", "timeout")

# Both scripts: the Authorization header from the environment, and one JSON line from done().
_AUTH = """
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end
"""

_SUMMARY = """
local function summary_json(summary)
  local e = summary.errors
  return string.format(
    '"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, '
    .. '"timeout": %d', summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout)
end
"""

CLOSED_SCRIPT = (
    _AUTH
    + _SUMMARY
    + """
done = function(summary, latency, requests)
  io.write(string.format('BENCH_JSON {%s, "p50_us": %d, "p99_us": %d}\\n', summary_json(summary),
    latency:percentile(50), latency:percentile(99)))
end
"""
)

RATE_SCRIPT = (
    _AUTH
    + _SUMMARY
    + """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local EPOCH_LEAD_US = @EPOCH_LEAD_US@
local timespec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

-- Main state: number the threads (one connection each) and give them a common epoch.
-- (thread:set makes globals of the thread states: `index`, `epoch_us`.)
local threads = {}
local common_epoch_us = nil
function setup(thread)
  common_epoch_us = common_epoch_us or now_us() + EPOCH_LEAD_US  -- every connection is open by then
  thread:set("index", #threads)
  thread:set("epoch_us", common_epoch_us)
  table.insert(threads, thread)
end

-- Thread states: one connection's schedule and the latencies it saw.
local request_text, interval_us, next_slot_us, slot_us, sent_us
function init(args)
  local rate = tonumber(os.getenv("BENCH_RATE"))
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS"))
  interval_us = 1e6 * connections / rate
  next_slot_us = epoch_us + index * 1e6 / rate
  request_text = wrk.format()
  latencies_us = {}
end

-- wrk calls delay() as soon as a response is in, before the connection's next request: the
-- answer time of the request in flight, without a response() hook (which would make wrk build
-- a Lua table of every response's headers and body).
function delay()
  local now = now_us()
  if slot_us then
    latencies_us[#latencies_us + 1] = now - math.min(slot_us, sent_us)
    slot_us = nil
  end
  local wait_ms = (next_slot_us - now) / 1000
  if wait_ms < 1 then return 0 end
  return math.floor(wait_ms)
end

function request()
  slot_us, sent_us = next_slot_us, now_us()
  next_slot_us = next_slot_us + interval_us
  return request_text
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for _, value in ipairs(thread:get("latencies_us")) do all[#all + 1] = string.format("%.0f", value) end
  end
  io.write(string.format('BENCH_JSON {%s, "latencies_us": [%s]}\\n', summary_json(summary),
    table.concat(all, ",")))
end
""".replace("@EPOCH_LEAD_US@", str(EPOCH_LEAD_US))
)


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float

    def line(self) -> str:
        return f"{self.rps:.0f} req/s, p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"


def median_figures(runs: list[Figures]) -> Figures:
    return Figures(
        rps=statistics.median(f.rps for f in runs),
        p50_ms=statistics.median(f.p50_ms for f in runs),
        p99_ms=statistics.median(f.p99_ms for f in runs),
    )


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q <= 100) of already sorted values."""
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


@dataclass(frozen=True)
class WrkRun:
    """One wrk run's figures and the CPU seconds wrk itself spent (its share of the machine)."""

    figures: Figures
    cpu_s: float
    wall_s: float


class Wrk:
    """Runs wrk with the two scripts, written once into `workdir`."""

    def __init__(self, workdir: Path) -> None:
        self.closed_script = workdir / "closed.lua"
        self.rate_script = workdir / "rate.lua"
        self.closed_script.write_text(CLOSED_SCRIPT)
        self.rate_script.write_text(RATE_SCRIPT)

    def closed(self, url: str, authorization: str, connections: int, seconds: float) -> WrkRun:
        threads = min(CLOSED_THREADS, connections)
        data, run = self._run(url, authorization, threads, connections, seconds, self.closed_script, {})
        figures = Figures(
            rps=data["requests"] / (data["duration_us"] / 1e6),
            p50_ms=data["p50_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
        )
        return WrkRun(figures, *run)

    def fixed_rate(
        self, url: str, authorization: str, connections: int, seconds: float, rate: float
    ) -> WrkRun:
        extra = {"BENCH_RATE": str(rate), "BENCH_CONNECTIONS": str(connections)}
        data, run = self._run(url, authorization, connections, connections, seconds, self.rate_script, extra)
        latencies = sorted(data["latencies_us"])
        if not latencies:
            raise RuntimeError(f"wrk answered no request at {url}")
        figures = Figures(
            rps=len(latencies) / ((data["duration_us"] - EPOCH_LEAD_US) / 1e6),
            p50_ms=percentile(latencies, 50) / 1000,
            p99_ms=percentile(latencies, 99) / 1000,
        )
        return WrkRun(figures, *run)

    @staticmethod
    def _run(
        url: str,
        authorization: str,
        threads: int,
        connections: int,
        seconds: float,
        script: Path,
        extra_env: dict[str, str],
    ) -> tuple[dict, tuple[float, float]]:
        """wrk's JSON line and (CPU s, wall s); raises when any request failed (a broken benchmark)."""
        cmd = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            TIMEOUT,
            "-s",
            str(script),
            url,
        ]
        env = {**os.environ, "BENCH_AUTHORIZATION": authorization, **extra_env}
        before = os.times()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        after = os.times()
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}")
        # wrk is the only child reaped meanwhile: its CPU time is what the children's counters grew by.
        cpu_s = after.children_user + after.children_system - before.children_user - before.children_system
        out = done.stdout
        line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
        data = json.loads(line.removeprefix("BENCH_JSON "))
        errors = {k: data[k] for k in _ERRORS if data[k]}
        if errors:
            raise RuntimeError(f"wrk saw failed requests at {url}: {errors}\n{out[:2000]}")
        return data, (cpu_s, after.elapsed - before.elapsed)
