"""Planner-side words for the catalog starters: the nouns makers use and every option they have.

A starter's manifest says what it can do (`dividers_x`, `label_tab`, `drain_holes`) but not
how people ask for it ("with 2 dividers and a label tab", "7 drainage holes"). This table
says it, per starter id, so chat reaches each starter with all its options. Synonyms that the
catalog owner should eventually carry as `Template.aliases` live here meanwhile; ids that the
catalog does not (yet) have are simply unused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from printforge_services.generator.manifest import Param
from printforge_services.generator.planner import units

# Above every built-in family weight (12), so a starter named by its own noun wins.
STRONG = 13.0
GRIDFINITY_UNIT = 7.0
_N = r"(?P<n>\d+|" + "|".join(sorted(units.WORD_NUMBERS_SIMPLE, key=len, reverse=True)) + r")"

SYNONYMS: dict[str, tuple[str, ...]] = {
    "box_with_lid": (
        r"\b(?:box|container|case|tin)(?:es)? with (?:an? |the )?"
        r"(?:screw[- ]?(?:down|on)[- ]|screwed |bolted |removable |separate )?(?:lid|cover)s?\b",
        r"\blidded (?:box|container)(?:es)?\b",
        r"\bbox(?:es)? and (?:a )?lid\b",
    ),
    "plant_pot": (
        r"\bplanters?\b",
        r"\b(?:flower|plant|succulent|herb|cactus) ?pots?\b",
        r"\bpots? for (?:a |my )?(?:plants?|succulents?|flowers?|herbs?|cactus)\b",
    ),
    "gridfinity_bin": (r"\bgrid ?finity\b(?! ?base ?plate)",),
    "phone_stand": (
        r"\b(?:phone|tablet|smartphone|iphone|ipad|mobile)s? (?:stand|holder|dock|rest)s?\b",
        r"\b(?:stand|holder|dock|rest)s? for (?:a |an |the |my |your )?(?:[\w-]+ ){0,3}?"
        r"(?:phone|tablet|ipad|iphone|pixel|galaxy|smartphone)\b",
    ),
    "wall_hook": (
        r"\b(?:helmet|headphones?|headset|coat|bag|towel|backpack) (?:hook|hanger|holder)s?\b",
        r"\bhooks? for (?:a |an |my |the )?(?:[\w-]+ ){0,2}?"
        r"(?:helmet|headphones?|headset|coat|bag|towel)s?\b",
    ),
    "spool_holder": (
        r"\b(?:filament )?spool (?:holder|stand|mount|rack|hanger)s?\b",
        r"\b(?:holder|stand|mount)s? for (?:a |my )?(?:[\w-]+ ){0,2}?(?:spools?|filament)\b",
        r"\bfilament (?:holder|stand|rack)s?\b",
    ),
    "cable_clip": (
        r"\b(?:cable|wire|cord) (?:clips?|holders?|clamps?)\b",
        r"\bclips? for (?:a |my |the )?(?:[\w-]+ ){0,2}?(?:cables?|wires?|cords?)\b",
    ),
    "pegboard_hook": (r"\bpeg ?board\b",),
    "gopro_mount": (r"\bgo ?pro\b",),
    # A plain gear is the built-in family (any module or tooth count); a gear asked for with what
    # only the catalog's gear starter has (hub, set screw, D-bore) is that starter.
    "spur_gear": (
        r"\b(?:gears?|cog(?:wheel)?s?|pinions?)\b"
        r"(?=.*\b(?:hubs?|set ?screws?|grub ?screws?|d[- ]?(?:bore|shaft|flat))\b)",
    ),
    "snap_box": (r"\bsnap[- ]?(?:fit|on|lid)?[- ]?(?:box|case|container)(?:es)?\b",),
    "hinged_box": (r"\bhinged? (?:box|case)(?:es)?\b", r"\bbox(?:es)? with (?:a )?hinged? lid\b"),
    "shelf_bracket": (r"\bshelf (?:brackets?|supports?)\b",),
    "desk_grommet": (r"\b(?:desk |cable )?grommets?\b",),
    "fan_guard": (r"\bfan (?:guards?|grill(?:e)?s?|covers?|grates?|grids?)\b",),
    "lithophane_frame": (r"\blithophane (?:frames?|holders?|stands?|boxe?s?)\b",),
    "board_enclosure": (
        r"\b(?:case|enclosure|housing|box)(?:es)? for (?:a |an |my |the )?"
        r"(?:raspberry pi|rpi|arduino|pcb)\b",
        r"\b(?:raspberry pi|rpi|arduino|pcb)(?: \d+)?(?: model b)? (?:case|enclosure|housing|box)\b",
    ),
}


@dataclass(frozen=True)
class Option:
    """`pattern` found in the prompt sets `param`; `value` reads the match (a constant when not
    callable; None: the words name the param's default). With `param` None the words are context
    that does not change the shape, and `value` says so in the report."""

    pattern: str
    param: str | None
    value: Callable[[re.Match[str]], Any] | Any


def _words(name: str) -> str:
    """A param or option name as prompt words: 'set_screw' → 'set[ -]?screws?'."""
    words = [w for w in name.lower().split("_") if w not in ("x", "y")]
    return r"[ -]?".join(re.escape(w.removesuffix("s")) + "s?" for w in words)


def counted_param(name: str) -> str:
    """'N <words of the param name>' ('3 rows', '7 drain holes', '2 holes per leg', '3-finger')."""
    return rf"\b{_N}[ -]" + _words(name) + r"\b"


def generic_options(params: Sequence[Param]) -> list[Option]:
    """Options every starter has by the names of its params: 'no vents' / 'with a hub' for a
    boolean, an option's own words for a choice ('knurled', 'set screw', 'arduino uno'), 'N
    <name>' for a count. Metric sizes are read as threads elsewhere, and the `part` choice (box
    or lid) is the manifest's, never a prompt word's."""
    negative, positive, choices, counts = [], [], [], []
    for param in params:
        if param.type == "boolean":
            negative.append(
                Option(rf"\b(?:no|without(?: an?| the)?) {_words(param.name)}\b", param.name, False)
            )
            positive.append(Option(rf"\b{_words(param.name)}\b", param.name, True))
        elif param.type == "enum" and param.name != "part" and param.options:
            if all(isinstance(o, str) for o in param.options):
                if not str(param.options[0]).upper().startswith("M"):
                    named = _words(param.name)
                    choices += [
                        Option(rf"\b{_words(o)}(?: {named})?\b", param.name, o) for o in param.options
                    ]
            else:
                counts.append(Option(counted_param(param.name), param.name, _as_option(param.options)))
        elif param.type == "integer":
            counts.append(Option(counted_param(param.name), param.name, count))
    return [*counts, *negative, *positive, *choices]


def _as_option(choices: Sequence[Any]) -> Callable[[re.Match[str]], Any]:
    """A counted number as one of a numeric choice's options (3 → 3 or 3.0)."""

    def value(match: re.Match[str]) -> Any:
        n = count(match)
        return next((o for o in choices if o == n), n)

    return value


