// Describe a part: text-to-CAD as a chat (each follow-up refines the same generation into a
// new version), with the planner's interpretation (what it understood, what it assumed) next
// to the preview; or image-to-CAD from a dropped PNG/JPEG.

import { api } from "../api.js";
import { dropZone, h, messageLine } from "../dom.js";
import { downloadLinks, finished, showGeneration } from "../generation_view.js";
import { Viewer } from "../viewer.js";

const IMAGE_KINDS = ["keychain", "stencil", "cookie_cutter", "lithophane"];

export function mount() {
  const log = h("ol", { class: "chat-log", "aria-label": "Conversation", "aria-live": "polite" });
  const prompt = h("textarea", { id: "prompt", rows: "3", required: true, placeholder: "a 60 mm plant pot with a drainage hole" });
  const send = h("button", { type: "submit" }, "Send");
  const newPart = h("button", { type: "button", class: "link", hidden: true }, "Start a new part");
  const message = messageLine();
  const interpretation = h("div", { class: "interpretation", id: "interpretation", "aria-live": "polite" });
  const viewerBox = h("div", { class: "viewer" });
  const caption = h("figcaption", {}, "Preview");
  const downloads = h("div");
  const imageInput = h("input", { type: "file", id: "image-file", accept: "image/png,image/jpeg" });
  const kind = h("select", { id: "image-kind" }, IMAGE_KINDS.map((k) => h("option", { value: k }, k.replace("_", " "))));
  const width = h("input", { type: "number", id: "image-width", min: "5", max: "300", step: "1", value: "50" });
  const results = h(
    "div",
    { class: "results", hidden: true },
    h("div", { class: "views" }, h("figure", {}, viewerBox, caption), downloads),
    h("div", { class: "side" }, h("h3", {}, "What the planner understood"), interpretation),
  );
  const chatForm = h(
    "form",
    { class: "card chat" },
    log,
    h("label", { for: "prompt" }, "Describe the part, or how to change it"),
    prompt,
    h("p", { class: "hint" }, "Ctrl+Enter sends. A follow-up such as “make it 10 mm taller” changes the same part."),
    h("div", { class: "row" }, send, newPart),
    message.element,
  );
  const imageForm = h(
    "div",
    { class: "card image" },
    h("h3", {}, "From a picture"),
    h("div", { class: "row" }, h("label", { for: "image-kind" }, "Make a"), kind, h("label", { for: "image-width" }, "width (mm)"), width),
    dropZone(imageInput, "Drop a PNG or JPEG here or choose one", (file) => fromImage(file)),
  );
  const section = h(
    "section",
    { "data-screen": "describe", "data-title": "Describe a part", "aria-labelledby": "describe-title" },
    h("h2", { id: "describe-title" }, "Describe a part"),
    h("div", { class: "two" }, chatForm, imageForm),
    results,
  );
  let viewer = null;
  let current = null; // the chat generation follow-ups refine
  let busy = false;

  chatForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = prompt.value.trim();
    if (!text) return message.show("Write what to make first.", "error");
    run(text, async () => {
      const body = current ? { prompt: text, generationId: current.generationId } : { prompt: text };
      return api("/api/v1/chat", { method: "POST", body });
    });
  });
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) chatForm.requestSubmit();
  });
  newPart.addEventListener("click", () => {
    current = null;
    newPart.hidden = true;
    log.replaceChildren();
    prompt.focus();
  });

  async function fromImage(file) {
    const form = new FormData();
    form.append("image", file);
    form.append("kind", kind.value);
    form.append("width_mm", width.value);
    current = null;
    await run(`(picture) ${file.name} as a ${kind.value.replace("_", " ")}`, async () => {
      const job = await api("/v1/image-to-cad", { method: "POST", form });
      return { generationId: job.job_id, status: "processing" };
    });
  }

  // Post one turn (`start` makes the request), wait for the part, show it.
  async function run(text, start) {
    if (busy) return;
    busy = true;
    send.disabled = true;
    message.show("Working on it…");
    log.append(h("li", { class: "user" }, text));
    try {
      const accepted = await start();
      const gen = await finished({ status: "processing", ...accepted });
      if (gen.source === "chat") {
        current = gen;
        newPart.hidden = false;
      }
      prompt.value = "";
      results.hidden = false;
      viewer = viewer || new Viewer(viewerBox, "describe");
      await showGeneration(viewer, gen);
      const size = window.studio.scenes.describe.bbox.size.map((v) => v.toFixed(1)).join(" × ");
      caption.textContent = `Version ${gen.version}: ${size} mm`;
      interpretation.replaceChildren(...interpretationView(gen.interpretation));
      downloads.replaceChildren(downloadLinks(gen));
      log.append(h("li", { class: "studio" }, `${gen.interpretation?.title || gen.templateId} (version ${gen.version})`));
      message.clear();
    } catch (exc) {
      log.append(h("li", { class: "studio error" }, exc.message));
      message.show(exc.message, "error");
    } finally {
      busy = false;
      send.disabled = false;
    }
  }

  return section;
}

function interpretationView(report) {
  if (!report) return [h("p", { class: "hint" }, "No interpretation came with this part.")];
  const list = (name, title, items) =>
    items?.length ? [h("h4", {}, title), h("ul", { "data-list": name }, items.map((item) => h("li", {}, item)))] : [];
  return [
    h("p", {}, h("strong", {}, report.title || report.family), ` (${report.family}, confidence ${Math.round((report.confidence ?? 1) * 100)}%)`),
    ...list("understood", "Understood", report.understood),
    ...list("assumed", "Assumed", report.assumed),
    ...list("unused", "Not used", report.unused),
    ...list("notes", "Notes", report.notes),
  ];
}
