// The parts of three.js the studio uses, bundled into one ES module (no import map, which a
// strict CSP would have to allow as an inline script).
export * from "three";
export { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
export { STLLoader } from "three/examples/jsm/loaders/STLLoader.js";
export { OBJLoader } from "three/examples/jsm/loaders/OBJLoader.js";
export { PLYLoader } from "three/examples/jsm/loaders/PLYLoader.js";
export { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
export { ThreeMFLoader } from "three/examples/jsm/loaders/3MFLoader.js";
export { FBXLoader } from "three/examples/jsm/loaders/FBXLoader.js";
export { mergeVertices } from "three/examples/jsm/utils/BufferGeometryUtils.js";
export { LineSegments2 } from "three/examples/jsm/lines/LineSegments2.js";
export { LineSegmentsGeometry } from "three/examples/jsm/lines/LineSegmentsGeometry.js";
export { LineMaterial } from "three/examples/jsm/lines/LineMaterial.js";
