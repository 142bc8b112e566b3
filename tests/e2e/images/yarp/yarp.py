#!/usr/bin/env python3
"""A stand-in for YARP's container image: routes from the environment, as .NET configuration reads it.

  REVERSEPROXY__ROUTES__<route>__MATCH__PATH           /catalog/{**catch-all}
  REVERSEPROXY__ROUTES__<route>__CLUSTERID             cluster_catalogservice
  REVERSEPROXY__ROUTES__<route>__TRANSFORMS__<i>__PathRemovePrefix   /catalog
  REVERSEPROXY__CLUSTERS__<cluster>__DESTINATIONS__<d>__ADDRESS      http://_http.catalogservice

A destination host of the form _<endpoint>.<service> is resolved the way .NET service discovery
does it, from services__<service>__<endpoint>__0. Keys are case-insensitive, as in .NET.
"""

import os
import re
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def config():
    """{route: {...}} and {cluster: [address]} from the environment."""
    routes, clusters = {}, {}
    for key, value in os.environ.items():
        parts = key.lower().split("__")
        if parts[:2] == ["reverseproxy", "routes"] and len(parts) >= 4:
            route = routes.setdefault(parts[2], {"transforms": {}})
            if parts[3:] == ["match", "path"]:
                route["path"] = value
            elif parts[3:] == ["clusterid"]:
                route["cluster"] = value.lower()
            elif parts[3] == "transforms" and len(parts) == 6:
                route["transforms"].setdefault(parts[4], {})[parts[5]] = value
        elif parts[:2] == ["reverseproxy", "clusters"] and len(parts) == 6 and parts[3] == "destinations":
            clusters.setdefault(parts[2], []).append(value)
    return routes, clusters


def template_regex(path):
    """ASP.NET Core route template to a regex: {**x} and {*x} match the rest, {x} one segment."""
    out, pos = "", 0
    for m in re.finditer(r"\{(\*{0,2})([^}]*)\}", path):
        out += re.escape(path[pos:m.start()]) + (".*" if m.group(1) else "[^/]+")
        pos = m.end()
    return re.compile("^" + out + re.escape(path[pos:]) + "$", re.IGNORECASE)


def resolve(address):
    """http://_http.catalogservice -> services__catalogservice__http__0 (service discovery)."""
    m = re.match(r"^(https?)://_([^.]+)\.([^/:]+)(.*)$", address)
    if not m:
        return address
    env = {k.lower(): v for k, v in os.environ.items()}
    found = env.get(f"services__{m.group(3).lower()}__{m.group(2).lower()}__0")
    if found is None:
        raise LookupError(f"service discovery: no services__{m.group(3)}__{m.group(2)}__0 for {address}")
    return found.rstrip("/") + m.group(4)


ROUTES, CLUSTERS = config()


class Proxy(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        path, _, query = self.path.partition("?")
        for name in sorted(ROUTES):
            route = ROUTES[name]
            if "path" not in route or not template_regex(route["path"]).match(path):
                continue
            for t in route["transforms"].values():
                prefix = {k.lower(): v for k, v in t.items()}.get("pathremoveprefix")
                if prefix and path.lower().startswith(prefix.lower()):
                    path = path[len(prefix):] or "/"
            try:
                target = resolve(CLUSTERS[route["cluster"]][0]).rstrip("/") + path + ("?" + query if query else "")
                with urllib.request.urlopen(target, timeout=10) as resp:
                    status, body, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                status, body, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
            except Exception as e:  # noqa: BLE001 - a bad gateway, as YARP answers
                status, body, ctype = 502, f"{type(e).__name__}: {e}".encode(), "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()


def ports():
    urls = os.environ.get("ASPNETCORE_URLS") or os.environ.get("URLS")
    if urls:
        return sorted({int(p) for p in re.findall(r":(\d+)(?:/|;|$)", urls)})
    for name in ("HTTP_PORTS", "DOTNET_HTTP_PORTS", "ASPNETCORE_HTTP_PORTS"):
        if os.environ.get(name):
            return sorted({int(p) for p in os.environ[name].split(";") if p.strip()})
    return [5000]


if __name__ == "__main__":
    import threading

    servers = [ThreadingHTTPServer(("0.0.0.0", p), Proxy) for p in ports()]
    print(f"yarp stand-in: {len(ROUTES)} routes, listening on {ports()}", flush=True)
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    servers[0].serve_forever()
