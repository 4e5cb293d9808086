#!/usr/bin/env python3
"""Scripted upstream: a fake OpenAI- and Anthropic-compatible provider for tests.

Standard library only (Python 3.11). Binds 127.0.0.1 port 0, prints ``PORT <n>`` on stdout, then serves
until stdin reaches EOF (so it dies with the test process that started it).

Provider routes (default replies are successes):
  POST /v1/embeddings         OpenAI shape; deterministic hash-seeded unit vectors of --dimension
                              (or the request's "dimensions"); "usage" counts whitespace tokens.
  POST /v1/chat/completions   OpenAI shape, plain or "stream": true (SSE chunks, then data: [DONE]);
                              usage chunk when stream_options.include_usage is true.
  POST /v1/messages           Anthropic Messages shape, plain or streaming (message_start,
                              content_block_start, ping, content_block_delta, content_block_stop,
                              message_delta, message_stop).
  GET  /v1/models             OpenAI model list.
  ANY  /echo                  {"method", "path", "headers", "body"} of the request.
  GET  /bytes/<n>             n bytes of "x" (HEAD too, without the body).

Control (HTTP or stdin lines):
  POST /_script   {"path": "/v1/chat/completions", "actions": [...]}  (or a list of such objects)
  GET  /_stats    {"counts": {path: n}, "connections": n, "in_flight": n, "max_in_flight": n,
                   "disconnects": n, "requests": [last 200 requests]}
                  connections: distinct TCP connections that carried a non-control request;
                  in_flight / max_in_flight: requests being served now / at most at once;
                  disconnects: replies cut short because the client went away (noticed at once
                  while a request is held, otherwise when a write fails)
  POST /_release  {"path": p}: lets requests held by "hold"/"hold_stream" on path p go on (the gate
                  stays open until a new hold is scripted for p)
  POST /_reset    clears scripts and stats
  stdin: "SCRIPT <json>" -> "OK", "STATS" -> "STATS <json>", "RELEASE <path>" -> "OK", "RESET" -> "OK";
  each reply is one line.

Actions are consumed one per matching request, per path ("*" matches any path with no own script).
Keys, combinable:
  delay: seconds to wait before anything else      die: true -> close the connection, no reply
  status: int, headers: {..}, body: str | JSON     -> that reply (status alone: an OpenAI-style error body)
  ok: true -> the default reply                    content: the assistant text of the default reply
  chunk_delay: seconds between streamed chunks      raw_sse: [str, ...] -> streamed verbatim (chunked)
  hold: seconds -> wait (after delay) until released (RELEASE / _release) or timed out, then act
  hold_stream: seconds -> a stream pauses after its first chunk until released or timed out
  drip: [str, ...] with chunk_delay -> a non-SSE chunked body sent piece by piece
"""
import hashlib
import json
import math
import random
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_CONTENT = "Hello from the scripted upstream."
MAX_RECORDED = 200


