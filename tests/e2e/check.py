#!/usr/bin/env python3
"""The assertions of the end-to-end test (Python standard library only; run on the host by run.sh).

  check.py write-env SCENARIO EXAMPLE OUT     .env from aspirec's .env.example, filled as a user would
                                               (k8s.py fills the Kubernetes secrets.env with the same values)
  check.py images COMPOSE_JSON [--services]    the images Compose must find (services with no build:),
                                               or the names of those services
  check.py projects COMPOSE_JSON               "<service> <image>" of every service with a build:
  check.py shop URL                            the checks of the deployment of tests/e2e/shop.toml
                                               (URL: web's published port)
  check.py manifest URL EXTERNAL COMPOSE_JSON  the checks of a corpus manifest's deployment (URL:
                                               the published port of the external project EXTERNAL)

E2E_PROJECT and E2E_COMPOSE_FILE name the deployment: the harness reaches services that are not
published by `docker compose exec` into a test-app container. tests/e2e/k8s.py imports this module
and runs the same checks on its pods, through REACH (below) and PREFIX.
  check.py persist write|read TOKEN            a marker in every backing service, before and after
                                               run.sh recreates them (their data volumes)
  check.py record NAME ok|fail DETAIL          one result of run.sh's own (a deployment that failed)
  check.py summary                             every result so far; exit 1 on any failure

Results go to $E2E_RESULTS (JSON lines): one per check, status PASS, FAIL, or XFAIL (a known
limitation that is not aspirec's, named with its reason; not counted). A check that was expected
and is missing is a FAIL, never a skip.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# The folder of this file and shop.toml (the config files it mounts are read beside it).
HERE = Path(__file__).resolve().parent

# --- the values the harness supplies through .env (as a user fills .env.example) -------------------

# Passwords use the special characters Aspire's generator may use (-_.{}~()*+!), plus what a person
# might type ($, spaces, quotes, backslashes, #, non-ASCII), to find quoting mistakes. None holds a
# single quote: each is written to .env single-quoted, which Compose takes literally.
SHOP_ENV = {
    "STRIPE_KEY": 'sk_test_$ecret#1 "q" \\ ✓ ${HOME}',
    "PG_PASSWORD": "Pg-_.{}~()*+!9 x$y",
    "CACHE_PASSWORD": 'Rd-_.~()*+!$HOME "q"',
    "KV_PASSWORD": "kvGeneratedStyle22chars9",
    "BUS_PASSWORD": "Bus-_.~()*+!$ x",
    "LEGACY_PASSWORD": 'My-_.~()*+!$ "q" \\x',
}

# The Aspire dashboard's secrets (aspirec's implicit parameters; its generation rule is letters and
# digits, since the token goes into a URL and the key into OTEL_EXPORTER_OTLP_HEADERS).
DASHBOARD_ENV = {
    "ASPIRE_DASHBOARD_BROWSER_TOKEN": "BrowserTok3nLettersAndDigits0123",
    "ASPIRE_DASHBOARD_OTLP_API_KEY": "OtlpApiKeyLettersAndDigits456789",
}
SHOP_ENV.update(DASHBOARD_ENV)

# The corpus manifest's deployment: Aspire-style generated values (Postgres may have specials).
MANIFEST_ENV_VALUE = {
    "POSTGRES_PASSWORD": "PgGen-_.{}~()*+!4Kx9Qz",
}
GENERATED = "AbcDefGhjKmnPqrStuVwXyz23"  # what a generator without specials gives


def uri_encoded(value):
    """RFC 3986 percent-encoding of everything but unreserved characters, as .env.example asks."""
    return urllib.parse.quote(value, safe="-._~")


def quote_env(value):
    if "'" in value:
        raise ValueError("a single-quoted .env value cannot hold a single quote")
    return "'" + value + "'"


def write_env(scenario, example, out, style="compose"):
    """Copy .env.example to .env and fill in every empty required value, as its comments say.

    Filled: the secrets of the scenario, and each <X>_URI_ENCODED as the percent-encoding of <X>
    where that differs from <X> (.env.example: set it for any value with other characters than
    letters, digits and -._~).
    Everything else is left as aspirec wrote it (empty optional parameters keep their defaults).

    style="k8s": the Kubernetes output's secrets.env.example instead, for `kubectl create secret
    generic --from-env-file`: every value is filled (it says "fill in every value"; <X>_URI_ENCODED
    too, equal to <X> when encoding changes nothing, since nothing falls back to <X> there), and
    values are written as they are (it says: no quotes, no escapes).
    """
    lines = open(example, encoding="utf-8").read().split("\n")
    keys = [m.group(1) for m in (re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=", l) for l in lines) if m]
    values = {}
    for key in keys:
        if scenario == "shop" and key in SHOP_ENV:
            values[key] = SHOP_ENV[key]
        elif scenario == "manifest" and key in DASHBOARD_ENV:
            values[key] = DASHBOARD_ENV[key]
        elif scenario == "manifest" and key.endswith("_PASSWORD"):
            values[key] = MANIFEST_ENV_VALUE.get(key, GENERATED)
    for key in keys:
        base = key[: -len("_URI_ENCODED")]
        # Left empty when encoding changes nothing, as .env.example allows: compose.yaml falls back
        # to the plain value (${X_URI_ENCODED:-${X}}), and that path is tested too (KV_PASSWORD).
        if key.endswith("_URI_ENCODED") and base in values and (
                style == "k8s" or uri_encoded(values[base]) != values[base]):
            values[key] = uri_encoded(values[base])
    if scenario == "shop":
        missing = sorted(set(SHOP_ENV) - set(keys))
        if missing:
            sys.exit(f".env.example has no line for {', '.join(missing)}")
    out_lines = []
    for line in lines:
        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if m and m.group(1) in values:
            if m.group(2) != "":
                sys.exit(f".env.example already has a value for {m.group(1)}: {m.group(2)}")
            value = values[m.group(1)]
            if style == "k8s":
                if "\n" in value or value != value.strip():
                    raise ValueError(f"{m.group(1)}: an env-file value cannot hold a newline or edge spaces")
                line = f"{m.group(1)}={value}"
            else:
                line = f"{m.group(1)}={quote_env(value)}"
        out_lines.append(line)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(out_lines))
    with open(out + ".values.json", "w", encoding="utf-8") as f:
        json.dump(values, f)


# --- results ---------------------------------------------------------------------------------------


# Put before every result's name (k8s.py: "k8s: "), so that two deployments of one model differ.
PREFIX = ""


def record(name, status, detail):
    with open(os.environ["E2E_RESULTS"], "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": PREFIX + name, "status": status, "detail": detail}, ensure_ascii=False) + "\n")


def short(value, limit=150):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def summary():
    rows = [json.loads(l) for l in open(os.environ["E2E_RESULTS"], encoding="utf-8") if l.strip()]
    width = max([len(r["name"]) for r in rows] + [10])
    print()
    print(f"{'status':6}  {'check':{width}}  detail")
    for r in rows:
        print(f"{r['status']:6}  {r['name']:{width}}  {short(r['detail'])}")
    passed = sum(r["status"] == "PASS" for r in rows)
    failed = sum(r["status"] == "FAIL" for r in rows)
    xfail = sum(r["status"] == "XFAIL" for r in rows)
    print()
    if xfail:
        print(f"({xfail} known limitations, not aspirec's, are listed as XFAIL and not counted)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not rows else 0


# --- talking to the deployment -------------------------------------------------------------------


class ComposeReach:
    """How the checks reach a Compose deployment (E2E_PROJECT, E2E_COMPOSE_FILE). k8s.py installs
    its own (same methods) in REACH, so that the same checks run on its pods."""

    ready_event = "`up --wait` returned"  # when the first round of checks runs

    def exec_argv(self, service):
        """The command line that runs a program in a container of service (a test app)."""
        return ["docker", "compose", "-p", os.environ["E2E_PROJECT"], "-f", os.environ["E2E_COMPOSE_FILE"],
                "exec", "-T", service]

    def is_instance(self, name, service):
        """Whether the container name a /ping answered with is one of service's: <project>-<service>-<n>."""
        return re.search(rf"-{re.escape(service)}-\d+$", name) is not None

    def recreated(self, service):
        """How run.sh recreates a backing service between `persist write` and `persist read`."""
        return f"`up --force-recreate {service}`"


REACH = ComposeReach()


def get_json(url, timeout=60, host=None):
    """GET url (JSON) from the host; host: the Host header to send (an Ingress rule's host)."""
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def inside(service, url, timeout=150):
    """GET url (JSON) from inside the deployment's network: a program run in service's container
    (the test app's, by REACH.exec_argv), whose Python fetches it. This does not depend on any port
    being published."""
    code = ("import sys, urllib.request; "
            "sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=120).read())")
    cmd = REACH.exec_argv(service) + ["python3", "-c", code, url]
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no output)"]
        raise RuntimeError(f"GET {url} from {service}: {lines[-1]}")
    return json.loads(done.stdout)


def expect_env(prefix, env, expected):
    """Byte-exact comparison of the environment an app sees with what the harness expects."""
    for key, value in expected.items():
        name = f"{prefix}/env:{key}"
        if key not in env:
            record(name, "FAIL", "missing from the environment")
        elif env[key] != value:
            record(name, "FAIL", f"got {env[key]!r}, expected {value!r}")
        else:
            record(name, "PASS", f"{value!r}")


def expect_checks(prefix, results, expected, xfail=None):
    """Every expected check present and ok; checks the app ran beyond those must be ok too.

    xfail: {check: (regex of the detail, reason)}, a known limitation that is not aspirec's: shown
    as XFAIL when the check fails with a matching detail.
    """
    xfail = xfail or {}
    for check in expected:
        if check not in results:
            record(f"{prefix}/{check}", "FAIL", "the app did not run this check (missing from /e2e)")
    for check, r in results.items():
        name = f"{prefix}/{check}"
        if r["ok"]:
            record(name, "PASS", r["detail"])
        elif check in xfail and re.search(xfail[check][0], r["detail"]):
            record(name, "XFAIL", f"{xfail[check][1]}: {r['detail']}")
        else:
            record(name, "FAIL", r["detail"])


# --- the deployment of tests/e2e/shop.toml ------------------------------------------------------------

BACKING = {  # the backing services both apps reference, by the name they reference
    "catalogdb": ("postgres", ["connection_string", "server", "properties", "uri"]),
    "billing": ("mysql", ["connection_string", "properties", "uri"]),
    "cache": ("redis", ["connection_string", "properties", "uri"]),
    "kv": ("redis", ["connection_string", "properties", "uri"]),
    "bus": ("rabbitmq", ["connection_string", "properties", "uri", "management"]),
}


def backing_checks(names):
    checks = [f"{BACKING[n][0]}:{n}:{how}" for n in names for how in BACKING[n][1]]
    # wait_for covers every one of them, so each must have answered the app's first attempt.
    return checks + [f"startup:{n}" for n in names]


def shop_env_expected():
    s = SHOP_ENV
    both = {
        "CATALOGDB_PASSWORD": s["PG_PASSWORD"],
        "CACHE_PASSWORD": s["CACHE_PASSWORD"],
        "KV_PASSWORD": s["KV_PASSWORD"],
        "BUS_PASSWORD": s["BUS_PASSWORD"],
        "BILLING_PASSWORD": s["LEGACY_PASSWORD"],
    }
    web = dict(both, **{
        # the secret, supplied through .env
        "STRIPE_KEY": s["STRIPE_KEY"],
        "STRIPE_MIXED": "key=" + s["STRIPE_KEY"] + ";mode=$live {x}",
        # a parameter's default, left empty in .env (a parameter value is not an expression string)
        "GREETING": "hi $USER {{braces}} $$ }} end",
        # literal values of the model (shop.toml), after TOML's own escapes and the model's {{ }}
        "LIT_DOLLAR": "cost $5, $HOME, ${HOME}, $$, $(date), $",
        "LIT_BRACES": "{ not an expression } and {x}",
        "LIT_QUOTES": "single ' double \" backtick `",
        "LIT_BACKSLASH": r"C:\path\to\file \n stays \\ two \"",
        "LIT_NEWLINE": "line1\nline2\n",
        "LIT_TAB": "a\tb",
        "LIT_UNICODE": "héllo wörld ✓ 日本 🚀",
        "LIT_YAMLISH": "yes",
        "LIT_OCTAL": "0644",
        "LIT_SPACES": "  padded  ",
        "LIT_HASH": "#not a comment",
    })
    catalog = dict(both, LOG_LEVEL="info")
    # [observability] of shop.toml: the dashboard, over OTLP/HTTP (the test app has no gRPC).
    for name, env in (("web", web), ("catalog", catalog)):
        env.update({
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://aspire-dashboard:18890",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_SERVICE_NAME": name,
            "OTEL_EXPORTER_OTLP_HEADERS": "x-otlp-api-key=" + s["ASPIRE_DASHBOARD_OTLP_API_KEY"],
        })
    return web, catalog


