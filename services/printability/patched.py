"""The analysis of an analysed mesh with faces appended, without analysing the whole mesh again.

Repair's quick cycle only appends hole patches to the welded input: same vertex array, the input faces
unchanged and in order, new faces after them. Every number of the printability report is then the
input's (kept by `analyze.measure`) adjusted by the patches: edge counts change only at the few edges
the patches use, volume, area and overhang add up, and the bounding box and the single body stay.
That is the exact analysis of the patched mesh at the cost of the patches, where analysing it afresh
re-welds and re-sorts a million faces. When the patches do something this does not follow (a vertex
the input did not use, several bodies, input faces changed), `measure_patched` returns None and the
caller analyses the mesh from scratch.
"""

from __future__ import annotations

import math

import numpy as np

from printforge_services.printability import topology
from printforge_services.printability.analyze import OVERHANG_ANGLE_DEG, Measurement, report


def measure_patched(measured: Measurement, faces: np.ndarray) -> Measurement | None:
    """The measurement of `measured`'s welded mesh whose faces became `faces` (input faces + patches).

    `faces` must index `measured.vertices`, which must not have moved; returns None when `faces` does
    not start with `measured.faces` or when the shortcut does not apply (see the module docstring).
    """
    base, vertices, table = measured.faces, measured.vertices, measured.edges
    block = measured.block
    if base is None or vertices is None or table is None or table.direction is None:
        return None
    if measured.doubled_areas is None or block["extra"]["bodies"] != 1:
        return None
    m, n = len(base), len(vertices)
    if len(faces) < m or not _same_rows(faces[:m], base):
        return None
    added = np.ascontiguousarray(faces[m:], dtype=np.int64)
    if len(added) and (added.min() < 0 or added.max() >= n):
        return None
    if len(added) and measured.used is not None and not measured.used[added].all():
        return None  # the bounding box and the bodies could change
    corners = vertices[added]
    cx, cy, cz = topology.cross_columns(corners)
    norm = np.sqrt(cx * cx + cy * cy + cz * cz)
    collapsed = topology.collapsed_faces(added)
    metrics = dict(block["metrics"])
    extra = dict(block["extra"])
    diagonal = measured.diagonal
    metrics["degenerate_faces"] += int(np.count_nonzero(collapsed | topology.flat_faces(norm, diagonal)))
    a = corners[:, 0]
    volume_mm3 = measured.volume_mm3 + float((a[:, 0] * cx + a[:, 1] * cy + a[:, 2] * cz).sum()) / 6.0
    metrics["volume"] = volume_mm3 * 1e-9
    extra["surface_area_mm2"] += float(norm.sum()) / 2.0
    with np.errstate(invalid="ignore"):
        down = np.flatnonzero(cz < -math.sin(math.radians(OVERHANG_ANGLE_DEG)) * norm)
    on_bed = corners[down, :, 2].max(axis=1) == extra["bounding_box_mm"]["min"][2]
    extra["overhang_area_mm2"] += float(norm[down[~on_bed]].sum()) / 2.0
    boundary, non_manifold, inconsistent = _merged_edges(table, added[~collapsed], n)
    metrics["is_watertight"] = len(boundary) == 0
    metrics["non_manifold_edges"] = non_manifold
    metrics["holes"] = topology.boundary_loops(boundary)
    extra["inconsistent_winding_edges"] = inconsistent
    return Measurement(
        report(metrics, extra),
        vertices,
        faces,
        None,
        np.concatenate([measured.doubled_areas, norm]),
        diagonal,
        volume_mm3,
        measured.used,
    )


def _same_rows(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal arrays, compared block by block (no full-size boolean temporary)."""
    return all(np.array_equal(a[rows], b[rows]) for rows in topology.blocks(len(a)))


def _merged_edges(table: topology.EdgeTable, added: np.ndarray, n: int) -> tuple[np.ndarray, int, int]:
    """(boundary edges, non-manifold edge count, inconsistent edge count) of the table plus `added`.

    Only the edges the added faces use can change: their use counts add up, and an edge that ends up
    with exactly two uses is inconsistent when both run the same way (a use runs "forward" from its
    larger to its smaller vertex, as in `topology.edge_table`).
    """
    vertex_bits = max(1, int(n - 1).bit_length())
    old_keys = table.edges[:, 0] << vertex_bits
    old_keys |= table.edges[:, 1]
    a = added.ravel()
    b = added[:, [1, 2, 0]].ravel()
    keys = np.minimum(a, b) << vertex_bits
    keys |= np.maximum(a, b)
    order = np.argsort(keys, kind="stable")
    keys, forward = keys[order], (a > b)[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else order
    uses = np.diff(np.append(starts, len(keys)))
    touched = keys[starts]
    first_way, last_way = forward[starts], forward[starts + uses - 1]
    found = np.zeros(len(touched), dtype=bool)
    at = np.zeros(len(touched), dtype=np.int64)
    if len(old_keys):
        at = np.minimum(np.searchsorted(old_keys, touched), len(old_keys) - 1)
        found = old_keys[at] == touched
    old_uses = np.where(found, table.counts[at], 0) if len(old_keys) else np.zeros(len(touched), np.int64)
    total = old_uses + uses

    non_manifold = table.non_manifold_count - int(np.count_nonzero(old_uses >= 3))
    non_manifold += int(np.count_nonzero(total >= 3))
    both_new = (total == 2) & (old_uses == 0)
    inconsistent = int(np.count_nonzero(table.inconsistent))
    inconsistent += int(np.count_nonzero(both_new & (first_way == last_way)))
    if len(old_keys):
        inconsistent -= int(np.count_nonzero(found & table.inconsistent[at]))  # now used 3+ times
        one_each = (total == 2) & (old_uses == 1)
        inconsistent += int(np.count_nonzero(one_each & (table.direction[at] == first_way)))

    old_boundary = np.flatnonzero(table.counts == 1)
    still_open = old_boundary[~np.isin(old_boundary, at[found])]
    new_open = touched[total == 1]
    mask = (1 << vertex_bits) - 1
    boundary = np.concatenate(
        [table.edges[still_open], np.column_stack([new_open >> vertex_bits, new_open & mask])]
    )
    return boundary, non_manifold, inconsistent
