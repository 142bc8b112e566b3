#!/usr/bin/env python3
"""The end-to-end test app: a stand-in for an ASP.NET Core project deployed from aspirec's output.

It reads only what the deployment gives it (the environment aspirec injected) and proves each piece
against the real services:

- it listens where an ASP.NET Core app would (listen_ports below): the contract under test is that
  a project on a target port other than 8080 is told so through HTTP_PORTS;
- GET /ping       {"name": <its container name>, "port": <the port that answered>}
- GET /healthz    "ok"
- GET /env        the environment it sees, as JSON (the harness compares values byte for byte)
- GET /e2e        runs every check and returns {check: {"ok": bool, "detail": str}}
- GET /persist?op=write|read&token=T  stores T in every backing service, or says whether each
                  still has it (the harness recreates the services in between: data volumes)

Checks are found from the environment, as a real app would configure its clients: every
ConnectionStrings__<name> of a kind it knows (Postgres, MySQL, Redis/Valkey, RabbitMQ) is used
through the connection string, through the <NAME>_HOST/_PORT/_USERNAME/_PASSWORD properties and
through <NAME>_URI; every services__<svc>__<scheme>__<i> and <SVC>_HTTP(S) URL is called.
When OTEL_EXPORTER_OTLP_ENDPOINT is set (the Aspire dashboard, or a collector), /e2e also exports one
span there (`otlp:traces`), over OTLP/HTTP with protobuf encoded by hand and the OTEL_EXPORTER_OTLP_HEADERS,
naming the service OTEL_SERVICE_NAME; under gRPC, which it cannot speak, it only connects.
At start, before it serves, it tries ONE connection to each of those backing services and records
whether it succeeded the first time (`startup:<name>`): with Compose's depends_on service_healthy
they must all be ready by then.

Jobs and files (issue 18):
- `app.py migrate` (a model `job`): creates the table `e2e_migration` in the database of
  ConnectionStrings__$E2E_MIGRATION_DB, writes one row, and exits 0;
- an app with E2E_MIGRATION_DB set checks at start, before it serves, that the row is there
  (`startup:migration`): it waits for the job, so the job must have completed by then;
- GET /file?path=P  {"base64": <the bytes of file P>} (a mounted config file, compared byte for
  byte by the harness).
"""

import json
import os
import re
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TIMEOUT = 5  # seconds, for every connection attempt


def listen_ports():
    """The ports Kestrel (ASP.NET Core 8 and later) would listen on.

    URLS (ASPNETCORE_URLS) wins when set, as in Kestrel; otherwise HTTP_PORTS (`;`-separated; the
    unprefixed variable, which Aspire sets, wins over ASPNETCORE_HTTP_PORTS, which the official
    aspnet images set to 8080, as in .NET's configuration order); otherwise 8080.
    """
    urls = os.environ.get("ASPNETCORE_URLS") or os.environ.get("URLS")
    if urls:
        ports = []
        for url in urls.split(";"):
            # http://+:5000, http://*:5000, http://0.0.0.0:5000, http://localhost:5000
            m = re.match(r"^\s*https?://[^/]*:(\d+)", url)
            if m:
                ports.append(int(m.group(1)))
        if ports:
            return sorted(set(ports))
    for name in ("HTTP_PORTS", "DOTNET_HTTP_PORTS", "ASPNETCORE_HTTP_PORTS"):
        value = os.environ.get(name)
        if value:
            return sorted({int(p) for p in value.split(";") if p.strip()})
    return [8080]