def check_ping(name, answer, service):
    """A /ping answer must come from the service's own container (REACH.is_instance)."""
    if not REACH.is_instance(answer["name"], service):
        raise RuntimeError(f"answered by {answer['name']}, not {service}")
    record(name, "PASS", f"answered by {answer['name']} on port {answer['port']}")


def settled_checks(prefix, fetch, deadline_s=90):
    """The app's /e2e, first as soon as `up --wait` returned, then until it settles.

    The first answer must already be all ok (`up --wait` returns when every health check passes, and
    wait_for became depends_on service_healthy): what failed then is reported as one check. The
    checks are then asked again until they pass or the deadline, so that a service that becomes
    ready late does not hide whether its values are right. startup:* are never asked again.
    """
    results = fetch()
    early = sorted(c for c, r in results.items() if not r["ok"] and not c.startswith("startup:"))
    record(f"{prefix}/all ready when {REACH.ready_event}", "FAIL" if early else "PASS",
           ("not yet: " + ", ".join(early)) if early else "every check passed on the first attempt")
    deadline = time.monotonic() + deadline_s
    while early and time.monotonic() < deadline:
        time.sleep(3)
        again = fetch()
        results.update({c: r for c, r in again.items() if not c.startswith("startup:")})
        early = [c for c, r in results.items() if not r["ok"] and not c.startswith("startup:")]
    return results


