"""The Helm chart and the kustomize base agree: see agree.sh, which finds the tools and runs this.

For each input, `aspirec build --emit k8s --emit helm`; then `kustomize build` of the base and
`helm template` of the chart (release named like the application, in namespace NAMESPACE,
default values plus a value for every secret) must give the same objects, field by field, but
for these listed differences:

- the base has a Namespace object; a release lives in its namespace (`--create-namespace`);
- the chart creates the Secret of deploy-time inputs from the secrets it was given (the base
  never writes one: the user creates it);
- every object is in the release's namespace, not the model's (so is the ServiceAccount a
  RoleBinding names, issue 18's waiters for Jobs);
- labels: Helm's `helm.sh/chart` and `app.kubernetes.io/version` are added, and
  `app.kubernetes.io/managed-by` is `Helm` instead of `aspirec` (`app.kubernetes.io/instance`
  is the release name, equal here because the release is named like the application).

Then: with one secret left out, `helm template` fails and names it; no secret value given to
the chart appears in any of its files; and every chart goes through validate-outputs.sh.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
ASPIREC = os.environ["ASPIREC"]
HELM = os.environ["HELM"]
KUSTOMIZE = os.environ["KUSTOMIZE"].split()
NAMESPACE = "agree-ns"
HELM_LABELS = ("helm.sh/chart", "app.kubernetes.io/version")
MANAGED_BY = "app.kubernetes.io/managed-by"


def inputs():
    """(case, model, extra build arguments) for every input."""
    cases = []
    for model in sorted(glob.glob(os.path.join(ROOT, "tests/models/*.toml"))):
        cases.append((name_of(model), model, []))
    for model in sorted(glob.glob(os.path.join(ROOT, "tests/e2e/*.toml"))):
        cases.append(("e2e-" + name_of(model), model, []))
    for model in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/ok/*.toml"))):
        extra = []
        with open(model, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#:"):
                    break
                key, _, value = line[2:].partition("=")
                if key.strip() == "env":
                    extra = ["--env", value.strip().strip('"')]
        cases.append((name_of(model), model, extra))
    for manifest in sorted(glob.glob(os.path.join(ROOT, "tests/manifests/*.aspire-manifest.json"))):
        # Azure Bicep modules (bicep-*) deploy on Bicep only: Kubernetes leaves them out.
        left_out = name_of(manifest).startswith(("allow-unsupported-", "bicep-"))
        extra = ["--allow-unsupported"] if left_out else []
        cases.append(("own-" + name_of(manifest), manifest, extra))
    corpus = sorted(glob.glob(os.path.join(SHARED, "corpus/aspire-manifests/*.aspire-manifest.json")))
    if not corpus:
        sys.exit(f"agree.py: no Aspire manifests under {SHARED}/corpus")
    for manifest in corpus:
        cases.append(("aspire-" + name_of(manifest), manifest, ["--allow-unsupported"]))
    return cases


def name_of(path):
    return os.path.basename(path).split(".")[0]


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def documents(text):
    """The objects of a multi-document YAML text, by (kind, name)."""
    objects = {}
    for doc in yaml.safe_load_all(text):
        if doc:
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def normalise(obj, namespace):
    """The chart's object with the listed differences undone (to the base's values)."""
    def walk(value, key=None):
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if key == "labels" and k in HELM_LABELS:
                    continue
                if key == "labels" and k == MANAGED_BY and v == "Helm":
                    v = "aspirec"
                out[k] = walk(v, k)
            return out
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    obj = walk(obj)
    meta = obj.get("metadata", {})
    if "namespace" in meta:
        if meta["namespace"] != NAMESPACE:
            raise AssertionError(f"in namespace {meta['namespace']!r}, not the release's {NAMESPACE!r}")
        meta["namespace"] = namespace
    if obj.get("kind") == "RoleBinding":
        for subject in obj.get("subjects", []):
            if subject.get("kind") == "ServiceAccount":
                if subject.get("namespace") != NAMESPACE:
                    raise AssertionError(f"subject in namespace {subject.get('namespace')!r}, not the release's")
                subject["namespace"] = namespace
    return obj


def differences(base, chart, path=""):
    if type(base) is not type(chart):
        return [f"{path or '/'}: base {base!r}, chart {chart!r}"]
    if isinstance(base, dict):
        out = []
        for key in sorted(set(base) | set(chart)):
            if key not in chart:
                out.append(f"{path}/{key}: only in the base: {base[key]!r}")
            elif key not in base:
                out.append(f"{path}/{key}: only in the chart: {chart[key]!r}")
            else:
                out.extend(differences(base[key], chart[key], f"{path}/{key}"))
        return out
    if isinstance(base, list):
        if len(base) != len(chart):
            return [f"{path}: {len(base)} items in the base, {len(chart)} in the chart"]
        out = []
        for i, (a, b) in enumerate(zip(base, chart)):
            out.extend(differences(a, b, f"{path}/{i}"))
        return out
    return [] if base == chart else [f"{path}: base {base!r}, chart {chart!r}"]


def check(case, model, extra, work, validation):
    """Problems found for one input (empty when it agrees)."""
    out = os.path.join(work, case)
    built = run([ASPIREC, "build", model, "--emit", "k8s", "--emit", "helm", "--out", out] + extra)
    if built.returncode != 0:
        if "error[" in built.stderr and case.startswith("aspire-"):
            return None  # a corpus manifest that does not build for Kubernetes
        return [f"aspirec build failed:\n{built.stderr}"]
    charts = [d for d in os.listdir(os.path.join(out, "helm")) if not d.startswith(".")]
    if len(charts) != 1:
        return [f"expected one chart under helm/, found {charts}"]
    app = charts[0]
    chart = os.path.join(out, "helm", app)
    with open(os.path.join(chart, "values.yaml"), encoding="utf-8") as f:
        values = yaml.safe_load(f)
    secret_keys = list((values.get("secrets") or {}).keys())
    for key in secret_keys:
        if values["secrets"][key] != "":
            return [f"values.yaml holds a value for secret {key}"]
    given = {key: f"agree-{key.lower()}-v@l ue/{i}" for i, key in enumerate(secret_keys)}
    sets = [arg for key, value in given.items() for arg in ("--set-string", f"secrets.{key}={value}")]
    base = run(KUSTOMIZE + [os.path.join(out, "k8s")])
    if base.returncode != 0:
        return [f"kustomize build failed:\n{base.stderr}"]
    rendered = run([HELM, "template", app, chart, "--namespace", NAMESPACE] + sets)
    if rendered.returncode != 0:
        return [f"helm template failed:\n{rendered.stderr}"]
    problems = []
    base_objects = documents(base.stdout)
    chart_objects = documents(rendered.stdout)
    base_objects = {k: v for k, v in base_objects.items() if k[0] != "Namespace"}
    if secret_keys:
        secret = chart_objects.pop(("Secret", values["secretName"]), None)
        if secret is None:
            problems.append("given every secret, the chart created no Secret")
        else:
            data = secret.get("stringData", {})
            for key, value in data.items():
                raw = key[: -len("_URI_ENCODED")] if key.endswith("_URI_ENCODED") and key not in given else key
                expected = given.get(raw)
                if raw != key and expected is not None:
                    expected = urllib.parse.quote(expected, safe="")
                if value != expected:
                    problems.append(f"the chart's Secret holds {value!r} for {key}, not {expected!r}")
    for key in sorted(set(base_objects) | set(chart_objects)):
        if key not in chart_objects:
            problems.append(f"{key[0]} {key[1]}: only in the base")
            continue
        if key not in base_objects:
            problems.append(f"{key[0]} {key[1]}: only in the chart")
            continue
        namespace = base_objects[key].get("metadata", {}).get("namespace")
        try:
            normalised = normalise(chart_objects[key], namespace)
        except AssertionError as error:
            problems.append(f"{key[0]} {key[1]}: {error}")
            continue
        for difference in differences(base_objects[key], normalised):
            problems.append(f"{key[0]} {key[1]}: {difference}")
    if len(secret_keys) >= 2:
        left_out = secret_keys[-1]
        partial = [a for k, v in given.items() if k != left_out for a in ("--set-string", f"secrets.{k}={v}")]
        failed = run([HELM, "template", app, chart] + partial)
        if failed.returncode == 0 or f"secrets.{left_out} is required" not in failed.stderr:
            problems.append(f"leaving out secret {left_out} did not fail naming it: {failed.stderr.strip()!r}")
    problems.extend(check_notes(app, chart, secret_keys, values))
    for root, _, files in os.walk(chart):
        for name in files:
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            for value in given.values():
                if value in text:
                    problems.append(f"{os.path.relpath(os.path.join(root, name), chart)} holds a secret value")
    shutil.copytree(chart, os.path.join(validation, "k8s", case, app))
    return problems


def check_notes(app, chart, secret_keys, values):
    """NOTES.txt, rendered (through `tpl`, since `helm template` does not print it): it names
    every secret key while none is given, and every Ingress host."""
    copy = tempfile.mkdtemp(prefix="aspirec-notes-")
    try:
        shutil.copytree(chart, os.path.join(copy, app))
        with open(os.path.join(copy, app, "templates/NOTES.txt"), encoding="utf-8") as f:
            notes = f.read()
        with open(os.path.join(copy, app, "notes.txt"), "w", encoding="utf-8") as f:
            f.write(notes)
        with open(os.path.join(copy, app, "templates/zz-notes.yaml"), "w", encoding="utf-8") as f:
            f.write('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n'
                    'data:\n  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}\n')
        shown = run([HELM, "template", app, os.path.join(copy, app), "--namespace", NAMESPACE,
                     "--show-only", "templates/zz-notes.yaml"])
        if shown.returncode != 0:
            return [f"NOTES.txt does not render: {shown.stderr.strip()}"]
        text = yaml.safe_load(shown.stdout)["data"]["notes"]
        problems = [f"NOTES.txt does not name secret {key}" for key in secret_keys if f"  {key}\n" not in text]
        for workload in (values.get("workloads") or {}).values():
            ingress = workload.get("ingress") or {}
            # HTTPS where the chart has a TLS Secret (the model's `ingress.tls`); the URL goes
            # on with the rule's path.
            scheme = "https" if ingress.get("tlsSecret") else "http"
            for host in (ingress.get("hosts") or {}).values():
                if f"{scheme}://{host}/" not in text:
                    problems.append(f"NOTES.txt does not give {scheme}://{host}/")
        return problems
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def main():
    work = tempfile.mkdtemp(prefix="aspirec-agree-")
    validation = os.path.join(work, "validate")
    os.makedirs(os.path.join(validation, "k8s"))
    failed = False
    try:
        for case, model, extra in inputs():
            problems = check(case, model, extra, work, validation)
            if problems is None:
                print(f"skip  {case} (does not build for Kubernetes)")
            elif problems:
                failed = True
                print(f"FAIL  {case}")
                for problem in problems:
                    print(f"      {problem}")
            else:
                print(f"ok    {case}")
        if not os.environ.get("NO_VALIDATE"):
            print("validate-outputs.sh on every chart:")
            validated = subprocess.run([os.path.join(SHARED, "tools/validate-outputs.sh"), validation])
            failed = failed or validated.returncode != 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        print("agree: the chart and the kustomize base disagree (or a chart is invalid)")
        sys.exit(1)
    print("agree: every chart renders the kustomize base's objects")


if __name__ == "__main__":
    main()
