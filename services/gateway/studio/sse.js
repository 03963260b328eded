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
  const parser = new EventParser(onMessage);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
    parser.end();
  } finally {
    reader.cancel().catch(() => {}); // an error event ends the stream early: let the server go
  }
  return parser.last;
}

class EventParser {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.buffer = "";
    this.last = null;
    this.event = { name: "message", data: [] };
  }

  feed(text) {
    this.buffer += text;
    let newline;
    while ((newline = this.buffer.search(/\r?\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer[newline] === "\r" ? 2 : 1));
      if (line === "") this.end();
      else if (line.startsWith("event:")) this.event.name = line.slice(6).trim();
      else if (line.startsWith("data:")) this.event.data.push(line.slice(5).replace(/^ /, ""));
      // other lines (": ping" heartbeats, id:, retry:) carry nothing the studio needs
    }
  }

  // Dispatch the event gathered so far (a blank line, or the end of the stream).
  end() {
    const { name, data } = this.event;
    this.event = { name: "message", data: [] };
    if (!data.length) return;
    const body = JSON.parse(data.join("\n"));
    if (name === "error") {
      const message = body?.error?.message || body?.message || "the stream failed";
      throw new ApiError(body?.status_code || 500, message, "stream_error");
    }
    this.last = body;
    this.onMessage(body);
  }
}