def ptr_lookup(ip, server="127.0.0.11"):
    """The PTR name of ip from Docker's embedded DNS server (/etc/hosts would only give the
    container id): one UDP query, by hand, since the standard library has no DNS client."""
    import random
    import struct

    qid = random.randrange(65536)
    labels = list(reversed(ip.split("."))) + ["in-addr", "arpa"]
    qname = b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"
    query = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 12, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(query, (server, 53))
        data = sock.recv(4096)
    rid, _flags, qd, an = struct.unpack(">HHHH", data[:8])
    if rid != qid or an == 0:
        raise OSError("no PTR answer")

    def name_at(pos):  # a DNS name, following compression pointers
        parts = []
        while data[pos]:
            if data[pos] & 0xC0 == 0xC0:
                return parts + name_at(((data[pos] & 0x3F) << 8) | data[pos + 1])[0], pos + 2
            parts.append(data[pos + 1:pos + 1 + data[pos]].decode())
            pos += 1 + data[pos]
        return parts, pos + 1

    pos = 12
    for _ in range(qd):  # skip the question
        pos = name_at(pos)[1] + 4
    pos = name_at(pos)[1]  # the answer's owner name
    rtype, _cls, _ttl, _len = struct.unpack(">HHIH", data[pos:pos + 10])
    if rtype != 12:
        raise OSError("not a PTR answer")
    return ".".join(name_at(pos + 10)[0])


def own_name():
    """This container's name (Compose: <project>-<service>-<n>), from Docker's DNS (PTR)."""
    try:
        ip = socket.gethostbyname(socket.gethostname())
        return ptr_lookup(ip).split(".")[0].lower()  # DNS names are case-insensitive
    except OSError:
        return socket.gethostname()


NAME = own_name()


def env_key(name):
    """Aspire's <NAME>_ prefix: upper case, every character outside [A-Za-z0-9_] becomes _."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name).upper()


def parse_ado(cs):
    """An ADO.NET connection string (DbConnectionStringBuilder's rules, in short): key=value pairs
    separated by `;`, keys case-insensitive, values trimmed unless quoted with ' or "."""
    result, i, n = {}, 0, len(cs)
    while i < n:
        eq = cs.find("=", i)
        if eq < 0:
            if cs[i:].strip():
                raise ValueError(f"no '=' in {cs[i:]!r}")
            break
        key = cs[i:eq].strip().lower()
        j = eq + 1
        while j < n and cs[j] == " ":
            j += 1
        if j < n and cs[j] in "\"'":
            quote, j, value = cs[j], j + 1, ""
            while j < n:
                if cs[j] == quote:
                    if j + 1 < n and cs[j + 1] == quote:  # a doubled quote is one quote
                        value += quote
                        j += 2
                        continue
                    break
                value += cs[j]
                j += 1
            j += 1
            end = cs.find(";", j)
            end = n if end < 0 else end
        else:
            end = cs.find(";", j)
            end = n if end < 0 else end
            value = cs[j:end].strip()
        result[key] = value
        i = end + 1
    return result


def pick(d, *keys):
    for k in keys:
        if k in d:
            return d[k]
    return None


# --- clients ---------------------------------------------------------------------------------


def pg_connect(**kw):
    import psycopg2

    return psycopg2.connect(connect_timeout=TIMEOUT, **kw)


def pg_params_from_ado(cs):
    d = parse_ado(cs)
    params = {
        "host": pick(d, "host", "server"),
        "port": pick(d, "port"),
        "user": pick(d, "username", "user id", "userid", "user name", "uid"),
        "password": pick(d, "password", "pwd"),
    }
    db = pick(d, "database", "db")
    if db is not None:
        params["dbname"] = db
    return params


def pg_exercise(conn, expected_db):
    """current_database() is the referenced database; a row goes in and comes back."""
    with conn, conn.cursor() as cur:
        cur.execute("SELECT current_database()")
        db = cur.fetchone()[0]
        if expected_db is not None and db != expected_db:
            raise AssertionError(f"current_database() is {db!r}, expected {expected_db!r}")
        # Checks run in parallel, and concurrent CREATE TABLE IF NOT EXISTS can collide in Postgres.
        cur.execute("SELECT pg_advisory_xact_lock(15)")
        cur.execute("CREATE TABLE IF NOT EXISTS e2e (k text PRIMARY KEY, v text)")
        key, value = str(uuid.uuid4()), "värde ✓ 'quoted'"
        cur.execute("INSERT INTO e2e VALUES (%s, %s)", (key, value))
        cur.execute("SELECT v FROM e2e WHERE k = %s", (key,))
        got = cur.fetchone()[0]
        if got != value:
            raise AssertionError(f"read back {got!r}")
    conn.close()
    return f"current_database()={db}; row written and read"


def mysql_connect(host, port, user, password, database):
    import pymysql

    return pymysql.connect(host=host, port=int(port), user=user, password=password, database=database,
                           connect_timeout=TIMEOUT, charset="utf8mb4")


def mysql_params_from_ado(cs):
    d = parse_ado(cs)
    return {
        "host": pick(d, "server", "host", "data source"),
        "port": pick(d, "port") or "3306",
        "user": pick(d, "user id", "uid", "user", "username"),
        "password": pick(d, "password", "pwd"),
        "database": pick(d, "database", "initial catalog"),
    }


def mysql_exercise(conn, expected_db):
    with conn.cursor() as cur:
        cur.execute("SELECT DATABASE()")
        db = cur.fetchone()[0]
        if expected_db is not None and db != expected_db:
            raise AssertionError(f"DATABASE() is {db!r}, expected {expected_db!r}")
        cur.execute("CREATE TABLE IF NOT EXISTS e2e (k VARCHAR(64) PRIMARY KEY, v TEXT)")
        key, value = str(uuid.uuid4()), "värde ✓ 'quoted'"
        cur.execute("INSERT INTO e2e VALUES (%s, %s)", (key, value))
        conn.commit()
        cur.execute("SELECT v FROM e2e WHERE k = %s", (key,))
        got = cur.fetchone()[0]
        if got != value:
            raise AssertionError(f"read back {got!r}")
    conn.close()
    return f"DATABASE()={db}; row written and read"


def redis_params_from_cs(cs):
    """StackExchange.Redis's format: host:port[,key=value...]."""
    parts = cs.split(",")
    host, _, port = parts[0].rpartition(":")
    params = {"host": host, "port": int(port)}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "password":
            params["password"] = value
        elif key.strip().lower() == "ssl" and value.strip().lower() == "true":
            params["ssl"] = True
    return params


def redis_exercise(client):
    key, value = f"e2e:{uuid.uuid4()}", "värde ✓"
    client.set(key, value.encode())
    got = client.get(key)
    if got != value.encode():
        raise AssertionError(f"GET returned {got!r}")
    client.close()
    return "SET/GET ok"


def redis_client(**kw):
    import redis

    return redis.Redis(socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT, **kw)


def redis_from_url(url):
    import redis

    # Aspire writes valkey:// for Valkey; it is Redis's protocol and URL shape.
    if url.startswith("valkey://"):
        url = "redis://" + url[len("valkey://"):]
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)


