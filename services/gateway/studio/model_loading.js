// Model bytes → one triangle soup (Float32Array, 9 floats per triangle, z up), whatever the
// format. The three.js loaders do the parsing; OFF, which three.js has no loader for, is a
// few lines of text and is read here.

import * as THREE from "./vendor/three.bundle.min.js";

export const FORMATS = ["stl", "obj", "ply", "off", "glb", "gltf", "3mf", "fbx"];
const Y_UP = new Set(["glb", "gltf", "fbx"]); // these formats are y-up by convention

export function formatOf(name) {
  const ext = (name.split(".").pop() || "").toLowerCase();
  return FORMATS.includes(ext) ? ext : null;
}

export async function loadTriangles(buffer, format) {
  const object = await parse(buffer, format);
  const soup = object.isBufferGeometry ? soupOf(object) : soupOfGroup(object);
  if (Y_UP.has(format)) yUpToZUp(soup);
  if (!soup.length) throw new Error(`the ${format.toUpperCase()} file holds no triangles`);
  return soup;
}

async function parse(buffer, format) {
  const text = () => new TextDecoder().decode(buffer);
  switch (format) {
    case "stl":
      return new THREE.STLLoader().parse(buffer);
    case "ply":
      return new THREE.PLYLoader().parse(buffer);
    case "obj":
      return new THREE.OBJLoader().parse(text());
    case "off":
      return parseOff(text());
    case "glb":
    case "gltf":
      return (await new THREE.GLTFLoader().parseAsync(buffer, "")).scene;
    case "3mf":
      return new THREE.ThreeMFLoader().parse(buffer);
    case "fbx":
      return new THREE.FBXLoader().parse(buffer, "");
    default:
      throw new Error(`cannot show ${format} files`);
  }
}

function soupOf(geometry) {
  const flat = geometry.index ? geometry.toNonIndexed() : geometry;
  return Float32Array.from(flat.getAttribute("position").array);
}

function soupOfGroup(group) {
  group.updateMatrixWorld(true);
  const parts = [];
  group.traverse((node) => {
    if (node.isMesh && node.geometry?.getAttribute("position")) {
      const geometry = node.geometry.clone().applyMatrix4(node.matrixWorld);
      parts.push(soupOf(geometry));
    }
  });
  const soup = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    soup.set(part, offset);
    offset += part.length;
  }
  return soup;
}

function yUpToZUp(soup) {
  for (let i = 0; i < soup.length; i += 3) {
    const y = soup[i + 1];
    soup[i + 1] = -soup[i + 2];
    soup[i + 2] = y;
  }
}

// OFF: "OFF", then "vertices faces edges", a vertex per line, then "n i0 i1 ..." per face
// line (anything after the n indices, such as a colour, is ignored).
function parseOff(text) {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
  let at = 0;
  if (/^C?N?OFF/.test(lines[0])) {
    const rest = lines[0].replace(/^C?N?OFF/, "").trim();
    if (rest) lines[0] = rest;
    else at = 1;
  }
  const [vertexCount, faceCount] = lines[at++].split(/\s+/).map(Number);
  if (!Number.isInteger(vertexCount) || !Number.isInteger(faceCount)) throw new Error("not an OFF file");
  const points = lines.slice(at, at + vertexCount).map((line) => line.split(/\s+/).slice(0, 3).map(Number));
  const soup = [];
  for (const line of lines.slice(at + vertexCount, at + vertexCount + faceCount)) {
    const numbers = line.split(/\s+/).map(Number);
    const corners = numbers.slice(1, 1 + numbers[0]);
    for (let k = 1; k + 1 < corners.length; k++) {
      for (const index of [corners[0], corners[k], corners[k + 1]]) {
        if (!points[index]) throw new Error(`OFF face refers to missing vertex ${index}`);
        soup.push(...points[index]);
      }
    }
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.Float32BufferAttribute(soup, 3));
  return geometry;
}

// A binary STL of a triangle soup (normals left zero: readers recompute them). For formats
// the analyze API cannot take as a data: URL, whose media type names no extension it reads.
export function binaryStl(soup) {
  const triangles = soup.length / 9;
  const view = new DataView(new ArrayBuffer(84 + 50 * triangles));
  view.setUint32(80, triangles, true);
  for (let t = 0; t < triangles; t++) {
    for (let k = 0; k < 9; k++) view.setFloat32(84 + 50 * t + 12 + 4 * k, soup[9 * t + k], true);
  }
  return view.buffer;
}
