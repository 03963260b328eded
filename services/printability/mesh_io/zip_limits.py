"""Limits on a zip archive (a 3MF package, an uploaded zip of a glTF and its buffers), checked
before anything in it is decompressed.

The sizes a zip's central directory declares bound what Python's zipfile will inflate (it stops at
a member's declared size and fails its CRC check past it), so summing them refuses a zip bomb
without inflating a byte. The service checks an upload with its model size limit when the task is
created; the worker checks again with the same rule before it reads the members.
"""

from __future__ import annotations

import io
import zipfile

from printforge_services.printability.mesh_io.loaded import MeshLoadError

#: Members allowed in one archive: a glTF with its buffers, or a 3MF with its parts, needs a handful.
MAX_MEMBERS = 1000


def open_checked(data: bytes, max_bytes: int, what: str) -> zipfile.ZipFile:
    """`data` as a ZipFile whose members number at most MAX_MEMBERS and inflate to <= `max_bytes`."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise MeshLoadError(f"{what} is not a valid zip archive: {exc}") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        archive.close()
        raise MeshLoadError(f"{what} holds {len(members)} files, more than the {MAX_MEMBERS} allowed")
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        archive.close()
        raise MeshLoadError(f"{what} decompresses to more than {max_bytes} bytes ({total} declared)")
    return archive