def check_shop(url, host=None, via="published"):
    """url: where web's external endpoint is reached from the host; host: the Host header to send
    (k8s.py: the Ingress rule's host); via: how, for the check's name."""
    backing = list(BACKING)
    env_web, env_catalog = shop_env_expected()
    web_checks = backing_checks(backing) + ["http:catalog:services__catalog__http__0", "http:catalog:CATALOG_HTTP",
                                            "otlp:traces"]
    exported = {}
    # web: external, target port 5000, reached through the host port Compose published for 5000.
    ping = f"web/ping on target port 5000 ({via})"
    try:
        check_ping(ping, get_json(url + "/ping", host=host), "web")
        expect_env("web", get_json(url + "/env", host=host), env_web)
        exported["web"] = settled_checks("web", lambda: get_json(url + "/e2e", timeout=150, host=host))
        expect_checks("web", exported["web"], web_checks)
        check_files(lambda path: get_json(url + "/file?path=" + urllib.parse.quote(path), host=host))
    except Exception as e:  # noqa: BLE001
        record(ping, "FAIL", f"GET {url}/ping: {e} (the app listens on HTTP_PORTS, else 8080)")
        record("web/env and checks", "FAIL", f"not run ({len(web_checks)} checks, {len(env_web)} values): "
               "web did not answer on its target port")
    # catalog: internal, target port 8080, reached by its service name from web's container.
    try:
        check_ping("catalog/ping on target port 8080", inside("web", "http://catalog:8080/ping"), "catalog")
    except Exception as e:  # noqa: BLE001
        record("catalog/ping on target port 8080", "FAIL", str(e))
        return
    expect_env("catalog", inside("web", "http://catalog:8080/env"), env_catalog)
    # catalog references bus plainly: a broker gives its connection information, not its
    # endpoints (Aspire's rule), so there is no management address to check; web asks for it.
    catalog_checks = [c for c in backing_checks(backing) if c != "rabbitmq:bus:management"] + ["otlp:traces"]
    # catalog waits for the job `migrate` (issue 18): its table is there at catalog's start.
    catalog_checks.append("startup:migration")
    exported["catalog"] = settled_checks("catalog", lambda: inside("web", "http://catalog:8080/e2e"))
    expect_checks("catalog", exported["catalog"], catalog_checks)
    check_dashboard(exported)


