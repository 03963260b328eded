"""Every mesh the generator hands out is checked by the printability service users call.

Calling PrintabilityService over gRPC (not importing its analyzer) keeps one source of
truth for "healthy": a generated part passes exactly the check a user's upload would.
STL and 3MF come from one tessellation (printforge_services.generator.export), so analysing the STL
covers both; when it is not healthy, both are repaired by RepairMesh and the repaired STL
is analysed again. The analysis recorded on the generation says what happened.
"""

from __future__ import annotations

import json
from typing import Any

import grpc

from printforge.printability.v1 import printability_pb2 as ppb
from printforge.printability.v1 import printability_pb2_grpc as ppb_grpc

HEALTHY = "healthy"
REPAIRED_FORMATS = ("stl", "3mf")


class PrintCheckError(RuntimeError):
    """The printability service could not check the part (unreachable, deadline, refused)."""


async def _call(method: Any, request: Any, timeout_s: float) -> Any:
    try:
        return await method(request, timeout=timeout_s)
    except grpc.aio.AioRpcError as exc:
        raise PrintCheckError(
            f"the printability check failed ({exc.code().name}): {exc.details() or 'no details'}"
        ) from None


async def ensure_printable(
    stub: ppb_grpc.PrintabilityServiceStub, files: dict[str, bytes], timeout_s: float
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """(files, analysis): files with STL/3MF repaired when the STL was not healthy.

    analysis = {"status", "printability": report of the STL handed out, "repaired": bool,
    and when repaired "before" (the first report) and "repair" (RepairMesh's report)}.
    """
    first = await _call(
        stub.AnalyzeMesh, ppb.AnalyzeMeshRequest(data=files["stl"], filename="part.stl", unit="mm"), timeout_s
    )
    report = json.loads(first.report_json)
    if report.get("status") == HEALTHY:
        return files, {"status": HEALTHY, "printability": report, "repaired": False}
    out = dict(files)
    repair_report: dict[str, Any] = {}
    for fmt in REPAIRED_FORMATS:
        if fmt not in files:
            continue
        fixed = await _call(
            stub.RepairMesh,
            ppb.RepairMeshRequest(data=files[fmt], filename=f"part.{fmt}", unit="mm"),
            timeout_s,
        )
        out[fmt] = fixed.data
        if fmt == "stl":
            repair_report = json.loads(fixed.report_json)
    after = json.loads(
        (
            await _call(
                stub.AnalyzeMesh,
                ppb.AnalyzeMeshRequest(data=out["stl"], filename="part.stl", unit="mm"),
                timeout_s,
            )
        ).report_json
    )
    return out, {
        "status": after.get("status", "unknown"),
        "printability": after,
        "repaired": True,
        "before": report,
        "repair": repair_report,
    }