def amqp_exercise(params):
    import pika

    params.socket_timeout = TIMEOUT
    params.blocked_connection_timeout = TIMEOUT
    conn = pika.BlockingConnection(params)
    try:
        ch = conn.channel()
        queue = ch.queue_declare(queue="", exclusive=True).method.queue
        body = f"e2e {uuid.uuid4()} ✓".encode()
        ch.basic_publish(exchange="", routing_key=queue, body=body)
        for _ in range(50):
            method, _props, got = ch.basic_get(queue=queue, auto_ack=True)
            if method is not None:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the published message never arrived")
        if got != body:
            raise AssertionError(f"got {got!r}")
    finally:
        conn.close()
    return "published and got a message"


def amqp_from_url(url):
    import pika

    return amqp_exercise(pika.URLParameters(url))


def amqp_from_parts(host, port, user, password):
    import pika

    return amqp_exercise(pika.ConnectionParameters(host=host, port=int(port),
                                                   credentials=pika.PlainCredentials(user, password)))


def http_get(url, auth=None):
    req = urllib.request.Request(url)
    if auth:
        import base64

        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # no certificate is issued in a Compose deployment anyway
    with urllib.request.urlopen(req, timeout=TIMEOUT, context=ctx) as resp:
        return resp.status, resp.read()


