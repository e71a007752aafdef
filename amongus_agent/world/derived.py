"""What a map file implies but does not say: the walkable raster and the all-pairs routes.

Built once per map file with numpy, OpenCV and SciPy (imported here, inside `build`, so that a
process that finds these tables in the disk cache never imports them), then held as flat `array`s
and `bytes` so that the simulator's per-tick questions ("can I stand here?", "can A see B?") cost
a few integer operations each, with no numpy call overhead.

Cells are RESOLUTION world units wide, row 0 at the top (`bounds` y1). Per cell:
- `mask`: 1 where a player can stand (inside a corridor of `corridor_half_width` around a walked edge);
- `owner`: 1 + the index of the edge whose corridor drew the cell (0 off the area), for routing;
- `regions`: the index of the region the cell belongs to (the nearest one for cells off every rectangle);
- `clearance`: floor of the distance, in cells, from the cell's centre to the nearest centre of a cell
  off the area (capped at 255). Line of sight uses it to skip samples that cannot meet a wall.
Per pair of graph nodes: `dist` (shortest walked distance) and `pred` (predecessor on that path).
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

from .schema import MapFile

RESOLUTION = 0.05  # raster cell size in world units
_SHIFT = 4  # cv2 sub-pixel bits
FORMAT = 2  # bump whenever `build` would give different tables for the same map file
MAX_EDGES = 65534  # `owner` holds 1 + an edge index in 16 bits
MAX_REGIONS = 255  # `regions` holds a region index in one byte


@dataclass(slots=True)
class Derived:
    w: int
    h: int
    mask: bytes
    owner: array  # 'H', w*h
    regions: bytes
    clearance: bytes
    dist: array  # 'd', n*n, row-major
    pred: array  # 'i', n*n, row-major; -9999 where there is no predecessor


def raster_size(data: MapFile) -> tuple[int, int]:
    x0, y0, x1, y1 = data.bounds
    return int(math.ceil((x1 - x0) / RESOLUTION)), int(math.ceil((y1 - y0) / RESOLUTION))


def build(data: MapFile) -> Derived:
    """Rasterise the corridors and regions and solve all-pairs shortest paths (about 50 ms for the Skeld)."""
    import cv2
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    x0, y0, _, _ = data.bounds
    w, h = raster_size(data)
    nodes = np.asarray(data.nodes, dtype=np.float64)
    edges = np.asarray(data.edges, dtype=np.int64).reshape(-1, 2)
    half_width = data.corridor_half_width

    px = np.empty_like(nodes)
    px[:, 0] = (nodes[:, 0] - x0) / RESOLUTION - 0.5  # pixel centres at integers; y grows downwards
    px[:, 1] = (h * RESOLUTION - (nodes[:, 1] - y0)) / RESOLUTION - 0.5
    scale = 1 << _SHIFT
    fixed = np.round(px * scale).astype(np.int64)
    thickness = max(1, int(round(2 * half_width / RESOLUTION)))
    mask = np.zeros((h, w), dtype=np.uint8)
    for a, b in edges:
        pa, pb = fixed[a], fixed[b]
        cv2.line(mask, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), 1, thickness, cv2.LINE_8, _SHIFT)
    radius = int(round(half_width / RESOLUTION * scale))
    for p in fixed:
        cv2.circle(mask, (int(p[0]), int(p[1])), radius, 1, -1, cv2.LINE_8, _SHIFT)
    # Which edge's corridor each cell lies in. A corridor (capsule) is convex, so from any point
    # in it both ends of its edge are in straight sight: routing needs no visibility search.
    owner = np.zeros((h, w), dtype=np.int32)
    for k, (a, b) in enumerate(edges):
        pa, pb = fixed[a], fixed[b]
        cv2.line(owner, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), k + 1, thickness, cv2.LINE_8, _SHIFT)

    regions = np.full((h, w), -1, dtype=np.int32)
    for idx in range(len(data.regions) - 1, -1, -1):  # first listed wins a shared edge
        for rx0, ry0, rx1, ry1 in data.regions[idx].rects:
            c0 = int(math.floor((rx0 - x0) / RESOLUTION))
            r1 = h - 1 - int(math.floor((ry0 - y0) / RESOLUTION))
            c1 = int(math.floor((rx1 - x0) / RESOLUTION))
            r0 = h - 1 - int(math.floor((ry1 - y0) / RESOLUTION))
            regions[max(r0, 0) : min(r1, h - 1) + 1, max(c0, 0) : min(c1, w - 1) + 1] = idx
    # Every point names a place: cells outside all rectangles take the nearest region.
    unlabelled = (regions < 0).astype(np.uint8)
    if unlabelled.any() and not unlabelled.all():
        _, labels = cv2.distanceTransformWithLabels(unlabelled, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
        seeds = unlabelled == 0
        lookup = np.zeros(labels.max() + 1, dtype=np.int32)
        lookup[labels[seeds]] = regions[seeds]
        regions = lookup[labels]
    regions = np.maximum(regions, 0)

    # exact Euclidean distance from each walkable cell's centre to the nearest blocked cell's centre
    clearance = cv2.distanceTransform(mask, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    clearance = np.minimum(np.floor(clearance), 255).astype(np.uint8)

    n = len(nodes)
    a, b = edges[:, 0], edges[:, 1]
    weight = np.maximum(np.hypot(*(nodes[a] - nodes[b]).T), 1e-9)  # csgraph drops explicit zeros
    matrix = csr_matrix((np.concatenate([weight, weight]), (np.concatenate([a, b]), np.concatenate([b, a]))),
                        shape=(n, n))
    dist, pred = shortest_path(matrix, method="D", directed=False, return_predecessors=True)
    return Derived(
        w=w, h=h,
        mask=mask.astype(np.uint8).tobytes(),
        owner=array("H", owner.astype(np.uint16).tobytes()),
        regions=regions.astype(np.uint8).tobytes(),
        clearance=clearance.tobytes(),
        dist=array("d", np.ascontiguousarray(dist, dtype=np.float64).tobytes()),
        pred=array("i", np.ascontiguousarray(pred, dtype=np.int32).tobytes()),
    )
