"""Cables a clip or organizer grips: outside diameter of the jacket."""

from __future__ import annotations

from printforge_services.generator.objects import MakerObject


def _cable(id_: str, title: str, aliases: tuple[str, ...], diameter: float, source: str) -> MakerObject:
    return MakerObject(id_, title, aliases, (diameter, diameter, 1000.0), source, {"diameter": diameter})


OBJECTS = (
    # USB-C charging cable: 3.5-4.5 mm jacket (Apple USB-C cable measures 4.0 mm). Source: USB-IF
    # cable spec leaves OD free; measured Apple and Anker cables.
    _cable(
        "usb_c_cable",
        "usb-c cable",
        ("usb c cable", "usb cable", "charging cable", "charger cable", "usb-c", "phone cable", "charger"),
        4.0,
        "measured Apple / Anker USB-C cables",
    ),
    # HDMI cable: 7-8 mm for a standard cable. Source: HDMI high speed cable datasheets (7.3 mm).
    _cable("hdmi_cable", "hdmi cable", ("hdmi",), 7.5, "HDMI high speed cable datasheets"),
    # Cat6 Ethernet patch cable: ~6.0 mm (Cat5e ~5.2 mm). Source: ANSI/TIA-568 patch cable datasheets.
    _cable(
        "ethernet_cable",
        "ethernet cable",
        ("network cable", "cat6 cable", "cat6", "lan cable", "cat5"),
        6.0,
        "ANSI/TIA-568 Cat6 patch cable datasheets",
    ),
    # Mains power cord H05VV-F 3G0.75: 6.2 mm nominal. Source: IEC 60227-5 / HD 21.5 tables.
    _cable(
        "power_cord",
        "power cord",
        ("power cable", "mains cable", "lamp cord", "extension cord"),
        6.2,
        "IEC 60227-5 H05VV-F 3G0.75",
    ),
    # 3D printer / hobby wire, 22 AWG hook-up: 1.6 mm with insulation. Source: UL 1007 datasheets.
    _cable(
        "hookup_wire",
        "hookup wire",
        ("hook-up wire", "22awg wire", "thin wire"),
        1.6,
        "UL 1007 22 AWG datasheets",
    ),
)