# --- persistence: a marker written before the services are recreated, read after ---------------


def persist(kind, name, op, token):
    """op=write stores token in the service ("written"); op=read says whether it is still there
    ("found" or "missing")."""
    found = persist_op(kind, name, op, token)
    return "written" if op == "write" else ("found" if found else "missing")


def persist_op(kind, name, op, token):
    cs = os.environ[f"ConnectionStrings__{name}"]
    if kind in ("postgres", "mysql"):
        if kind == "postgres":
            conn = pg_connect(**pg_params_from_ado(cs))
        else:
            conn = mysql_connect(**mysql_params_from_ado(cs))
        cur = conn.cursor()
        cur.execute("CREATE TABLE IF NOT EXISTS e2e_persist (k VARCHAR(64) PRIMARY KEY, v TEXT)")
        if op == "write":
            cur.execute("DELETE FROM e2e_persist WHERE k = 'marker'")
            cur.execute("INSERT INTO e2e_persist VALUES ('marker', %s)", (token,))
            conn.commit()
            conn.close()
            return True
        cur.execute("SELECT v FROM e2e_persist WHERE k = 'marker'")
        row = cur.fetchone()
        conn.commit()
        conn.close()
        return row is not None and row[0] == token
    if kind == "redis":
        client = redis_client(**redis_params_from_cs(cs))
        if op == "write":
            return bool(client.set("e2e:persist", token))
        return client.get("e2e:persist") == token.encode()
    if kind == "rabbitmq":
        import pika

        conn = pika.BlockingConnection(pika.URLParameters(cs))
        try:
            ch = conn.channel()
            ch.queue_declare(queue="e2e-persist", durable=True)
            if op == "write":
                ch.queue_purge("e2e-persist")
                ch.confirm_delivery()  # basic_publish returns once the broker has it
                ch.basic_publish(exchange="", routing_key="e2e-persist", body=token.encode(),
                                 properties=pika.BasicProperties(delivery_mode=2))  # persistent
                return True
            method, _props, body = ch.basic_get(queue="e2e-persist", auto_ack=False)
            return method is not None and body == token.encode()
        finally:
            conn.close()
    raise ValueError(kind)


# --- discovering what to check ---------------------------------------------------------------


def kind_of(cs):
    """Which client a connection string is for, from its shape (as the app's code would know)."""
    if cs.startswith("amqp://") or cs.startswith("amqps://"):
        return "rabbitmq"
    if re.match(r"^[^=;,]+:\d+(,|$)", cs):
        return "redis"
    try:
        d = parse_ado(cs)
    except ValueError:
        return None
    if "host" in d and ("username" in d or "user id" in d):
        return "postgres"
    if "server" in d and "port" in d and "user id" in d:
        return "mysql"
    return None


def backing_services():
    """[(kind, name)] for every ConnectionStrings__<name> of a known kind."""
    found = []
    for key in sorted(os.environ):
        if key.startswith("ConnectionStrings__"):
            name = key[len("ConnectionStrings__"):]
            kind = kind_of(os.environ[key])
            if kind:
                found.append((kind, name))
    return found


