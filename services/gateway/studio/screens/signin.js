// Sign in: paste an API key. It is checked against the gateway (GET /api/v1/keys) before it
// is kept, so a wrong key is told at once and not on the first real action.

import { api, setApiKey } from "../api.js";
import { h, messageLine } from "../dom.js";

export function mount(onSignedIn) {
  const input = h("input", {
    id: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    placeholder: "pf_...",
    "aria-describedby": "key-hint",
  });
  const message = messageLine();
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "card signin", "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title" }, "Sign in"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h(
      "p",
      { id: "key-hint", class: "hint" },
      "No key yet? Create one on the machine running printforge: ",
      h("code", {}, "printforge keys create --user YOUR_NAME"),
      " (the key is the last line it prints). The key stays in this tab only.",
    ),
    button,
    message.element,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return message.show("Paste your API key first.", "error");
    button.disabled = true;
    message.show("Checking the key…");
    setApiKey(key);
    try {
      await api("/api/v1/keys");
      message.clear();
      onSignedIn();
    } catch (exc) {
      setApiKey(null);
      message.show(exc.message, "error");
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  const section = h("section", { "data-screen": "signin", "data-title": "Sign in" }, form);
  queueMicrotask(() => input.focus());
  return section;
}
