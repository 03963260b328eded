"""Print-prep: what a slicer would tell a maker before slicing, beyond the Meshy printability block.

One module per check, each a pure function of a welded mesh (vertices in mm, triangle faces):
`thin_walls` (walls and features thinner than the nozzle), `supports` (overhang area and support
volume for one build direction), `orientation` (the search for the direction that needs least
support), `slicer` (time, filament and grams from PrusaSlicer's own G-code). `raycast` is the one BVH
they share; `profiles` maps printer names to the slicer profiles in `profiles/`; `report` runs the
checks a request asks for and assembles the `print_prep` object of the analyze result.
"""