def checks_for(kind, name):
    """{check name: function returning a detail string or raising} for one backing service."""
    env = os.environ
    cs = env[f"ConnectionStrings__{name}"]
    p = env_key(name)
    prop = lambda s: env.get(f"{p}_{s}")  # noqa: E731
    checks = {}
    if kind == "postgres":
        ado = pg_params_from_ado(cs)
        db = ado.get("dbname")
        checks["connection_string"] = lambda: pg_exercise(pg_connect(**ado), db)
        if db is not None:
            # The server itself, with the same credentials (tells "server down" from "no database").
            server = dict(ado, dbname="postgres")
            checks["server"] = lambda: pg_exercise(pg_connect(**server), "postgres")
        if prop("HOST") is not None:
            checks["properties"] = lambda: pg_exercise(pg_connect(
                host=prop("HOST"), port=prop("PORT"), user=prop("USERNAME"), password=prop("PASSWORD"),
                **({"dbname": prop("DATABASENAME")} if prop("DATABASENAME") else {})), prop("DATABASENAME"))
        if prop("URI") is not None:
            checks["uri"] = lambda: pg_exercise(pg_connect(dsn=prop("URI")), db)
    elif kind == "mysql":
        ado = mysql_params_from_ado(cs)
        db = ado["database"]
        checks["connection_string"] = lambda: mysql_exercise(mysql_connect(**ado), db)
        if prop("HOST") is not None:
            checks["properties"] = lambda: mysql_exercise(mysql_connect(
                prop("HOST"), prop("PORT"), prop("USERNAME"), prop("PASSWORD"), prop("DATABASENAME")),
                prop("DATABASENAME"))
        if prop("URI") is not None:
            def via_uri():
                u = urllib.parse.urlsplit(prop("URI"))
                return mysql_exercise(mysql_connect(
                    u.hostname, u.port or 3306, urllib.parse.unquote(u.username or ""),
                    urllib.parse.unquote(u.password or ""), u.path.lstrip("/") or None), db)
            checks["uri"] = via_uri
    elif kind == "redis":
        checks["connection_string"] = lambda: redis_exercise(redis_client(**redis_params_from_cs(cs)))
        if prop("HOST") is not None:
            checks["properties"] = lambda: redis_exercise(redis_client(
                host=prop("HOST"), port=int(prop("PORT")), password=prop("PASSWORD")))
        if prop("URI") is not None:
            checks["uri"] = lambda: redis_exercise(redis_from_url(prop("URI")))
    elif kind == "rabbitmq":
        checks["connection_string"] = lambda: amqp_from_url(cs)
        if prop("HOST") is not None:
            checks["properties"] = lambda: amqp_from_parts(prop("HOST"), prop("PORT"), prop("USERNAME"),
                                                           prop("PASSWORD"))
        if prop("URI") is not None:
            checks["uri"] = lambda: amqp_from_url(prop("URI"))
        mgmt = env.get(f"services__{name}__http__0")
        if mgmt and prop("USERNAME") is not None:
            def management():
                status, body = http_get(mgmt.rstrip("/") + "/api/overview", (prop("USERNAME"), prop("PASSWORD")))
                version = json.loads(body).get("rabbitmq_version")
                return f"GET {mgmt}/api/overview: {status}, RabbitMQ {version}"
            checks["management"] = management
    return checks


def startup_probe(kind, name):
    """One connection to the service, the way the checks connect (its connection string)."""
    cs = os.environ[f"ConnectionStrings__{name}"]
    if kind == "postgres":
        pg_connect(**pg_params_from_ado(cs)).close()
    elif kind == "mysql":
        mysql_connect(**mysql_params_from_ado(cs)).close()
    elif kind == "redis":
        redis_client(**redis_params_from_cs(cs)).ping()
    elif kind == "rabbitmq":
        import pika

        params = pika.URLParameters(cs)
        params.socket_timeout = TIMEOUT
        params.connection_attempts = 1
        pika.BlockingConnection(params).close()
    return "connected on the first attempt"


def http_checks():
    """services__<svc>__<scheme>__<i> and <SVC>_<ENDPOINT> URLs: GET /ping must be answered by <svc>."""
    env = os.environ
    checks = {}
    for key in sorted(env):
        m = re.match(r"^services__(.+)__(https?)__(\d+)$", key)
        # Backing services' HTTP endpoints (RabbitMQ's management) are checked with the service.
        if not m or f"ConnectionStrings__{m.group(1)}" in env:
            continue
        svc, url = m.group(1), env[key]
        names = [key]
        # <SVC>_<ENDPOINT> holding the same URL: Aspire's endpoint variables (CATALOG_HTTP).
        names += sorted(k for k, v in env.items() if v == url and k.startswith(env_key(svc) + "_")
                        and not k.startswith("services__"))

        def call(url=url, svc=svc):
            status, body = http_get(url.rstrip("/") + "/ping")
            answer = json.loads(body)
            # Compose names a container <project>-<service>-<n>; Kubernetes names a Deployment's pod
            # <deployment>-<template hash>-<5 characters> (a StatefulSet's: <name>-<ordinal>).
            if not re.search(rf"(^|-){re.escape(svc)}(-\d+|-[a-z0-9]+-[a-z0-9]{{5}})?$", answer.get("name", "")):
                raise AssertionError(f"{url}/ping answered by {answer.get('name')!r}, not {svc!r}")
            return f"GET {url}/ping: {status}, answered by {answer['name']} on port {answer['port']}"

        for n in names:
            checks[f"http:{svc}:{n}"] = call
    return checks


