// One interactive 3D view (three.js): the model with its problems drawn on it. Open edges
// are red lines, non-manifold edges orange, overhanging faces shaded, thin-wall regions
// marked with dots. What it draws is published on window.studio.scenes[name], so tests and
// curious users can read the scene's real data (segment counts, bounding box).

import * as THREE from "./vendor/three.bundle.min.js";
import { bounds, findProblems } from "./mesh_problems.js";

const BASE_COLOR = [0.78, 0.8, 0.84];
const OVERHANG_COLOR = [0.55, 0.35, 0.85];
export const COLORS = { open: 0xe0242b, nonManifold: 0xff8c00, thinWall: 0x0a84ff };

window.studio = window.studio || { scenes: {} };

export class Viewer {
  constructor(container, name) {
    this.name = name;
    this.container = container;
    this.loads = 0;
    this.partId = null; // which part is on view, as the caller names it (see keepView)
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", `${name} 3D view: drag to rotate, scroll to zoom, arrow keys to pan`);
    this.canvas.tabIndex = 0;
    container.append(this.canvas);
    try {
      this.renderer = new THREE.WebGLRenderer({ canvas: this.canvas, antialias: true, preserveDrawingBuffer: true });
    } catch {
      this.renderer = null; // no WebGL: the problems are still found and listed
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = "This browser has no WebGL, so the 3D view is off; the report still lists every problem.";
      container.append(note);
    }
    this.scene = new THREE.Scene();
    this.scene.background = new THREE.Color(0xf4f5f7);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x667788, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(1, 2, 3);
    this.scene.add(sun);
    this.camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1e6);
    this.model = new THREE.Group();
    this.model.rotation.x = -Math.PI / 2; // models are z up, three.js is y up
    this.scene.add(this.model);
    if (this.renderer) {
      this.controls = new THREE.OrbitControls(this.camera, this.canvas);
      this.controls.addEventListener("change", () => this.render());
      this.controls.listenToKeyEvents(this.canvas); // arrow keys pan once the view has focus
      new ResizeObserver(() => this.resize()).observe(container);
    }
    this.publish(null);
  }

  // Show `soup` (see model_loading.js); `thinWalls` are [[x, y, z], ...] from the report.
  // keepView keeps the direction the user turned the camera to (a new version of the same
  // part), while the model is framed again so it always fits.
  show(soup, thinWalls = [], { keepView = false } = {}) {
    this.clear();
    const problems = findProblems(soup);
    this.model.add(this.meshOf(soup, problems.overhangFaces));
    this.model.add(lines(problems.openEdges, COLORS.open));
    this.model.add(lines(problems.nonManifoldEdges, COLORS.nonManifold));
    const box = bounds(soup);
    const size = Math.max(...box.size) || 1;
    for (const point of thinWalls) this.model.add(marker(point, size * 0.02));
    this.fit(box, keepView && this.loads > 0);
    this.resize();
    this.loads += 1;
    this.publish({
      triangles: problems.triangles,
      openEdgeSegments: problems.openEdges.length / 6,
      nonManifoldEdgeSegments: problems.nonManifoldEdges.length / 6,
      overhangFaces: problems.overhangFaces.reduce((n, f) => n + f, 0),
      thinWallMarkers: thinWalls.length,
      bbox: box,
    });
    this.render();
    return window.studio.scenes[this.name];
  }

  // Show nothing (a model the view could not read), and say so on window.studio.
  empty() {
    this.clear();
    this.publish(null);
    this.render();
  }

  clear() {
    for (const child of [...this.model.children]) {
      this.model.remove(child);
      child.geometry?.dispose();
      child.material?.dispose();
    }
  }

  meshOf(soup, overhangFaces) {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.BufferAttribute(soup, 3));
    const colors = new Float32Array(soup.length);
    for (let t = 0; t < overhangFaces.length; t++) {
      const color = overhangFaces[t] ? OVERHANG_COLOR : BASE_COLOR;
      for (let k = 0; k < 3; k++) colors.set(color, 9 * t + 3 * k);
    }
    geometry.setAttribute("color", new THREE.BufferAttribute(colors, 3));
    geometry.computeVertexNormals();
    const material = new THREE.MeshLambertMaterial({
      vertexColors: true,
      side: THREE.DoubleSide,
      polygonOffset: true,
      polygonOffsetFactor: 1,
      polygonOffsetUnits: 1,
    });
    return new THREE.Mesh(geometry, material);
  }

  fit(box, keepDirection) {
    const center = new THREE.Vector3(...box.min.map((v, k) => (v + box.max[k]) / 2));
    this.model.position.set(0, 0, 0);
    this.model.updateMatrixWorld(true);
    center.applyMatrix4(this.model.matrixWorld);
    const radius = Math.max(Math.hypot(...box.size) / 2, 1e-6);
    const distance = radius / Math.sin((this.camera.fov * Math.PI) / 360);
    this.camera.near = distance / 100;
    this.camera.far = distance * 100;
    const direction = keepDirection
      ? this.camera.position.clone().sub(this.controls ? this.controls.target : center).normalize()
      : new THREE.Vector3(0.9, 0.7, 1.1).normalize();
    this.camera.position.copy(center).add(direction.multiplyScalar(distance));
    this.camera.updateProjectionMatrix();
    if (this.controls) {
      this.controls.target.copy(center);
      this.controls.update();
    }
  }

  resize() {
    if (!this.renderer) return;
    const width = this.container.clientWidth;
    if (!width) return; // hidden: the ResizeObserver calls again once shown
    const height = Math.max(200, Math.round(width * 0.75));
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.model.traverse((node) => node.material?.resolution?.set(width, height));
    this.render();
  }

  render() {
    if (this.renderer) this.renderer.render(this.scene, this.camera);
  }

  publish(stats) {
    window.studio.scenes[this.name] = { loads: this.loads, webgl: Boolean(this.renderer), ...(stats || {}) };
  }
}

const LINE_WIDTH_PX = 3;

// Problem edges as screen-space lines a few pixels wide (WebGL draws plain lines 1 px wide),
// drawn over the surface so a problem behind the model is still seen.
function lines(segments, color) {
  const geometry = new THREE.LineSegmentsGeometry();
  if (segments.length) geometry.setPositions(segments);
  const material = new THREE.LineMaterial({ color, linewidth: LINE_WIDTH_PX, depthTest: false });
  const object = new THREE.LineSegments2(geometry, material);
  object.renderOrder = 1;
  object.visible = segments.length > 0;
  return object;
}

function marker(point, radius) {
  const geometry = new THREE.SphereGeometry(radius, 12, 8);
  const material = new THREE.MeshBasicMaterial({ color: COLORS.thinWall, depthTest: false });
  const sphere = new THREE.Mesh(geometry, material);
  sphere.position.set(...point);
  sphere.renderOrder = 2;
  return sphere;
}
