// Server-sent events over fetch(): EventSource cannot send an Authorization header, and the
// key must not go into a URL. Parses the text/event-stream framing (event:, data:, comments).

import { ApiError, authHeaders, errorFromBody } from "./api.js";

// Calls onMessage(object) for each `message` event; resolves with the last one when the
// server ends the stream, rejects with ApiError on an `error` event or an HTTP error.
export async function followStream(path, onMessage, signal) {
  let response;
  try {
    response = await fetch(path, { headers: authHeaders({ Accept: "text/event-stream" }), signal });
  } catch (exc) {
    if (exc.name === "AbortError") throw exc;
    throw new ApiError(0, "Cannot reach the printforge gateway: is it running?", "network");
  }
  if (!response.ok) throw errorFromBody(response.status, await response.text());
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last = null;
  let event = { name: "message", data: [] };
  const dispatch = () => {
    if (!event.data.length) return;
    const data = JSON.parse(event.data.join("\n"));
    if (event.name === "error") {
      const message = data?.error?.message || data?.message || "the stream failed";
      throw new ApiError(data?.status_code || data?.error?.status || 500, message, "stream_error");
    }
    last = data;
    onMessage(data);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline;
    while ((newline = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer[newline] === "\r" ? 2 : 1));
      if (line === "") {
        dispatch();
        event = { name: "message", data: [] };
      } else if (line.startsWith("event:")) {
        event.name = line.slice(6).trim();
      } else if (line.startsWith("data:")) {
        event.data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
  dispatch();
  return last;
}
