// The studio's entry: signs in, then switches between the screens by the URL's #hash.
// Each screen is built once, on first visit, and kept (a half-done analysis survives a tab switch).

import { apiKey, setApiKey } from "./api.js";
import * as check from "./screens/check.js";
import * as customize from "./screens/customize.js";
import * as describe from "./screens/describe.js";
import * as signin from "./screens/signin.js";

const SCREENS = { check, customize, describe };
const DEFAULT_SCREEN = "check";
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const built = {};

function route() {
  const wanted = location.hash.replace(/^#\/?/, "") || DEFAULT_SCREEN;
  const name = apiKey() ? (SCREENS[wanted] ? wanted : DEFAULT_SCREEN) : "signin";
  nav.hidden = name === "signin";
  for (const link of nav.querySelectorAll("a")) {
    if (link.dataset.screen === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!built[name]) {
    built[name] = (name === "signin" ? signin : SCREENS[name]).mount(onSignedIn);
    main.append(built[name]);
  }
  for (const [other, element] of Object.entries(built)) element.hidden = other !== name;
  document.title = `${built[name].dataset.title} · printforge studio`;
}

function onSignedIn() {
  delete built.signin;
  main.querySelector("[data-screen=signin]")?.remove();
  route();
  main.focus();
}

document.getElementById("sign-out").addEventListener("click", () => {
  setApiKey(null);
  for (const element of Object.values(built)) element.remove();
  for (const name of Object.keys(built)) delete built[name];
  route();
});
window.addEventListener("hashchange", route);
route();