def dashboard_telemetry(via):
    """What the dashboard (its stand-in, tests/e2e/images/aspire-dashboard) received, asked from
    via's container with the browser token."""
    token = DASHBOARD_ENV["ASPIRE_DASHBOARD_BROWSER_TOKEN"]
    return inside(via, f"http://aspire-dashboard:18888/api/telemetry?t={token}")


def check_dashboard(exported):
    """Each app's span (the trace id its otlp:traces check reported) arrived at the dashboard,
    under the service name OTEL_SERVICE_NAME gave it; nothing was refused for a wrong API key."""
    try:
        received = dashboard_telemetry("web")
    except Exception as e:  # noqa: BLE001
        for service in exported:
            record(f"dashboard/span of {service} received", "FAIL", str(e))
        return
    for service, results in exported.items():
        check = f"dashboard/span of {service} received"
        detail = (results.get("otlp:traces") or {}).get("detail", "")
        m = re.search(r"trace_id=([0-9a-f]{32})", detail)
        if not m:
            record(check, "FAIL", f"{service} reported no exported span: {detail!r}")
            continue
        spans = [sp for sp in received["spans"] if sp["trace_id"] == m.group(1)]
        if not spans:
            record(check, "FAIL", f"no span with trace_id {m.group(1)} among {len(received['spans'])} received")
        elif spans[0]["service_name"] != service:
            record(check, "FAIL", f"trace {m.group(1)} arrived as service.name {spans[0]['service_name']!r}")
        else:
            record(check, "PASS", f"span {spans[0]['name']!r} trace {m.group(1)} as service.name {service!r}")
    record("dashboard/no export refused for its API key", "PASS" if received["rejected"] == 0 else "FAIL",
           f"{received['rejected']} refused, {len(received['spans'])} spans received")


