"""The repair pipeline's steps, one responsibility per module.

`printforge_services.printability.repair` runs them in this order and re-runs the cycle until the
analyzer calls the mesh healthy: `cleanup` (exact weld, collapsed and duplicate faces) ->
`nonmanifold` (split fans that share an edge or a vertex) -> `orient` (consistent winding) ->
`degenerate` (collapse needles, flip caps) -> `holes` (close every boundary loop; `min_area`
triangulates the rims) -> `orient` (outward per body) -> `sheets` (zero-volume bodies become
`shell`s of a minimum wall behind their faces). When the patches invent too much surface, a second
attempt shells every open body instead of filling it (`sheets.shell_open_bodies`); `volumetric` is
the last resort for surfaces too broken for either. `faithfulness` measures how far the result moved
from the input (`coplanar` tells it which created faces merely continue a flat input face in its own
plane). All steps work on a `WorkMesh`, which records for every face the input face it came from, so
faithfulness only has to measure what repair actually changed. `quick` runs the first cycle with
only the steps that can change the mesh, when the analysis of the input proves the others are no-ops
(a sound surface with holes, the common case)."""