# --- OpenTelemetry: one span over OTLP, to the endpoint aspirec's output gives ---------------------
#
# Protobuf by hand (the standard library has none): a minimal, valid ExportTraceServiceRequest of
# opentelemetry-proto (collector/trace/v1), with the resource attribute service.name from
# OTEL_SERVICE_NAME, as an OpenTelemetry SDK sends it.


def pb_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_bytes(number, data):
    """A length-delimited field (wire type 2): strings, bytes and nested messages."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return pb_varint(number << 3 | 2) + pb_varint(len(data)) + data


def pb_fixed64(number, value):
    return pb_varint(number << 3 | 1) + value.to_bytes(8, "little")


def pb_uint(number, value):
    return pb_varint(number << 3) + pb_varint(value)


def otlp_trace_request(service, span_name, trace_id, span_id):
    now = time.time_ns()
    attribute = pb_bytes(1, "service.name") + pb_bytes(2, pb_bytes(1, service))  # KeyValue, AnyValue
    resource = pb_bytes(1, attribute)  # Resource.attributes
    span = (pb_bytes(1, trace_id) + pb_bytes(2, span_id) + pb_bytes(5, span_name)
            + pb_uint(6, 2)  # SPAN_KIND_SERVER
            + pb_fixed64(7, now - 1_000_000) + pb_fixed64(8, now))
    scope_spans = pb_bytes(1, pb_bytes(1, "aspirec-e2e")) + pb_bytes(2, span)  # scope, spans
    resource_spans = pb_bytes(1, resource) + pb_bytes(2, scope_spans)
    return pb_bytes(1, resource_spans)  # ExportTraceServiceRequest.resource_spans


def otlp_headers(value):
    """OTEL_EXPORTER_OTLP_HEADERS: comma-separated key=value, values percent-decoded (the spec)."""
    headers = {}
    for item in filter(None, (i.strip() for i in value.split(","))):
        key, _, val = item.partition("=")
        headers[key.strip()] = urllib.parse.unquote(val.strip())
    return headers


def otlp_export():
    """Sends one span to OTEL_EXPORTER_OTLP_ENDPOINT as OTEL_EXPORTER_OTLP_PROTOCOL says. Over gRPC
    (which this app cannot speak without HTTP/2) it only connects to the endpoint's port."""
    env = os.environ
    endpoint, protocol = env["OTEL_EXPORTER_OTLP_ENDPOINT"], env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    service = env.get("OTEL_SERVICE_NAME", "")
    if protocol == "grpc":
        url = urllib.parse.urlsplit(endpoint)
        socket.create_connection((url.hostname, url.port), timeout=TIMEOUT).close()
        return f"grpc: {endpoint} accepts connections (no gRPC client here: nothing exported)"
    if protocol != "http/protobuf":
        raise AssertionError(f"OTEL_EXPORTER_OTLP_PROTOCOL {protocol!r} is not one an SDK knows")
    trace_id, span_id = os.urandom(16), os.urandom(8)
    body = otlp_trace_request(service, "e2e-check", trace_id, span_id)
    headers = dict(otlp_headers(env.get("OTEL_EXPORTER_OTLP_HEADERS", "")),
                   **{"Content-Type": "application/x-protobuf"})
    url = endpoint.rstrip("/") + "/v1/traces"  # the signal path the spec appends to the endpoint
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
        status = resp.status
    return f"exported span e2e-check trace_id={trace_id.hex()} service.name={service} to {url}: {status}"