# Config files of web in shop.toml (issue 18): mounted path -> the file beside the model.
FILES = {
    "/etc/e2e/settings.json": "config/settings.json",
    "/etc/e2e/config/settings.json": "config/settings.json",
    "/etc/e2e/config/notes.txt": "config/notes.txt",
}


def check_files(fetch):
    """Each mounted file, read by web, is the model's file byte for byte."""
    import base64

    for mounted, source in FILES.items():
        name = f"web/file {mounted}"
        try:
            got = base64.b64decode(fetch(mounted)["base64"])
        except Exception as e:  # noqa: BLE001
            record(name, "FAIL", f"not read: {e}")
            continue
        want = (HERE / source).read_bytes()
        record(name, "PASS" if got == want else "FAIL",
               f"{len(got)} bytes, the same as {source}" if got == want else f"{got!r} != {want!r}")


# Persistent in shop.toml (a data volume, the default): what the app wrote must survive the
# recreation of their containers. kv has `persistent = false`, so nothing is expected of it.
PERSISTENT = {"catalogdb": "pg", "billing": "legacy", "cache": "cache", "bus": "bus"}


def check_persist(op, token):
    """Through catalog, which references every backing service."""
    deadline = time.monotonic() + 90
    while True:
        try:
            results = inside("catalog", f"http://catalog:8080/persist?op={op}&token={token}")
        except Exception as e:  # noqa: BLE001
            results = {name: {"ok": False, "detail": str(e)} for name in PERSISTENT}
        # A service that does not answer yet is asked again (`found` or `missing` is an answer).
        if all(results.get(n, {}).get("ok") for n in PERSISTENT) or time.monotonic() > deadline:
            break
        time.sleep(3)
    for name, service in PERSISTENT.items():
        check = f"persist/{op}:{name}" if op == "write" else f"persist/{name} survives recreating {service}"
        r = results.get(name)
        if r is None:
            record(check, "FAIL", "the app did not report it")
        elif not r["ok"]:
            record(check, "FAIL", r["detail"])
        elif op == "read" and r["detail"] != "found":
            record(check, "FAIL", f"the marker written before {REACH.recreated(service)} is {r['detail']}")
        else:
            record(check, "PASS", r["detail"])


