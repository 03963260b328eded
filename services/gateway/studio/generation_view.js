// What the Customize and Describe screens share: wait for a generation to finish, show its
// STL in a viewer, and list its downloads and versions.

import { ApiError, api, fetchBytes } from "./api.js";
import { h } from "./dom.js";
import { loadTriangles } from "./model_loading.js";
import { followStream } from "./sse.js";

export const DOWNLOADS = [
  ["stepUrl", "STEP"],
  ["stlUrl", "STL"],
  ["glbUrl", "GLB"],
  ["threeMfUrl", "3MF"],
];

// The generation once it is completed (following its SSE stream while it processes);
// ApiError when it failed.
export async function finished(generation) {
  let current = generation;
  if (current.status === "processing") {
    current = await followStream(`/api/v1/generations/${current.generationId}/stream`, () => {});
  }
  if (!current || current.status !== "completed") {
    throw new ApiError(400, `The part could not be made: ${current?.error || current?.status}`, "generation_failed");
  }
  return current;
}

// Show the generation's STL; a version of the part already on view keeps the camera.
export async function showGeneration(viewer, generation) {
  const samePart = viewer.partId === generation.generationId;
  viewer.show(await loadTriangles(await fetchBytes(generation.stlUrl), "stl"), [], { keepView: samePart });
  viewer.partId = generation.generationId;
}

export function downloadLinks(generation) {
  return h(
    "ul",
    { class: "downloads", "aria-label": "Downloads" },
    DOWNLOADS.filter(([key]) => generation[key]).map(([key, label]) =>
      h("li", {}, h("a", { class: "button", href: generation[key], download: `${generation.templateId}-v${generation.version}.${label.toLowerCase()}` }, label)),
    ),
  );
}

// The version history as buttons; onPick(version object) when one is chosen.
export async function versionList(generation, onPick) {
  const versions = await api(`/api/v1/generations/${generation.generationId}/versions`);
  return h(
    "ol",
    { class: "versions", reversed: true },
    versions
      .slice()
      .reverse()
      .map((v) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "link",
              "aria-current": v.version === generation.version ? "true" : null,
              onclick: () => onPick(v),
            },
            `v${v.version} · ${new Date(v.createdAt).toLocaleTimeString()}`,
          ),
          h("span", { class: "hint" }, ` ${summarize(v.paramValues)}`),
        ),
      ),
  );
}

function summarize(values) {
  const text = Object.entries(values || {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return text.length > 90 ? `${text.slice(0, 87)}…` : text;
}
