// A parameter manifest (the generator's Customizer-style list) as form controls: numbers
// with a range become a slider paired with a number box, enums a select, booleans a
// checkbox, text a text field. `values()` reads them back typed as the manifest says.

import { h } from "./dom.js";

export function paramForm(manifest, current, onChange) {
  const fields = manifest.map((param) => field(param, current[param.name] ?? param.default, onChange));
  const groups = new Map();
  for (const f of fields) {
    const name = f.param.group || "Parameters";
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(f.element);
  }
  const element = h(
    "form",
    { class: "params", onsubmit: (event) => event.preventDefault() },
    [...groups].map(([name, elements]) => h("fieldset", {}, h("legend", {}, name), elements)),
  );
  return {
    element,
    values: () => Object.fromEntries(fields.map((f) => [f.param.name, f.get()])),
    set: (values) => fields.forEach((f) => f.param.name in values && f.set(values[f.param.name])),
  };
}

function field(param, value, onChange) {
  const id = `param-${param.name}`;
  const unit = param.unit ? ` (${param.unit})` : "";
  const label = h("label", { for: id }, `${param.label || param.name}${unit}`);
  const help = param.description ? h("p", { class: "hint", id: `${id}-help` }, param.description) : null;
  const described = help ? `${id}-help` : null;
  const wrap = (...controls) => h("div", { class: `param ${param.type}` }, label, ...controls, help);

  if (param.type === "number" || param.type === "integer") {
    const integer = param.type === "integer";
    const step = String(param.step ?? (integer ? 1 : "any"));
    const box = h("input", { type: "number", id, step, min: param.min, max: param.max, "aria-describedby": described });
    box.value = value;
    const parse = (text) => (integer ? parseInt(text, 10) : parseFloat(text));
    if (param.min === undefined || param.max === undefined) {
      box.addEventListener("change", onChange);
      return { param, element: wrap(box), get: () => parse(box.value), set: (v) => (box.value = v) };
    }
    const slider = h("input", {
      type: "range",
      id: `${id}-slider`,
      min: param.min,
      max: param.max,
      step: param.step ?? (integer ? 1 : (param.max - param.min) / 100),
      "aria-label": `${param.label || param.name}${unit} slider`,
    });
    slider.value = value;
    slider.addEventListener("input", () => {
      box.value = slider.value;
      onChange();
    });
    box.addEventListener("change", () => {
      slider.value = box.value;
      onChange();
    });
    return {
      param,
      element: wrap(h("div", { class: "slider-row" }, slider, box)),
      get: () => parse(box.value),
      set: (v) => (box.value = slider.value = v),
    };
  }
  if (param.type === "enum") {
    const options = param.options || [];
    const select = h(
      "select",
      { id, "aria-describedby": described, onchange: onChange },
      options.map((option, i) => h("option", { value: String(i) }, String(option))),
    );
    const set = (v) => (select.value = String(Math.max(0, options.indexOf(v))));
    set(value);
    return { param, element: wrap(select), get: () => options[Number(select.value)], set };
  }
  if (param.type === "boolean") {
    const box = h("input", { type: "checkbox", id, "aria-describedby": described, onchange: onChange });
    box.checked = Boolean(value);
    return { param, element: h("div", { class: "param boolean" }, box, label, help), get: () => box.checked, set: (v) => (box.checked = Boolean(v)) };
  }
  const text = h("input", { type: "text", id, maxlength: param.max, "aria-describedby": described, onchange: onChange });
  text.value = value ?? "";
  return { param, element: wrap(text), get: () => text.value, set: (v) => (text.value = v) };
}