class State:
    def __init__(self, dimension):
        self.lock = threading.Lock()
        self.dimension = dimension
        self.reset()

    def reset(self):
        with self.lock:
            self.scripts = {}
            self.counts = {}
            self.requests = []
            self.connections = 0
            self.holds = {}
            self.in_flight = 0
            self.max_in_flight = 0
            self.disconnects = 0

    def add_script(self, spec):
        specs = spec if isinstance(spec, list) else [spec]
        with self.lock:
            for s in specs:
                actions = s.get("actions", [])
                self.scripts.setdefault(s["path"], []).extend(actions)
                if any(a.get("hold") or a.get("hold_stream") for a in actions):
                    self.holds[s["path"]] = threading.Event()  # a new hold starts closed

    def next_action(self, path):
        with self.lock:
            for key in (path, "*"):
                queue = self.scripts.get(key)
                if queue:
                    return queue.pop(0)
        return None

    def hold_event(self, path):
        with self.lock:
            return self.holds.setdefault(path, threading.Event())

    def release(self, path):
        self.hold_event(path).set()  # stays open until the next hold is scripted for path

    def wait_release(self, path, timeout, conn):
        """Waits for RELEASE of path; raises ConnectionResetError as soon as the client hangs up."""
        event = self.hold_event(path)
        deadline = time.monotonic() + timeout
        while not event.wait(0.02):
            if peer_closed(conn):
                raise ConnectionResetError("client went away while held")
            if time.monotonic() >= deadline:
                return False
        return True

    def begin(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def end(self, disconnected):
        with self.lock:
            self.in_flight -= 1
            self.disconnects += 1 if disconnected else 0

    def record(self, path, method, headers, body, client_port):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            self.requests.append({
                "path": path, "method": method, "headers": headers,
                "body": body.decode("utf-8", "replace"), "client_port": client_port,
            })
            del self.requests[:-MAX_RECORDED]

    def new_connection(self):
        with self.lock:
            self.connections += 1

    def stats(self):
        with self.lock:
            return {"counts": dict(self.counts), "connections": self.connections,
                    "in_flight": self.in_flight, "max_in_flight": self.max_in_flight,
                    "disconnects": self.disconnects, "requests": list(self.requests)}


STATE = State(8)


def peer_closed(conn):
    """True when the client has closed (or reset) its end; it sends nothing while awaiting our reply."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def embedding(text, dimension):
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    rng = random.Random(seed)
    v = [rng.gauss(0.0, 1.0) for _ in range(dimension)]
    norm = math.sqrt(sum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


def tokens(text):
    return max(1, len(str(text).split()))


def pieces(content):
    words = content.split(" ")
    return [w if i == 0 else " " + w for i, w in enumerate(words)]


def message_text(content):
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ScriptedUpstream/1.0"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid the 40 ms delayed-ACK stall

    def log_message(self, format, *args):
        pass

    def setup(self):
        super().setup()
        self.counted = False  # one handler per connection: counted on its first provider request

    # -- plumbing ---------------------------------------------------------------------------------------

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_json(self, status, obj, headers=None):
        self.send_bytes(status, json.dumps(obj).encode(), "application/json", headers)

    def send_bytes(self, status, data, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def start_chunked(self, status, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()

    def chunk(self, text):
        data = text.encode() if isinstance(text, str) else text
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def stream(self, items, action, headers=None, content_type="text/event-stream"):
        delay = float(action.get("chunk_delay", 0) or 0)
        self.start_chunked(200, content_type, headers)
        for i, item in enumerate(items):
            if i == 1 and action.get("hold_stream"):
                STATE.wait_release(self.path.split("?", 1)[0], float(action["hold_stream"]), self.connection)
            elif i and delay:
                time.sleep(delay)
            self.chunk(item)
        self.end_chunked()

    def dispatch(self, method):
        path = self.path.split("?", 1)[0]
        body = self.read_body()
        if path.startswith("/_"):
            return self.control(method, path, body)
        STATE.begin()
        disconnected = False
        try:
            self.serve(method, path, body)
        except ConnectionError:  # broken pipe, reset: the client went away
            disconnected = True
            self.close_connection = True
        finally:
            STATE.end(disconnected)

    def serve(self, method, path, body):
        if not self.counted:
            self.counted = True
            STATE.new_connection()
        STATE.record(path, method, {k: v for k, v in self.headers.items()}, body,
                     self.client_address[1])
        action = STATE.next_action(path) or {}
        if action.get("delay"):
            time.sleep(float(action["delay"]))
        if action.get("hold"):
            STATE.wait_release(path, float(action["hold"]), self.connection)
        if action.get("die"):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if "raw_sse" in action:
            return self.stream(action["raw_sse"], action, action.get("headers"))
        if "drip" in action:
            return self.stream(action["drip"], action, action.get("headers"), "application/octet-stream")
        if "status" in action and not action.get("ok"):
            return self.scripted_reply(action)
        self.default_reply(method, path, body, action)

    def scripted_reply(self, action):
        status = int(action["status"])
        headers = action.get("headers") or {}
        if "body" in action:
            b = action["body"]
            if isinstance(b, str):
                return self.send_bytes(status, b.encode(), headers.get("Content-Type", "text/plain"), headers)
            return self.send_json(status, b, headers)
        err = {"error": {"message": "scripted status %d" % status, "type": "scripted_error",
                         "code": status}}
        self.send_json(status, err, headers)

    def control(self, method, path, body):
        if path == "/_script" and method == "POST":
            STATE.add_script(json.loads(body or b"[]"))
            return self.send_json(200, {"ok": True})
        if path == "/_stats":
            return self.send_json(200, STATE.stats())
        if path == "/_release" and method == "POST":
            STATE.release(json.loads(body or b"{}").get("path", ""))
            return self.send_json(200, {"ok": True})
        if path == "/_reset" and method == "POST":
            STATE.reset()
            return self.send_json(200, {"ok": True})
        self.send_json(404, {"error": {"message": "no control route " + path}})

    # -- default provider replies ----------------------------------------------------------------------

    def default_reply(self, method, path, body, action):
        headers = action.get("headers")
        if path == "/echo":
            return self.send_json(200, {
                "method": method, "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace")}, headers)
        if path.startswith("/bytes/") and method in ("GET", "HEAD"):
            return self.send_bytes(200, b"x" * int(path[len("/bytes/"):]), "application/octet-stream", headers)
        if path == "/v1/models" and method == "GET":
            return self.send_json(200, {"object": "list", "data": [
                {"id": "scripted-model", "object": "model", "owned_by": "scripted"}]}, headers)
        if method != "POST" or path not in ("/v1/embeddings", "/v1/chat/completions", "/v1/messages"):
            return self.send_json(404, {"error": {"message": "no route %s %s" % (method, path)}})
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return self.send_json(400, {"error": {"message": "invalid JSON body", "type": "invalid_request_error"}})
        if path == "/v1/embeddings":
            return self.embeddings(req, headers)
        content = action.get("content", DEFAULT_CONTENT)
        if path == "/v1/chat/completions":
            return self.chat(req, content, action, headers)
        return self.messages(req, content, action, headers)

    def embeddings(self, req, headers):
        inputs = req.get("input", "")
        if isinstance(inputs, str):
            inputs = [inputs]
        dimension = int(req.get("dimensions") or STATE.dimension)
        data = [{"object": "embedding", "index": i, "embedding": embedding(str(t), dimension)}
                for i, t in enumerate(inputs)]
        n = sum(tokens(t) for t in inputs)
        self.send_json(200, {"object": "list", "data": data, "model": req.get("model", "scripted-embedder"),
                             "usage": {"prompt_tokens": n, "total_tokens": n}}, headers)

    def chat(self, req, content, action, headers):
        model = req.get("model", "scripted-model")
        prompt = sum(tokens(message_text(m.get("content"))) for m in req.get("messages", []))
        usage = {"prompt_tokens": prompt, "completion_tokens": tokens(content),
                 "total_tokens": prompt + tokens(content)}
        cid, created = "chatcmpl-scripted", int(time.time())
        if not req.get("stream"):
            return self.send_json(200, {
                "id": cid, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": usage}, headers)

        def chunk(delta, finish=None):
            return "data: " + json.dumps({
                "id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"
        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": p}) for p in pieces(content)]
        events.append(chunk({}, "stop"))
        if (req.get("stream_options") or {}).get("include_usage"):
            events.append("data: " + json.dumps({"id": cid, "object": "chat.completion.chunk",
                                                 "created": created, "model": model, "choices": [],
                                                 "usage": usage}) + "\n\n")
        events.append("data: [DONE]\n\n")
        self.stream(events, action, headers)

    def messages(self, req, content, action, headers):
        model = req.get("model", "scripted-model")
        prompt = sum(tokens(message_text(m.get("content"))) for m in req.get("messages", []))
        prompt += tokens(message_text(req.get("system", ""))) if req.get("system") else 0
        mid = "msg_scripted"
        if not req.get("stream"):
            return self.send_json(200, {
                "id": mid, "type": "message", "role": "assistant", "model": model,
                "content": [{"type": "text", "text": content}],
                "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": prompt, "output_tokens": tokens(content)}}, headers)

        def event(name, obj):
            return "event: %s\ndata: %s\n\n" % (name, json.dumps(obj))
        events = [
            event("message_start", {"type": "message_start", "message": {
                "id": mid, "type": "message", "role": "assistant", "model": model, "content": [],
                "stop_reason": None, "stop_sequence": None,
                "usage": {"input_tokens": prompt, "output_tokens": 1}}}),
            event("content_block_start", {"type": "content_block_start", "index": 0,
                                          "content_block": {"type": "text", "text": ""}}),
            event("ping", {"type": "ping"}),
        ]
        events += [event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                 "delta": {"type": "text_delta", "text": p}})
                   for p in pieces(content)]
        events += [
            event("content_block_stop", {"type": "content_block_stop", "index": 0}),
            event("message_delta", {"type": "message_delta",
                                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                    "usage": {"output_tokens": tokens(content)}}),
            event("message_stop", {"type": "message_stop"}),
        ]
        self.stream(events, action, headers)


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that time out or cancel close their end; that is expected here


def reply(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    # Children of `swift test` inherit a mask with SIGTERM/SIGINT blocked; make them work again.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    dimension = 8
    args = sys.argv[1:]
    if "--dimension" in args:
        dimension = int(args[args.index("--dimension") + 1])
    STATE.dimension = dimension
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    reply("PORT %d" % server.server_address[1])
    for line in sys.stdin:
        line = line.strip()
        try:
            if line.startswith("SCRIPT "):
                STATE.add_script(json.loads(line[len("SCRIPT "):]))
                reply("OK")
            elif line == "STATS":
                reply("STATS " + json.dumps(STATE.stats()))
            elif line.startswith("RELEASE "):
                STATE.release(line[len("RELEASE "):])
                reply("OK")
            elif line == "RESET":
                STATE.reset()
                reply("OK")
            elif line:
                reply("ERR unknown command")
        except Exception as e:  # a bad script must not kill the server
            reply("ERR " + str(e).replace("\n", " "))
    # stdin EOF: the parent is gone or asked us to stop.
    import os
    os._exit(0)


if __name__ == "__main__":
    main()
