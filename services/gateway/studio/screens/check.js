// Check a print: drop a model (or paste a URL) → analyze task with upload and task progress
// → the model in 3D with its problems drawn on it and the report beside it → Repair →
// before/after views and a download of the repaired file.

import { ApiError, fetchBytes, postJsonWithProgress } from "../api.js";
import { dropZone, formatBytes, h, messageLine, progressBar } from "../dom.js";
import { thinWallPoints } from "../mesh_problems.js";
import { FORMATS, binaryStl, formatOf, loadTriangles } from "../model_loading.js";
import { followStream } from "../sse.js";
import { Viewer } from "../viewer.js";

const MEDIA_TYPES = {
  stl: "model/stl",
  obj: "model/obj",
  ply: "application/ply",
  glb: "model/gltf-binary",
  gltf: "model/gltf+json",
  "3mf": "model/3mf",
};
const REPAIRABLE = new Set(["stl", "obj", "glb"]); // what the repair task writes back
const UNITS = ["mm", "cm", "m", "in"];

export function mount() {
  const fileInput = h("input", { type: "file", id: "model-file", accept: FORMATS.map((f) => `.${f}`).join(",") });
  const urlInput = h("input", { type: "url", id: "model-url", placeholder: "https://…/part.stl" });
  const unit = h("select", { id: "unit" }, UNITS.map((u) => h("option", { value: u }, u)));
  const progress = progressBar("Analysis progress");
  const message = messageLine();
  const report = h("div", { class: "report", id: "analysis-report", "aria-live": "polite" });
  const repairButton = h("button", { type: "button", id: "repair", disabled: true }, "Repair");
  const repairProgress = progressBar("Repair progress");
  const repairMessage = messageLine();
  const repairReport = h("div", { class: "report", id: "repair-report" });
  const key = legend();
  const beforeBox = h("div", { class: "viewer" });
  const afterBox = h("div", { class: "viewer" });
  const afterFigure = h("figure", { hidden: true }, afterBox, h("figcaption", {}, "After repair"));
  const results = h(
    "div",
    { class: "results", hidden: true },
    h("div", { class: "views" }, h("figure", {}, beforeBox, h("figcaption", {}, "Your model")), afterFigure),
    h("div", { class: "side" }, report, key.element, repairButton, repairProgress.element, repairMessage.element, repairReport),
  );
  const section = h(
    "section",
    { "data-screen": "check", "data-title": "Check a print", "aria-labelledby": "check-title" },
    h("h2", { id: "check-title" }, "Check a print"),
    h(
      "div",
      { class: "card inputs" },
      dropZone(fileInput, `Drop a model here or choose a file (${FORMATS.join(", ").toUpperCase()})`, (file) =>
        analyzeFile(file),
      ),
      h(
        "form",
        { class: "row", onsubmit: (event) => (event.preventDefault(), analyzeUrl()) },
        h("label", { for: "model-url" }, "or a model URL"),
        urlInput,
        h("button", { type: "submit" }, "Analyze"),
      ),
      h("div", { class: "row" }, h("label", { for: "unit" }, "File unit"), unit),
      progress.element,
      message.element,
    ),
    results,
  );
  let before = null;
  let after = null;
  let source = null; // {modelUrl, format} of the last analysis, for Repair
  let busy = false;

  async function analyzeFile(file) {
    const format = formatOf(file.name);
    if (!format) return message.show(`${file.name}: not a model file the studio reads (${FORMATS.join(", ")}).`, "error");
    let buffer;
    try {
      buffer = await file.arrayBuffer();
    } catch {
      return message.show(`${file.name} could not be read from your disk.`, "error");
    }
    if (!MEDIA_TYPES[format]) return analyzeConverted(file, buffer, format);
    const modelUrl = await dataUrl(buffer, MEDIA_TYPES[format]);
    // Parsed once the upload is done, while the server analyzes, so the upload starts at once.
    const readModel = async () => {
      try {
        return await loadTriangles(buffer, format);
      } catch (exc) {
        message.show(`The 3D view cannot read ${file.name} (${exc.message}); the analysis goes on.`, "warning");
        return null;
      }
    };
    await analyze({ modelUrl, format, name: file.name, size: file.size }, readModel);
  }

  // OFF and FBX have no media type the analyze API maps to a reader, so a data: URL of them
  // cannot be read there: the triangles read here are sent as a binary STL instead.
  async function analyzeConverted(file, buffer, format) {
    let soup;
    try {
      soup = await loadTriangles(buffer, format);
    } catch (exc) {
      return message.show(`${file.name} could not be read: ${exc.message}`, "error");
    }
    const stl = binaryStl(soup);
    const name = `${file.name} (sent as STL)`;
    const input = { modelUrl: await dataUrl(stl, MEDIA_TYPES.stl), format: "stl", name, size: stl.byteLength };
    await analyze(input, async () => soup);
  }

  async function analyzeUrl() {
    const url = urlInput.value.trim();
    if (!url) return message.show("Paste the URL of a model file first.", "error");
    const input = { modelUrl: url, format: formatOf(new URL(url, location.href).pathname), name: url };
    await analyze(input, async () => null); // the browser may not fetch other sites (CSP): report only
  }

  // readModel() → the model's triangles for the 3D view, or null when there is none to show.
  async function analyze(input, readModel) {
    if (busy) return message.show("One model at a time: wait for the current one to finish.", "warning");
    busy = true;
    message.clear();
    results.hidden = false;
    afterFigure.hidden = true;
    repairButton.disabled = true;
    repairReport.replaceChildren();
    repairMessage.clear();
    report.replaceChildren(h("p", {}, `Analyzing ${input.name}…`));
    before = before || new Viewer(beforeBox, "before");
    key.update(before.empty());
    let soup = null;
    const uploaded = async () => {
      soup = await readModel();
      key.update(soup ? before.show(soup) : before.empty());
    };
    try {
      const task = await runTask("analyze", input, progress, { unit: unit.value, uploaded });
      const printability = task.printability;
      report.replaceChildren(...reportView(printability, input));
      if (soup && thinWallPoints(printability).length) key.update(before.show(soup, thinWallPoints(printability)));
      source = input;
      repairButton.disabled = !(input.format && REPAIRABLE.has(input.format));
      repairButton.title = repairButton.disabled ? "Repair writes STL, OBJ or GLB files" : "";
    } catch (exc) {
      report.replaceChildren();
      message.show(exc.message, "error");
    } finally {
      busy = false;
    }
  }

  repairButton.addEventListener("click", async () => {
    if (busy || !source) return;
    busy = true;
    repairButton.disabled = true;
    repairMessage.clear();
    try {
      const task = await runTask("repair", source, repairProgress, { unit: unit.value });
      const url = task.model_urls[source.format];
      const soup = await loadTriangles(await fetchBytes(url), source.format);
      afterFigure.hidden = false;
      after = after || new Viewer(afterBox, "after");
      after.show(soup);
      repairReport.replaceChildren(...repairView(task.repair, url, source.format));
    } catch (exc) {
      repairMessage.show(exc.message, "error");
    } finally {
      busy = false;
      repairButton.disabled = false;
    }
  });

  return section;
}