# --- the deployment of a corpus manifest --------------------------------------------------------------


def check_manifest(url, external, compose_json):
    """Every project answers /ping on its target port, and the checks of what it references pass.

    url: the host URL of the external project `external`; the others are reached from its container.
    """
    config = json.load(open(compose_json, encoding="utf-8"))
    projects = {n: s for n, s in config["services"].items() if "build" in s}
    try:
        check_ping(f"{external}/ping on its published port", get_json(url + "/ping"), external)
    except Exception as e:  # noqa: BLE001
        record(f"{external}/ping on its published port", "FAIL", f"GET {url}/ping: {e}")
    for name, svc in sorted(projects.items()):
        env = svc.get("environment") or {}
        ports = sorted({int(p["target"]) for p in svc.get("ports") or []} | {int(p) for p in svc.get("expose") or []})
        # A project with no endpoint (a worker) listens on the default 8080 all the same.
        port = ports[0] if ports else 8080
        base = f"http://{name}:{port}"
        try:
            check_ping(f"{name}/ping on target port {port}" + ("" if ports else " (no endpoint: the default)"),
                       inside(external, base + "/ping"), name)
        except Exception as e:  # noqa: BLE001
            record(f"{name}/ping on target port {port}", "FAIL", str(e))
            continue
        # Known limitation of manifest input: a database that is only a connection string (value.v0)
        # is created by the app itself in Aspire (EF Core migrations), not at deploy time.
        dbs = [k[len("ConnectionStrings__"):] for k, v in env.items()
               if k.startswith("ConnectionStrings__") and str(v).startswith("Host=") and ";Database=" in str(v)]
        xfail = {f"postgres:{db}:{how}": (rf'database "{db}" does not exist',
                                          "the manifest does not create this database (the app's migrations would)")
                 for db in dbs for how in ("connection_string", "properties", "uri")}
        # Nothing in a manifest says when a backing service is ready (no health checks, no wait_for),
        # so `up --wait` returns once the containers run: ask again until every check that must pass
        # does, or the deadline. The app's first attempts at start-up are not ordered either.
        deadline = time.monotonic() + 150
        while True:
            results = inside(external, base + "/e2e")
            for check in results:
                if check.startswith("startup:"):
                    xfail[check] = (".", "the manifest has no wait_for, so start-up is not ordered")
            failing = [c for c, r in results.items()
                       if not r["ok"] and not (c in xfail and re.search(xfail[c][0], r["detail"]))]
            # An https URL to a port that speaks plain HTTP never starts working: no point waiting.
            if all(c.startswith("http:") for c in failing) or time.monotonic() > deadline:
                break
            time.sleep(3)
        # Everything it references must have been checked: each ConnectionStrings__ and services__.
        refs = {k[len("ConnectionStrings__"):] for k in env if k.startswith("ConnectionStrings__")}
        svcs = {m.group(1) for m in (re.match(r"^services__(.+)__https?__\d+$", k) for k in env) if m}
        for ref in sorted(refs):
            if not any(c.split(":")[1] == ref for c in results if c.count(":") >= 2):
                record(f"{name}/{ref}", "FAIL", "referenced (ConnectionStrings__) but the app found nothing to check")
        for ref in sorted(svcs - refs):
            if not any(c.startswith(f"http:{ref}:") for c in results):
                record(f"{name}/http:{ref}", "FAIL", "referenced (services__) but the app found nothing to check")
        expect_checks(name, results, [], xfail)
    check_gateways(external, config)
    # Aspire's projects export over gRPC (the manifest's default protocol): the stand-in has no
    # gRPC, and the apps only connect (their otlp:traces checks); those connections must arrive.
    exporters = sorted(n for n, s in projects.items() if "OTEL_EXPORTER_OTLP_ENDPOINT" in (s.get("environment") or {}))
    try:
        received = dashboard_telemetry(external)
        ok = received["grpc_connections"] >= len(exporters) > 0
        record("dashboard/gRPC port reached by every exporter", "PASS" if ok else "FAIL",
               f"{received['grpc_connections']} connections, {len(exporters)} exporters ({', '.join(exporters)})")
    except Exception as e:  # noqa: BLE001
        record("dashboard/gRPC port reached by every exporter", "FAIL", str(e))


