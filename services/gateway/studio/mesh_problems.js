// Where a mesh's printability problems are, found from its triangles alone, so the viewer
// can draw them on the model (the analyze report says how many, not where).
//
// Written by hand because no three.js addon reports edge use counts: corners are welded
// by position (a file's triangles rarely share indices), then each undirected edge is
// counted. An edge used once borders a hole (open edge), more than twice is non-manifold.

const OVERHANG_COS = Math.cos((45 * Math.PI) / 180);

// positions: Float32Array of triangle soup (9 floats per triangle), in model units (z up).
export function findProblems(positions) {
  const triangles = positions.length / 9;
  const { ids, points } = weld(positions);
  const uses = new Map();
  const vertexCount = points.length / 3;
  for (let t = 0; t < triangles; t++) {
    const a = ids[3 * t], b = ids[3 * t + 1], c = ids[3 * t + 2];
    if (a === b || b === c || a === c) continue; // degenerate: no real edge
    countEdge(uses, a, b, vertexCount);
    countEdge(uses, b, c, vertexCount);
    countEdge(uses, c, a, vertexCount);
  }
  const open = [];
  const nonManifold = [];
  for (const [key, count] of uses) {
    if (count === 2) continue;
    const a = Math.floor(key / vertexCount), b = key % vertexCount;
    const target = count === 1 ? open : nonManifold;
    target.push(points[3 * a], points[3 * a + 1], points[3 * a + 2], points[3 * b], points[3 * b + 1], points[3 * b + 2]);
  }
  return {
    triangles,
    openEdges: new Float32Array(open),
    nonManifoldEdges: new Float32Array(nonManifold),
    overhangFaces: overhangs(positions),
  };
}

function countEdge(uses, a, b, n) {
  const key = a < b ? a * n + b : b * n + a;
  uses.set(key, (uses.get(key) || 0) + 1);
}

// Corner → welded vertex id. Corners in one cell of a 2^16-per-axis grid over the bounding
// box are one vertex (a 200 mm part: cells of 3 µm); the cell index is a single number
// below 2^48, a far cheaper Map key than a string.
const GRID = 65536;

function weld(positions) {
  const box = bounds(positions);
  const scale = box.size.map((s) => (s > 0 ? (GRID - 1) / s : 0));
  const byKey = new Map();
  const ids = new Uint32Array(positions.length / 3);
  const points = [];
  for (let i = 0; i < ids.length; i++) {
    const x = positions[3 * i], y = positions[3 * i + 1], z = positions[3 * i + 2];
    const key =
      (Math.round((x - box.min[0]) * scale[0]) * GRID + Math.round((y - box.min[1]) * scale[1])) * GRID +
      Math.round((z - box.min[2]) * scale[2]);
    let id = byKey.get(key);
    if (id === undefined) {
      id = points.length / 3;
      byKey.set(key, id);
      points.push(x, y, z);
    }
    ids[i] = id;
  }
  return { ids, points: new Float32Array(points) };
}

// Per-triangle flag: 1 where the face points down steeper than 45° and does not rest on the
// bed (the lowest plane), which is what would need support.
function overhangs(positions) {
  const triangles = positions.length / 9;
  const flags = new Uint8Array(triangles);
  const floor = bounds(positions).min[2];
  const eps = 1e-6 * (Math.abs(floor) + 1);
  for (let t = 0; t < triangles; t++) {
    const p = positions.subarray(9 * t, 9 * t + 9);
    const ux = p[3] - p[0], uy = p[4] - p[1], uz = p[5] - p[2];
    const vx = p[6] - p[0], vy = p[7] - p[1], vz = p[8] - p[2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const length = Math.hypot(nx, ny, nz);
    if (length === 0) continue;
    const onBed = Math.max(p[2], p[5], p[8]) - floor < eps;
    if (nz / length < -OVERHANG_COS && !onBed) flags[t] = 1;
  }
  return flags;
}

export function bounds(positions) {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3) {
    for (let k = 0; k < 3; k++) {
      const v = positions[i + k];
      if (v < min[k]) min[k] = v;
      if (v > max[k]) max[k] = v;
    }
  }
  return { min, max, size: [max[0] - min[0], max[1] - min[1], max[2] - min[2]] };
}

// Thin-wall regions, when the analyze report carries them (print-prep fields): any array
// under a key naming "thin" whose items hold a point (center/position/point/location) or
// a box (min/max). Returns [[x, y, z], ...]; [] when the report has none.
export function thinWallPoints(report) {
  const found = [];
  const visit = (value, depth) => {
    if (!value || typeof value !== "object" || depth > 4) return;
    for (const [key, child] of Object.entries(value)) {
      if (/thin/i.test(key) && Array.isArray(child)) {
        for (const item of child) {
          const point = regionPoint(item);
          if (point) found.push(point);
        }
      } else {
        visit(child, depth + 1);
      }
    }
  };
  visit(report, 0);
  return found;
}

function regionPoint(item) {
  if (!item || typeof item !== "object") return null;
  for (const name of ["center", "centre", "position", "point", "location"]) {
    if (isPoint(item[name])) return item[name].map(Number);
  }
  if (isPoint(item.min) && isPoint(item.max)) return item.min.map((v, k) => (v + item.max[k]) / 2);
  return isPoint(item) ? item.map(Number) : null;
}

function isPoint(value) {
  return Array.isArray(value) && value.length === 3 && value.every((v) => Number.isFinite(Number(v)));
}
