"""Reading a server-sent event stream with a real HTTP client, as a browser's EventSource would."""

from __future__ import annotations

import json

import httpx


def sse_events(client: httpx.Client, url: str, headers: dict[str, str]) -> list[tuple[str, dict]]:
    """(event name, JSON data) of every event until the server ends the stream.

    Also checks what every SSE response must carry: the event-stream type and no caching.
    """
    events: list[tuple[str, dict]] = []
    with client.stream("GET", url, headers=headers, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        event = "message"
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((event, json.loads(line.split(":", 1)[1])))
                event = "message"
    return events
