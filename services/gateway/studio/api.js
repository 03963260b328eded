// The studio's only way to the gateway: JSON calls, uploads with progress, and the key.
// The key lives in sessionStorage (gone when the tab closes) and travels only in the
// Authorization header, never in a URL. Errors become ApiError with the gateway's message.

const KEY_STORAGE = "printforge.apiKey";

export class ApiError extends Error {
  constructor(status, message, code = "error") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export function authHeaders(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : { ...extra };
}

// The gateway's error envelope {"error": {"code", "message"}, "message"} as one sentence.
export function errorFromBody(status, text, retryAfter = null) {
  let message = text || `HTTP ${status}`;
  let code = "error";
  try {
    const body = JSON.parse(text);
    message = body?.error?.message || body?.message || message;
    code = body?.error?.code || code;
  } catch {
    // not JSON (a proxy's page): keep the text
  }
  if (status === 401) message = `Your API key was refused: ${message}. Sign in with a valid key.`;
  if (status === 429 && retryAfter) message = `${message} (try again in ${retryAfter} s)`;
  return new ApiError(status, message, code);
}

// fetch() with the key; answers the parsed JSON or throws ApiError.
export async function api(path, { method = "GET", body, form } = {}) {
  const init = { method, headers: authHeaders() };
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "Cannot reach the printforge gateway: is it running?", "network");
  }
  const text = await response.text();
  if (!response.ok) throw errorFromBody(response.status, text, response.headers.get("Retry-After"));
  return text ? JSON.parse(text) : null;
}

// POST a JSON body with XMLHttpRequest, whose upload events fetch() lacks, so a large model
// shows its upload progress. onProgress(fraction) runs as the body leaves the browser.
export function postJsonWithProgress(path, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    for (const [name, value] of Object.entries(authHeaders({ "Content-Type": "application/json" }))) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else reject(errorFromBody(xhr.status, xhr.responseText, xhr.getResponseHeader("Retry-After")));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload was cut off: is the gateway running?", "network"));
    xhr.send(JSON.stringify(body));
  });
}

// The bytes behind a signed file URL (no key needed, same origin).
export async function fetchBytes(url) {
  let response;
  try {
    response = await fetch(url);
  } catch {
    throw new ApiError(0, `Cannot download ${url}`, "network");
  }
  if (!response.ok) throw errorFromBody(response.status, await response.text());
  return response.arrayBuffer();
}
