"""The `printability.print_prep` object in the OpenAPI document (docs/print-prep.md, printprep/report.py).

The printability service builds the object as JSON; these models only describe it, so a client
generated from /openapi.json gets its types. They allow extra keys, so a field the service adds
before this file learns of it still reaches the client instead of being dropped by the gateway's
response validation (tests/gateway/test_print_prep_schema.py checks that today's object has none).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Described(BaseModel):
    model_config = ConfigDict(extra="allow")


class BoundingBox(_Described):
    min: list[float]
    max: list[float]


class ThinRegion(_Described):
    min_thickness_mm: float
    faces: int
    area_mm2: float
    bounding_box_mm: BoundingBox


class ThinWalls(_Described):
    threshold_mm: float = Field(description="Walls thinner than this (the nozzle) are thin.")
    thin_faces: int
    thin_area_mm2: float
    min_thickness_mm: float | None = Field(description="Thinnest measured wall; null when none is thin.")
    regions_total: int
    regions: list[ThinRegion] = Field(description="The largest regions (at most 20).")
    unmeasured_faces: int = Field(description="Faces whose ray left an open mesh: not guessed.")
    method: str


class SupportEstimate(_Described):
    overhang_area_mm2: float
    support_volume_mm3: float
    contact_area_mm2: float = Field(description="Area of the faces lying on the build plate.")
    overhang_faces: int


class BestOrientation(SupportEstimate):
    down_vector: list[float] = Field(description="Model direction that goes down onto the plate.")
    rotation_matrix: list[list[float]]
    quaternion_wxyz: list[float]
    rotation_deg: float
    translation_mm: list[float] = Field(description="Applied after the rotation: sets the part on Z = 0.")
    size_mm: list[float]


class Overhangs(_Described):
    angle_deg: float
    current: SupportEstimate
    best: BestOrientation
    candidates: int = Field(description="Orientations compared.")
    method: str


class PrintEstimate(_Described):
    printer: str | None
    material: str
    slicer: str | None = Field(description="The slicer and version that produced the figures.")
    print_time_s: int | None
    print_time: str | None
    filament_mm: float | None
    filament_cm3: float | None
    filament_g: float | None
    reason: str | None = Field(description="Why there are no figures (no printer, no slicer, ...).")
    orientation: str = Field(description="`best` when auto_orient asked the slicer for it, else `current`.")


class PrintPrep(_Described):
    """What a slicer would tell you before you slice: thin walls, supports, orientation, estimate."""

    version: str = Field(alias="_version")
    nozzle_diameter_mm: float
    nozzle_source: str
    thin_walls: ThinWalls
    overhangs: Overhangs
    print_estimate: PrintEstimate