// Create a print task (upload progress), then follow its stream (task progress) to the end.
// `uploaded()` runs once the server has the model, while it works on it.
async function runTask(kind, input, progress, { unit, uploaded = async () => {} }) {
  const [label, done] = kind === "analyze" ? ["Analyzing", "Analysis"] : ["Repairing", "Repair"];
  const size = input.size ? ` of ${formatBytes(input.size)}` : "";
  progress.set(0, input.size ? `Uploading ${formatBytes(input.size)}…` : "Uploading…");
  try {
    const created = await postJsonWithProgress(
      `/openapi/v1/print/${kind}`,
      { model_url: input.modelUrl, unit },
      (fraction) => progress.set(fraction, `Uploading ${Math.round(fraction * 100)}%${size}`),
    );
    progress.set(0, `${label}… (queued)`);
    const stream = followStream(`/openapi/v1/print/${kind}/${created.result}/stream`, (event) => {
      if (event.status === "PENDING") progress.set(0, `${label}… (queued)`);
      else if (event.status === "IN_PROGRESS") progress.set(event.progress / 100, `${label} ${event.progress}%`);
    });
    stream.catch(() => {}); // handled by the await below, after uploaded()
    await uploaded();
    const task = await stream;
    if (!task || task.status !== "SUCCEEDED") {
      const why = task?.task_error?.message || `the task ended ${task?.status || "without an answer"}`;
      throw new ApiError(400, `${done} failed: ${why}`, "task_failed");
    }
    progress.set(1, `${done} done`);
    return task;
  } catch (exc) {
    progress.hide();
    throw exc;
  }
}