def count(match: re.Match[str]) -> int:
    word = match.group("n")
    return int(word) if word.isdigit() else units.WORD_NUMBERS_SIMPLE[word]


OPTIONS: dict[str, tuple[Option, ...]] = {
    "gridfinity_bin": (
        Option(rf"\b{_N} (?:dividers?|divisions?|separators?)\b", "dividers_x", count),
        Option(r"\b(?:a |one )?(?:divider|separator)\b", "dividers_x", 1),
        Option(rf"\b{_N} (?:compartments?|sections?|slots?)\b", "dividers_x", lambda m: max(0, count(m) - 1)),
        Option(r"\blabel(?:ling)?(?: (?:tab|shelf|ledge|lip)s?)?\b", "label_tab", True),
        Option(r"\bunits? (?:tall|high|deep)\b", "height_units", None),
        Option(
            r"\b(?P<mm>\d+(?:\.\d+)?) ?mm (?:high|tall|deep)\b",
            "height_units",
            lambda m: max(1, round(float(m.group("mm")) / GRIDFINITY_UNIT)),
        ),
        Option(r"\bbins?\b|\bstorage\b|\bcontainers?\b|\bgrid\b|\bcells?\b|\bboxe?s?\b", "grid_x", None),
        Option(r"\bno magnets?\b|\bwithout magnets?\b|\bmagnetless\b", "magnet_holes", False),
        Option(r"\bmagnets?(?: holes?)?\b", "magnet_holes", True),
        Option(r"\bscrew holes?\b", "screw_holes", True),
        Option(r"\bno (?:stacking )?lip\b|\bwithout (?:a |the )?(?:stacking )?lip\b", "stacking_lip", False),
    ),
    "plant_pot": (
        Option(rf"\b{_N} (?:drain(?:age)?|drainage) holes?\b", "drain_holes", count),
        Option(r"\bno drain(?:age)?(?: holes?)?\b|\bwithout drain(?:age)?(?: holes?)?\b", "drain_holes", 0),
        Option(r"\bdrain(?:age)?(?: holes?)?\b", "drain_holes", None),
        Option(r"\bno feet\b|\bwithout feet\b|\bflat bottom(?:ed)?\b", "feet", False),
        Option(r"\bfeet\b|\blegs\b", "feet", True),
    ),
    "knob": (
        Option(r"\bd[- ]?shafts?\b|\bshafts?\b", "shaft_diameter", None),
        Option(r"\bno pointer\b|\bwithout (?:a )?pointer\b", "pointer", False),
    ),
    "box_with_lid": (Option(r"\bscrew[- ]?(?:down|on)\b|\bscrewed\b|\bbolted\b", "screw", None),),
    "phone_stand": (
        Option(r"\bdesk(?:top)?\b|\bnightstand\b|\bbedside\b", None, "where it stands (shape unchanged)"),
        Option(r"\b(?:no|without (?:a )?)cable (?:notch|slot|hole|cutout)\b", "cable_notch", False),
        Option(
            r"\bcable (?:notch|slot|hole|cutout|pass[- ]?through)\b|\bcharging (?:cable|port)\b",
            "cable_notch",
            True,
        ),
    ),
    "wall_hook": (
        Option(r"\b(?P<mm>\d+(?:\.\d+)?) ?mm (?:of )?reach\b", "reach", lambda m: float(m["mm"])),
        Option(r"\breach(?: of)? (?P<mm>\d+(?:\.\d+)?) ?mm\b", "reach", lambda m: float(m["mm"])),
    ),
    "pegboard_hook": (
        Option(r"\b(?:metric|25 ?mm pitch)\b", "pitch", 25.0),
        Option(r"\b(?:imperial|1 ?(?:inch|in|\") pitch)\b", "pitch", 25.4),
    ),
}

