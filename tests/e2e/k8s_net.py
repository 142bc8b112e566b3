#!/usr/bin/env python3
"""The network half of tests/e2e/k8s.py's kubelet on Docker: runs INSIDE containers of the base image
(Python standard library only), configured by JSON files that k8s.py rewrites on the host.

  k8s_net.py service DIR    one Kubernetes Service (what kube-proxy does for a ClusterIP): this
                            container's IP is the Service's ClusterIP and its network alias the
                            Service's DNS name. DIR/endpoints.json is {"<port>": ["<pod ip>:<target
                            port>", ...]}: the ready endpoints of each Service port. A port with no
                            ready endpoint has no listener, so a connection is refused, as kube-proxy
                            rejects traffic to a Service without endpoints; with endpoints, each
                            connection goes to the next endpoint in turn.
  k8s_net.py ingress DIR    a minimal ingress controller on port 80: DIR/ingress.json is
                            [{"host", "path", "backend": "<service dns name>:<port>"}] (pathType
                            Prefix only); a request is routed by its Host header and path to the
                            Service, by the Service's DNS name and port, as the Ingress says. Each TCP
                            connection is routed by its first request (clients send Connection: close).

The files are re-read when they change (k8s.py replaces them atomically).
"""

import json
import os
import selectors
import socket
import sys
import threading
import time

POLL = 0.2  # seconds between looks at the configuration file


def splice(a, b):
    """Copy bytes both ways between two connected sockets until either side closes."""

    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (dst, src):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    t = threading.Thread(target=pump, args=(b, a), daemon=True)
    t.start()
    pump(a, b)
    t.join()
    a.close()
    b.close()


def watch(path, default):
    """A generator of the file's JSON content, yielding a new value whenever the file changes."""
    last = None
    value = default
    while True:
        try:
            mtime = os.stat(path).st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if mtime != last:
            last = mtime
            try:
                value = json.load(open(path, encoding="utf-8")) if mtime is not None else default
            except (OSError, ValueError):
                last = None  # caught mid-write (it is renamed into place, so only on a race): read again
        yield value


def serve_service(state):
    sel = selectors.DefaultSelector()
    listeners = {}  # port -> listening socket
    turn = {}  # port -> round-robin counter
    table = {}
    for table in watch(os.path.join(state, "endpoints.json"), {}):
        # Open a listener for each port that has endpoints, close those that lost them.
        for port, endpoints in table.items():
            port = int(port)
            if endpoints and port not in listeners:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", port))
                s.listen(128)
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, port)
                listeners[port] = s
        for port in [p for p in listeners if not table.get(str(p))]:
            sel.unregister(listeners[port])
            listeners.pop(port).close()
        for key, _ in sel.select(timeout=POLL):
            port = key.data
            try:
                conn, _ = key.fileobj.accept()
            except OSError:
                continue
            conn.setblocking(True)
            endpoints = table.get(str(port)) or []
            if not endpoints:
                conn.close()
                continue
            n = turn.get(port, 0)
            turn[port] = n + 1
            target = endpoints[n % len(endpoints)]
            threading.Thread(target=forward, args=(conn, target), daemon=True).start()


def forward(conn, target):
    host, _, port = target.rpartition(":")
    try:
        backend = socket.create_connection((host, int(port)), timeout=5)
        backend.settimeout(None)
    except OSError:
        conn.close()  # as a connection to a pod that does not listen: reset
        return
    splice(conn, backend)


def path_matches(prefix, path):
    """pathType Prefix: element-wise prefix of the URL path split by '/' (Kubernetes' rule)."""
    if prefix == "/":
        return True
    want = [p for p in prefix.split("/") if p]
    have = [p for p in path.split("?")[0].split("/") if p]
    return have[: len(want)] == want


def serve_ingress(state):
    rules_file = watch(os.path.join(state, "ingress.json"), [])
    rules = [next(rules_file)]

    def refresh():
        while True:
            rules[0] = next(rules_file)
            time.sleep(POLL)

    threading.Thread(target=refresh, daemon=True).start()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", 80))
    srv.listen(128)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=route, args=(conn, rules[0]), daemon=True).start()


def respond(conn, status, text):
    body = (text + "\n").encode()
    conn.sendall(f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                 f"Connection: close\r\n\r\n".encode() + body)
    conn.close()


def route(conn, rules):
    conn.settimeout(10)
    head = b""
    try:
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = conn.recv(65536)
            if not data:
                break
            head += data
    except OSError:
        conn.close()
        return
    lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    path = parts[1] if len(parts) >= 2 else "/"
    host = next((h.split(":", 1)[1].strip() for h in lines[1:] if h.lower().startswith("host:")), "")
    host = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    # The longest matching path of the rules of this host (Kubernetes: longest Prefix wins).
    best = None
    for rule in rules:
        # A rule without a host matches every host (k8s.py refuses wildcard hosts).
        if rule["host"].lower() in ("", host.lower()) and path_matches(rule["path"], path):
            if best is None or len(rule["path"]) > len(best["path"]):
                best = rule
    if best is None:
        respond(conn, "404 Not Found", f"no Ingress rule for host {host!r} and path {path!r}")
        return
    target_host, _, target_port = best["backend"].rpartition(":")
    try:
        backend = socket.create_connection((target_host, int(target_port)), timeout=5)
        backend.settimeout(None)
    except OSError as e:
        respond(conn, "503 Service Unavailable", f"backend {best['backend']}: {e}")
        return
    conn.settimeout(None)
    backend.sendall(head)
    splice(conn, backend)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("service", "ingress"):
        sys.exit(__doc__)
    (serve_service if sys.argv[1] == "service" else serve_ingress)(sys.argv[2])
