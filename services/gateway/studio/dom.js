// Small DOM helpers shared by the screens: element building, messages, progress, debounce.

// h("button", {class: "x", onclick: f}, "text", child) → element. Attributes starting with
// "on" become listeners; `false`/null attributes are left out.
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

// A message line (role=alert for errors, status otherwise); show(text, kind) / clear().
export function messageLine() {
  const element = h("p", { class: "message", role: "status", "aria-live": "polite", hidden: true });
  return {
    element,
    show(text, kind = "info") {
      element.hidden = false;
      element.className = `message ${kind}`;
      element.setAttribute("role", kind === "error" ? "alert" : "status");
      element.textContent = text;
    },
    clear() {
      element.hidden = true;
      element.textContent = "";
    },
  };
}

// A labelled progress bar: set(fraction, label) shows it, hide() hides it.
export function progressBar(name) {
  const bar = h("progress", { max: "100", value: "0", "aria-label": name });
  const label = h("span", { class: "progress-label" });
  const element = h("div", { class: "progress", hidden: true }, bar, label);
  return {
    element,
    bar,
    set(fraction, text) {
      element.hidden = false;
      bar.value = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
      label.textContent = text;
    },
    hide() {
      element.hidden = true;
    },
  };
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function formatBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} bytes`;
}

// A drop zone around a file input: dropping a file or choosing one calls onFile(file).
export function dropZone(input, text, onFile) {
  const zone = h("label", { class: "dropzone" }, h("span", {}, text), input);
  input.addEventListener("change", () => input.files[0] && onFile(input.files[0]));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  });
  return zone;
}
