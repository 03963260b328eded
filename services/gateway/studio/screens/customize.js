// Customize a part: the starter and gift catalogue as cards; a chosen part's manifest as a
// form whose changes re-render the part (debounced) and refresh the preview, downloads and
// version history.

import { api } from "../api.js";
import { debounce, h, messageLine } from "../dom.js";
import { downloadLinks, finished, showGeneration, versionList } from "../generation_view.js";
import { paramForm } from "../param_form.js";
import { Viewer } from "../viewer.js";

const RERENDER_DELAY_MS = 600;

export function mount() {
  const message = messageLine();
  const cards = h("ul", { class: "cards", "aria-label": "Parts to customize" });
  const title = h("h3", { id: "part-title" });
  const formBox = h("div");
  const status = messageLine();
  const viewerBox = h("div", { class: "viewer" });
  const caption = h("figcaption", {}, "Preview");
  const downloads = h("div");
  const versions = h("div", { class: "versions-box" });
  const editor = h(
    "div",
    { class: "results", hidden: true },
    h("div", { class: "views" }, h("figure", {}, viewerBox, caption)),
    h("div", { class: "side" }, title, formBox, status.element, h("h4", {}, "Download"), downloads, h("h4", {}, "Versions"), versions),
  );
  const section = h(
    "section",
    { "data-screen": "customize", "data-title": "Customize a part", "aria-labelledby": "customize-title" },
    h("h2", { id: "customize-title" }, "Customize a part"),
    message.element,
    cards,
    editor,
  );
  let viewer = null;
  let generation = null;
  let form = null;
  let request = 0; // only the newest re-render may update the page

  async function loadCatalog() {
    try {
      const entries = await api("/api/v1/catalog");
      cards.replaceChildren(...entries.map(card));
    } catch (exc) {
      message.show(exc.message, "error");
    }
  }

  function card(entry) {
    const image = entry.thumbnailUrl
      ? h("img", { src: entry.thumbnailUrl, alt: "", width: "160", height: "120", loading: "lazy" })
      : h("span", { class: "no-thumb" }, entry.title[0]);
    return h(
      "li",
      {},
      h(
        "button",
        { type: "button", class: "card-button", "data-part": `${entry.kind}:${entry.id}`, onclick: () => choose(entry) },
        image,
        h("strong", {}, entry.title),
        h("span", { class: "hint" }, entry.kind === "gift" ? "Gift" : "Starter"),
      ),
    );
  }

  async function choose(entry) {
    const mine = ++request;
    editor.hidden = false;
    title.textContent = entry.title;
    editor.scrollIntoView({ block: "start" });
    status.show(`Rendering ${entry.title}…`);
    try {
      const created =
        entry.kind === "gift"
          ? await api("/api/v1/gifts", { method: "POST", body: { templateId: entry.id, config: {} } })
          : await api(`/api/v1/starters/${entry.id}`, { method: "POST", body: { params: {} } });
      const gen = await finished(created);
      if (mine !== request) return;
      form = paramForm(gen.paramManifest, gen.paramValues, debounce(rerender, RERENDER_DELAY_MS));
      formBox.replaceChildren(form.element);
      await present(gen);
    } catch (exc) {
      if (mine === request) status.show(exc.message, "error");
    }
  }

  async function rerender() {
    const mine = ++request;
    status.show("Rendering…");
    try {
      const gen = await finished(
        await api(`/api/v1/generations/${generation.generationId}/params`, { method: "POST", body: { params: form.values() } }),
      );
      if (mine === request) await present(gen);
    } catch (exc) {
      if (mine === request) status.show(exc.message, "error");
    }
  }

  // Show one version: preview, downloads, and (for the latest) the refreshed history.
  async function present(gen, { latest = true } = {}) {
    viewer = viewer || new Viewer(viewerBox, "customize");
    await showGeneration(viewer, gen);
    const size = window.studio.scenes.customize.bbox.size.map((v) => v.toFixed(1)).join(" × ");
    caption.textContent = `Version ${gen.version}: ${size} mm`;
    downloads.replaceChildren(downloadLinks(gen));
    if (latest) {
      generation = gen;
      versions.replaceChildren(await versionList(gen, (v) => present(v, { latest: false })));
    }
    status.show(latest ? `Version ${gen.version} ready.` : `Viewing version ${gen.version} (edit a value to make a new one).`, "success");
  }

  loadCatalog();
  return section;
}
