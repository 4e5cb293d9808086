#!/usr/bin/env python3
"""A scripted OpenAI-compatible chat server on loopback, so server_bench.sh can fill the answer cache.

Answers every POST /v1/chat/completions (plain or stream) with a fixed text citing [1]; prints
`listening on http://127.0.0.1:PORT` once bound. Only extractive answers exist without an LLM, and those
are not cached, so the cached-query benchmark needs a provider; this one costs nothing and needs no network.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = "According to the passages, this is the answer [1]."


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        model = request.get("model", "stub")
        common = {"id": "chatcmpl-stub", "created": int(time.time()), "model": model}
        usage = {"prompt_tokens": 100, "completion_tokens": 12, "total_tokens": 112}
        if request.get("stream"):
            events = []
            for index, word in enumerate(ANSWER.split(" ")):
                delta = {"content": (" " if index else "") + word}
                if index == 0:
                    delta["role"] = "assistant"
                events.append({**common, "object": "chat.completion.chunk",
                               "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            events.append({**common, "object": "chat.completion.chunk",
                           "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": usage})
            data = "".join(f"data: {json.dumps(event)}\n\n" for event in events).encode() + b"data: [DONE]\n\n"
            content_type = "text/event-stream"
        else:
            data = json.dumps({**common, "object": "chat.completion", "usage": usage, "choices": [
                {"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}]}).encode()
            content_type = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
