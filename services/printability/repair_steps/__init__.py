"""The repair pipeline's steps, one responsibility per module.

`services.printability.repair` runs them in this order and re-runs the cycle until the analyzer calls
the mesh healthy: `cleanup` (exact weld, collapsed and duplicate faces) -> `nonmanifold` (split fans
that share an edge or a vertex) -> `orient` (consistent winding) -> `degenerate` (collapse needles,
flip caps) -> `holes` (close every boundary loop) -> `orient` (outward per body). `volumetric` is the
fallback for surfaces too broken for local fixes (soups, sheets, huge gaps); `faithfulness` measures
how far the result moved from the input (`coplanar` tells it which created faces merely continue
a flat input face in its own plane). All steps work on a `WorkMesh`, which records for every
face the input face it came from, so faithfulness only has to measure what repair actually changed.
`quick` runs the first cycle with only the steps that can change the mesh, when the analysis of the
input proves the others are no-ops (a sound surface with holes, the common case).
"""