def check_gateways(external, config):
    """A YARP container (REVERSEPROXY__ROUTES__* in its environment): each route reaches its
    cluster's service, through the stand-in's resolution of Aspire service discovery addresses."""
    for name, svc in sorted(config["services"].items()):
        env = {k.lower(): str(v) for k, v in (svc.get("environment") or {}).items()}
        routes = sorted({k.split("__")[2] for k in env if k.startswith("reverseproxy__routes__")})
        ports = sorted({int(p) for p in svc.get("expose") or []} | {int(p["target"]) for p in svc.get("ports") or []})
        for route in routes:
            path = env.get(f"reverseproxy__routes__{route}__match__path", "")
            cluster = env.get(f"reverseproxy__routes__{route}__clusterid", "").lower()
            dest = next((v for k, v in env.items() if k.startswith(f"reverseproxy__clusters__{cluster}__destinations__")), "")
            target = re.sub(r"^https?://_[^.]+\.", "", dest)
            prefix = path.split("{")[0].rstrip("/")
            check = f"{name}/route {path} -> {target}"
            try:
                check_ping(check, inside(external, f"http://{name}:{ports[0]}{prefix}/ping"), target)
            except Exception as e:  # noqa: BLE001
                record(check, "FAIL", str(e))


def compose_images(compose_json, services=False):
    """The images of the services no one builds (the backing services), or those services' names."""
    config = json.load(open(compose_json, encoding="utf-8"))
    pulled = {n: s["image"] for n, s in config["services"].items() if "build" not in s and "image" in s}
    return sorted(pulled) if services else sorted(set(pulled.values()))


def compose_projects(compose_json):
    config = json.load(open(compose_json, encoding="utf-8"))
    return sorted(f"{n} {s['image']}" for n, s in config["services"].items() if "build" in s)


def main(argv):
    cmd = argv[1]
    if cmd == "write-env":
        write_env(argv[2], argv[3], argv[4])
    elif cmd == "images":
        print("\n".join(compose_images(argv[2], services="--services" in argv)))
    elif cmd == "projects":
        print("\n".join(compose_projects(argv[2])))
    elif cmd == "shop":
        check_shop(argv[2])
    elif cmd == "manifest":
        check_manifest(argv[2], argv[3], argv[4])
    elif cmd == "persist":
        check_persist(argv[2], argv[3])
    elif cmd == "record":
        record(argv[2], "PASS" if argv[3] == "ok" else "FAIL", argv[4])
    elif cmd == "summary":
        return summary()
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