# Role words whose starter param is not named after them ('120 mm wide' is a pot's top diameter).
# None drops a role ('height' is not a Gridfinity bin's height units).
ROLE_OVERRIDES: dict[str, dict[str, str | None]] = {
    "gridfinity_bin": {"height": None, "units": "height_units"},
    "plant_pot": {"width": "top_diameter", "size": "top_diameter", "od": "top_diameter"},
    "phone_stand": {"height": "back_height"},
    "spool_holder": {"width": "spool_width", "diameter": "spool_diameter"},
    "cable_clip": {"diameter": "cable_diameter", "size": "cable_diameter"},
    "wall_hook": {"length": "reach", "depth": "reach", "diameter": "screw_diameter"},
    "knob": {"bore": "shaft_diameter"},
    "spur_gear": {"thickness": "height", "width": "height", "id": "bore"},
}
# A length right before one of these nouns sizes that param ('for a 6 mm shaft', 'an 8 mm cable').
NOUNS: dict[str, tuple[tuple[str, str], ...]] = {
    "knob": ((r"(?:d[- ]?)?(?:shafts?|spindles?|pots?|potentiometers?)", "shaft_diameter"),),
    "cable_clip": ((r"(?:cables?|wires?|cords?)", "cable_diameter"),),
    "spur_gear": ((r"(?:d[- ]?)?(?:shafts?|bores?)", "bore"),),
    "spool_holder": ((r"(?:spools?)", "spool_diameter"), (r"(?:rods?|axles?)", "rod_diameter")),
    "wall_hook": ((r"(?:screws?)", "screw_diameter"),),
    "cable_organizer": ((r"(?:cables?|wires?|cords?)", "cable_diameter"),),
}
# The param a lone length is ('a cable clip for an 8 mm cable', 'a 30 mm knob').
BARE: dict[str, str] = {
    "cable_clip": "cable_diameter",
    "knob": "diameter",
    "plant_pot": "top_diameter",
    "pegboard_hook": "hook_length",
    "wall_hook": "reach",
    "spool_holder": "spool_diameter",
}
# Size groups ('100x60x40') read in this order of params.
GROUPS: dict[str, tuple[str, ...]] = {
    "box_with_lid": ("length", "width", "height"),
    "gridfinity_bin": ("grid_x", "grid_y", "height_units"),
    "gridfinity_baseplate": ("grid_x", "grid_y"),
    "hex_bit_holder": ("columns", "rows"),
}
