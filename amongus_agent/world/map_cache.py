"""The disk cache of a map's derived tables (`world/derived.py`), keyed by the map file's bytes.

Building the tables needs numpy, OpenCV and SciPy, whose imports alone take half a second; a
one-game `simulate` should not pay that every run. So the tables are written once to the user's
cache folder (`$AMONGUS_CACHE_DIR`, else `$XDG_CACHE_HOME/amongus-agent`, else
`~/.cache/amongus-agent`) and read back on later runs.

The cache is never trusted blindly. An entry is used only when its magic, format, key (the map
file's SHA-256, the table format and the installs of the libraries that built it), every section's
size and a BLAKE2b digest of the whole entry all check out, and the tables agree with the map
(every graph node on the walkable area, zero distance from a node to itself, every cell's region one
of the map's; an edge index out of range is caught where it is read). Anything else
(a truncated write, a flipped bit, a file from another version, garbage) is rebuilt and replaced
atomically (write to a temporary file, then rename), so concurrent runs never read half an entry.
A cache folder that cannot be written only costs the rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from array import array
from pathlib import Path

from .derived import FORMAT, Derived, build, raster_size
from .schema import MapFile

MAGIC = b"AMONGUS-MAP-TABLES\n"
_DIGEST = 32
_MAX_HEADER = 1 << 16
_SECTIONS = (("mask", "B"), ("owner", "H"), ("regions", "B"), ("clearance", "B"), ("dist", "d"), ("pred", "i"))
_BUILDERS = ("numpy", "cv2", "scipy")


def cache_dir() -> Path:
    explicit = os.environ.get("AMONGUS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "amongus-agent"


def cache_key(file_sha256: str) -> str:
    """What the tables depend on: the map file, the table format, the builders' installs, byte order.

    A builder is named by its package's `__init__` file (path, size, modification time): found
    without importing it (`importlib.metadata` alone costs more than reading the cache), and any
    reinstall or upgrade changes it.
    """
    from importlib.util import find_spec

    builders = []
    for module in _BUILDERS:
        try:
            spec = find_spec(module)
            info = os.stat(spec.origin) if spec is not None and spec.origin else None
        except (ImportError, ValueError, OSError):
            info = None
        builders.append(f"{module}:{spec.origin}:{info.st_size}:{info.st_mtime_ns}" if info else f"{module}:?")
    return f"{file_sha256}|format={FORMAT}|{'|'.join(builders)}|{sys.byteorder}"


def load_derived(data: MapFile, file_sha256: str) -> Derived:
    """The map's tables from the cache when a valid entry is there, else built now and cached."""
    key = cache_key(file_sha256)
    # named by the whole key: installs that differ (two virtualenvs, two checkouts) keep their own
    # entries instead of rebuilding and overwriting one another's
    tag = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    path = cache_dir() / f"{data.name}-{file_sha256[:16]}-{tag}.tables"
    cached = read_entry(path, key, data)
    if cached is not None:
        return cached
    derived = build(data)
    write_entry(path, key, derived)
    return derived


def _expected_sizes(data: MapFile) -> dict[str, int]:
    w, h = raster_size(data)
    n = len(data.nodes)
    return {"mask": w * h, "owner": w * h, "regions": w * h, "clearance": w * h, "dist": n * n, "pred": n * n}


def read_entry(path: Path, key: str, data: MapFile) -> Derived | None:
    """A cached entry, or None when it is missing, unreadable or fails any check."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        return _parse(blob, key, data)
    except (ValueError, KeyError, TypeError, OverflowError, UnicodeDecodeError):
        return None


def _parse(blob: bytes, key: str, data: MapFile) -> Derived | None:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4 + _DIGEST:
        return None
    body, digest = blob[:-_DIGEST], blob[-_DIGEST:]
    if hashlib.blake2b(body, digest_size=_DIGEST).digest() != digest:
        return None
    at = len(MAGIC)
    head_len = int.from_bytes(body[at : at + 4], "little")
    if head_len > _MAX_HEADER:
        return None
    head = json.loads(body[at + 4 : at + 4 + head_len].decode("utf-8"))
    if not isinstance(head, dict) or head.get("key") != key:
        return None
    w, h = raster_size(data)
    if head.get("w") != w or head.get("h") != h:
        return None
    expected = _expected_sizes(data)
    at += 4 + head_len
    tables: dict[str, object] = {}
    for name, code in _SECTIONS:
        table = array(code)
        size = expected[name] * table.itemsize
        chunk = body[at : at + size]
        if len(chunk) != size:
            return None
        if code == "B":
            tables[name] = bytes(chunk)
        else:
            table.frombytes(chunk)
            tables[name] = table
        at += size
    if at != len(body):
        return None
    derived = Derived(w=w, h=h, **tables)  # type: ignore[arg-type]
    return derived if _consistent(derived, data) else None


def _consistent(d: Derived, data: MapFile) -> bool:
    """Cheap checks that the tables belong to this map (the digest already rules out damage)."""
    from .derived import RESOLUTION

    n = len(data.nodes)
    x0, y0 = data.bounds[0], data.bounds[1]
    if d.mask.translate(None, b"\x00\x01") or d.regions.translate(None, bytes(range(len(data.regions)))):
        return False
    for i, (x, y) in enumerate(data.nodes):
        col = int((x - x0) // RESOLUTION)
        row = d.h - 1 - int((y - y0) // RESOLUTION)
        if not (0 <= col < d.w and 0 <= row < d.h) or not d.mask[row * d.w + col]:
            return False
        if d.dist[i * n + i] != 0.0:
            return False
    return True


def write_entry(path: Path, key: str, d: Derived) -> bool:
    """Write an entry atomically; False (and no entry) when the folder cannot be written."""
    head = json.dumps({"key": key, "w": d.w, "h": d.h}).encode("utf-8")
    parts = [MAGIC, len(head).to_bytes(4, "little"), head]
    for name, _ in _SECTIONS:
        table = getattr(d, name)
        parts.append(table if isinstance(table, bytes) else table.tobytes())
    body = b"".join(parts)
    blob = body + hashlib.blake2b(body, digest_size=_DIGEST).digest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