function dataUrl(buffer, mediaType) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error("could not read the file"));
    reader.readAsDataURL(new Blob([buffer], { type: mediaType }));
  });
}

const STATUS_WORDS = { healthy: "Ready to print", warning: "Printable with warnings", error: "Needs repair" };

function reportView(p, input) {
  const m = p.metrics || {};
  const x = p.extra || {};
  const size = x.bounding_box_mm?.size;
  const rows = [
    ["holes", "Holes (open boundaries)", m.holes],
    ["non_manifold_edges", "Non-manifold edges", m.non_manifold_edges],
    ["is_watertight", "Watertight", m.is_watertight === undefined ? undefined : m.is_watertight ? "yes" : "no"],
    ["degenerate_faces", "Degenerate faces", m.degenerate_faces],
    ["inconsistent_winding_edges", "Flipped-winding edges", x.inconsistent_winding_edges],
    ["bodies", "Separate bodies", x.bodies],
    ["size", "Size", size && `${size.map((v) => v.toFixed(1)).join(" × ")} mm`],
    ["volume", "Volume", m.volume !== undefined && `${(m.volume * 1e6).toPrecision(4)} cm³`], // reported in m³
    ["overhang_area_mm2", "Overhang area", x.overhang_area_mm2 !== undefined && `${x.overhang_area_mm2.toFixed(1)} mm²`],
    ["fits_printer", "Fits the printer", x.fits_printer === null || x.fits_printer === undefined ? undefined : x.fits_printer ? "yes" : "no"],
  ].filter(([, , value]) => value !== undefined && value !== false);
  const thin = thinWallPoints(p).length;
  if (thin) rows.push(["thin_walls", "Thin-wall regions", thin]);
  return [
    h("h3", {}, "Report"),
    h("p", { class: `badge ${p.status}`, "data-status": p.status }, STATUS_WORDS[p.status] || p.status),
    h("p", {}, `${p.issue_count} issue(s): ${p.error_count} error(s), ${p.warning_count} warning(s) in ${input.name}`),
    h("dl", {}, rows.map(([key, label, value]) => [h("dt", {}, label), h("dd", { "data-metric": key }, String(value))])),
  ];
}

function repairView(repair, url, format) {
  const pick = (block) => block?.metrics || {};
  const beforeMetrics = pick(repair?.before);
  const afterMetrics = pick(repair?.after);
  const shown = (value) => (value === true ? "yes" : value === false ? "no" : String(value));
  const labels = { holes: "Holes", non_manifold_edges: "Non-manifold edges", is_watertight: "Watertight" };
  const rows = Object.entries(labels).map(([metric, label]) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, label),
      h("td", {}, shown(beforeMetrics[metric])),
      h("td", { "data-after": metric }, shown(afterMetrics[metric])),
    ),
  );
  return [
    h("h3", {}, "Repair"),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", { scope: "col" }, "Before"), h("th", { scope: "col" }, "After"))),
      h("tbody", {}, rows),
    ),
    repair?.steps_ran?.length ? h("p", {}, `Steps: ${repair.steps_ran.join(", ")}`) : null,
    h("a", { class: "button", id: "download-repaired", href: url, download: `repaired.${format}` }, `Download repaired ${format.toUpperCase()}`),
  ];
}

// What the colours on the model mean, with how many of each the view draws.
function legend() {
  // Colours match viewer.js COLORS (set in studio.css: inline styles are refused by the CSP).
  const counts = {};
  const item = (kind, text) => {
    counts[kind] = h("span", { class: "count" });
    return h("li", {}, h("span", { class: `swatch ${kind}` }), text, counts[kind]);
  };
  const element = h(
    "ul",
    { class: "legend", "aria-label": "What the colours on the model mean" },
    item("open", "open edges"),
    item("non-manifold", "non-manifold edges"),
    item("overhang", "overhangs steeper than 45°"),
    item("thin", "thin walls"),
  );
  const update = (stats) => {
    const values = {
      open: stats?.openEdgeSegments,
      "non-manifold": stats?.nonManifoldEdgeSegments,
      overhang: stats?.overhangFaces,
      thin: stats?.thinWallMarkers,
    };
    for (const [kind, value] of Object.entries(values)) counts[kind].textContent = value === undefined ? "" : `: ${value}`;
  };
  return { element, update };
}