def otlp_checks():
    return {"otlp:traces": otlp_export} if "OTEL_EXPORTER_OTLP_ENDPOINT" in os.environ else {}


def run(fn):
    try:
        return {"ok": True, "detail": str(fn())}
    except Exception as e:  # noqa: BLE001 - every failure is a result to report
        return {"ok": False, "detail": f"{type(e).__name__}: {e}".strip()}


STARTUP = {}


def run_all():
    results = {f"startup:{name}": r for name, r in STARTUP.items()}
    jobs = {}
    for kind, name in backing_services():
        for how, fn in checks_for(kind, name).items():
            jobs[f"{kind}:{name}:{how}"] = fn
    jobs.update(http_checks())
    jobs.update(otlp_checks())
    # In parallel: a check that hangs until its timeout does not hold up the others.
    threads = []
    for check, fn in jobs.items():
        t = threading.Thread(target=lambda c=check, f=fn: results.__setitem__(c, run(f)))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return dict(sorted(results.items()))


# --- jobs and files (issue 18) -------------------------------------------------------------------

MIGRATION_ROW = "migrated by the job ✓"


def migration_conn():
    return pg_connect(**pg_params_from_ado(os.environ["ConnectionStrings__" + os.environ["E2E_MIGRATION_DB"]]))


def migrate():
    """The job: create the table and its row, once (a second run changes nothing)."""
    conn = migration_conn()
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS e2e_migration (id int PRIMARY KEY, note text)")
        cur.execute("INSERT INTO e2e_migration VALUES (1, %s) ON CONFLICT (id) DO NOTHING", (MIGRATION_ROW,))
    conn.close()
    print(f"{NAME}: migration done", flush=True)


def migration_probe():
    conn = migration_conn()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT note FROM e2e_migration WHERE id = 1")
        row = cur.fetchone()
    conn.close()
    if not row or row[0] != MIGRATION_ROW:
        raise AssertionError(f"e2e_migration has {row!r}, not the job's row")
    return f"e2e_migration holds the job's row: {row[0]!r}"


# --- serving -----------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False, indent=1).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/ping":
            self.reply(200, {"name": NAME, "port": self.server.server_address[1]})
        elif url.path == "/healthz":
            self.reply(200, "ok")
        elif url.path == "/env":
            self.reply(200, dict(os.environ))
        elif url.path == "/e2e":
            self.reply(200, run_all())
        elif url.path == "/file":
            import base64

            path = urllib.parse.parse_qs(url.query).get("path", [""])[0]
            with open(path, "rb") as f:
                self.reply(200, {"base64": base64.b64encode(f.read()).decode()})
        elif url.path == "/persist":
            q = urllib.parse.parse_qs(url.query)
            op, token = q.get("op", [""])[0], q.get("token", [""])[0]
            self.reply(200, {name: run(lambda k=kind, n=name: persist(k, n, op, token))
                             for kind, name in backing_services()})
        else:
            self.reply(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        sys.stderr.write(f"{NAME} {self.address_string()} {fmt % args}\n")


def main():
    if sys.argv[1:] == ["migrate"]:
        migrate()
        return
    if os.environ.get("E2E_MIGRATION_DB"):
        STARTUP["migration"] = run(migration_probe)
        print(f"startup probe migration: {STARTUP['migration']}", flush=True)
    # Before serving: one attempt per backing service, as an app's first query at start-up would be.
    for kind, name in backing_services():
        STARTUP[name] = run(lambda k=kind, n=name: startup_probe(k, n))
        print(f"startup probe {kind}:{name}: {STARTUP[name]}", flush=True)
    ports = listen_ports()
    servers = [ThreadingHTTPServer(("0.0.0.0", port), Handler) for port in ports]
    print(f"{NAME} listening on {', '.join(map(str, ports))}", flush=True)
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
