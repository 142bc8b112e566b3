#!/usr/bin/env python3
"""Stand-in for the Aspire dashboard: an OTLP receiver that shows what it received.

The contract of the real image that aspirec's outputs use, and nothing more:

- the UI on 18888 asks for the browser token (DASHBOARD__FRONTEND__AUTHMODE=BrowserToken,
  DASHBOARD__FRONTEND__BROWSERTOKEN): GET /login?t=<token> is 200 with the right token, 401 otherwise;
- OTLP/HTTP on 18890 (POST /v1/traces, Content-Type application/x-protobuf) requires the API key
  (DASHBOARD__OTLP__AUTHMODE=ApiKey, DASHBOARD__OTLP__PRIMARYAPIKEY) in the x-otlp-api-key header: 401
  without it. The body must be a valid ExportTraceServiceRequest (opentelemetry-proto's
  collector/trace/v1): it is decoded field by field, strictly (a truncated or malformed message is a
  400), and each span is kept with the resource's service.name;
- OTLP/gRPC's port 18889 accepts connections and nothing more: this stand-in has no HTTP/2 or gRPC
  (the test app exports over OTLP/HTTP; under gRPC it only checks that the port answers).

What it received is at GET /api/telemetry?t=<browser token> on the UI port (a stand-in's own
endpoint, not the dashboard's: its UI is a web app), as JSON:
{"spans": [{"service_name", "name", "trace_id", "span_id"}], "rejected": N, "grpc_connections": N}.
A configuration without those variables stops it at start: it must be deployed as aspirec writes it.
"""

import json
import os
import socket
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UI_PORT, GRPC_PORT, HTTP_PORT = 18888, 18889, 18890

LOCK = threading.Lock()
SPANS = []
STATE = {"rejected": 0, "grpc_connections": 0}


class Malformed(Exception):
    pass


def varint(buf, i):
    shift = value = 0
    while True:
        if i >= len(buf):
            raise Malformed("truncated varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise Malformed("varint longer than 10 bytes")


def fields(buf):
    """The (field number, wire type, value) of a protobuf message, in order; bytes for LEN."""
    out, i = [], 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise Malformed("field number 0")
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            if i + 8 > len(buf):
                raise Malformed("truncated fixed64")
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(buf, i)
            if i + length > len(buf):
                raise Malformed(f"field {number}: length {length} past the end")
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            if i + 4 > len(buf):
                raise Malformed("truncated fixed32")
            value, i = buf[i:i + 4], i + 4
        else:
            raise Malformed(f"field {number}: wire type {wire}")
        out.append((number, wire, value))
    return out


def messages(buf, number):
    return [v for n, w, v in fields(buf) if n == number and w == 2]


def text(buf, number):
    values = messages(buf, number)
    try:
        return values[-1].decode("utf-8") if values else ""
    except UnicodeDecodeError as e:
        raise Malformed(f"field {number}: not UTF-8") from e


def attributes(buf):
    """Resource attributes (KeyValue key=1, value=2; AnyValue string_value=1)."""
    out = {}
    for kv in messages(buf, 1):
        key = text(kv, 1)
        for value in messages(kv, 2):
            out[key] = text(value, 1)
    return out


def decode_traces(body):
    """ExportTraceServiceRequest: resource_spans=1 { resource=1, scope_spans=2 { spans=2 {
    trace_id=1, span_id=2, name=5 } } }."""
    spans = []
    for resource_spans in messages(body, 1):
        resources = messages(resource_spans, 1)
        service = attributes(resources[-1]).get("service.name", "") if resources else ""
        for scope_spans in messages(resource_spans, 2):
            for span in messages(scope_spans, 2):
                trace_id, span_id = messages(span, 1), messages(span, 2)
                if len(trace_id) != 1 or len(trace_id[0]) != 16 or len(span_id) != 1 or len(span_id[0]) != 8:
                    raise Malformed("a span needs a 16-byte trace_id and an 8-byte span_id")
                spans.append({"service_name": service, "name": text(span, 5),
                              "trace_id": trace_id[0].hex(), "span_id": span_id[0].hex()})
    if not spans:
        raise Malformed("no span in the request")
    return spans


def config(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"otlp.py: {name} is not set (the dashboard must be configured as aspirec writes it)")
    return value


class Otlp(BaseHTTPRequestHandler):
    def answer(self, status, body=b"", kind="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("x-otlp-api-key") != API_KEY:
            with LOCK:
                STATE["rejected"] += 1
            return self.answer(401, b"x-otlp-api-key missing or wrong")
        if self.path != "/v1/traces":
            return self.answer(404, b"this stand-in receives traces only (/v1/traces)")
        if self.headers.get("Content-Type") != "application/x-protobuf":
            return self.answer(415, b"expected application/x-protobuf")
        try:
            spans = decode_traces(body)
        except Malformed as e:
            return self.answer(400, f"not an ExportTraceServiceRequest: {e}".encode())
        with LOCK:
            SPANS.extend(spans)
        # An empty ExportTraceServiceResponse.
        self.answer(200, b"", "application/x-protobuf")

    def log_message(self, *args):
        pass


class Ui(Otlp):
    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        token = urllib.parse.parse_qs(url.query).get("t", [""])[0]
        if token != BROWSER_TOKEN:
            return self.answer(401, b"browser token missing or wrong")
        if url.path == "/login":
            return self.answer(200, b"logged in")
        if url.path == "/api/telemetry":
            with LOCK:
                data = dict(STATE, spans=list(SPANS))
            return self.answer(200, json.dumps(data).encode(), "application/json")
        self.answer(404)

    def do_POST(self):  # noqa: N802
        self.answer(405)


def grpc_port():
    with socket.create_server(("", GRPC_PORT)) as server:
        while True:
            conn, _ = server.accept()
            with LOCK:
                STATE["grpc_connections"] += 1
            conn.close()


def serve(port, handler):
    ThreadingHTTPServer(("", port), handler).serve_forever()


if __name__ == "__main__":
    if config("DASHBOARD__FRONTEND__AUTHMODE") != "BrowserToken" or config("DASHBOARD__OTLP__AUTHMODE") != "ApiKey":
        sys.exit("otlp.py: expected the BrowserToken and ApiKey auth modes")
    BROWSER_TOKEN = config("DASHBOARD__FRONTEND__BROWSERTOKEN")
    API_KEY = config("DASHBOARD__OTLP__PRIMARYAPIKEY")
    threading.Thread(target=grpc_port, daemon=True).start()
    threading.Thread(target=serve, args=(HTTP_PORT, Otlp), daemon=True).start()
    serve(UI_PORT, Ui)
