#!/usr/bin/env bash
# The end-to-end test: runs aspirec's Docker Compose output, untouched, on a real Docker engine, and
# checks what the running applications see (issue 15); then the same model's Kubernetes output, on
# k8s.py's kubelet on Docker, through the same checks.
#
#   tests/e2e/run.sh                       # all three deployments
#   E2E_ONLY=shop tests/e2e/run.sh         # or only one: shop | manifest | k8s
#
# Environment: ASPIREC (the binary; default target/release/aspirec, relative to the repository),
# SHARED (default <repo>/../shared: the engine script and the corpus), DOCKER_ENGINE_HOME (where the
# engine keeps its state and this test its cached rootfs; default /tmp/aspirec-docker),
# E2E_MANIFEST (the corpus manifest of the second deployment; default testshop), E2E_KEEP=1 (leave
# the deployments running and the temporary folder in place, to look at them).
#
# Steps (each prints its time):
#  1. start the engine (../shared/tools/docker-engine.sh start);
#  2. build the stand-in images (images/build.sh; cached per machine by content hash);
#  3. deployment 1: `aspirec build tests/e2e/shop.toml --emit compose`; .env from .env.example as a
#     user fills it; the stand-ins tagged with the image names compose.yaml uses; `docker compose
#     up -d --wait --pull never --build` (the test app is built through the generated build:
#     section); check.py shop: every check of both apps, and the environment byte for byte;
#  4. deployment 2: a real Aspire manifest of the corpus, `--emit compose --allow-unsupported`,
#     its project images being the test app (tagged with the names compose.yaml uses), the
#     backing services the stand-ins; `up -d --wait --pull never`; check.py manifest;
#  5. deployment 3: `aspirec build tests/e2e/shop.toml --emit k8s`, `kustomize build` of it, the
#     namespace and Secret by the kubectl steps of secrets.env.example, run by k8s.py (a kubelet,
#     controllers, Services and an ingress on Docker; see its header and README.md); check.py's
#     checks of deployment 1 on those pods, then the backing services' pods deleted and remade;
#  6. the table of every check and `N passed, N failed`; exit 1 on any failure.
# Every deployment is torn down (`down -v -t 1`; k8s.py removes its own containers) on exit, whatever
# happened, and its logs are printed when it failed. Files are written only under a mktemp folder and
# the engine's home.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ASPIREC=${ASPIREC:-target/release/aspirec}
case "$ASPIREC" in /*) ;; *) ASPIREC=$repo/$ASPIREC ;; esac
SHARED=${SHARED:-$repo/../shared}
MANIFEST=${E2E_MANIFEST:-testshop}
ONLY=${E2E_ONLY:-}
check=$here/check.py

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aspirec-e2e.XXXXXX")
export E2E_RESULTS=$tmp/results.jsonl
: >"$E2E_RESULTS"
deployments=()   # "project compose-file", torn down on exit
failed_logs=()   # deployments whose logs are printed

now() { date +%s.%N; }
start_all=$(now)
timing() { awk -v n="$1" -v a="$2" -v b="$(now)" 'BEGIN { printf "[time] %-44s %6.1f s\n", n, b - a }'; }
die() { echo "e2e: $*" >&2; exit 1; }

# shellcheck disable=SC2317  # run by the EXIT trap
teardown() {
  local d project file
  local -A shown=()
  for d in "${failed_logs[@]}"; do
    [ -z "${shown[$d]:-}" ] || continue
    shown[$d]=1
    read -r project file <<<"$d"
    echo "===== docker compose logs of $project (it failed) ====="
    docker compose -p "$project" -f "$file" ps -a 2>&1
    docker compose -p "$project" -f "$file" logs --no-color --timestamps --tail 60 2>&1
  done
  if [ "${E2E_KEEP:-}" = 1 ]; then
    echo "e2e: E2E_KEEP=1: left running: ${deployments[*]}; files in $tmp"
    return
  fi
  # k8s.py tears its pods down itself; should it have died, what carries its run's label goes here.
  local k8s_ids
  k8s_ids=$(docker ps -aq --filter "label=org.aspirec.e2e.k8s=${run_id:-none}" 2>/dev/null)
  # shellcheck disable=SC2086
  [ -z "$k8s_ids" ] || docker rm -f -v $k8s_ids >/dev/null 2>&1 || true
  docker network rm "k8s-${run_id:-none}" >/dev/null 2>&1 || true
  local ids volumes
  for d in "${deployments[@]}"; do
    read -r project file <<<"$d"
    # `down -v` keeps an image's anonymous volume that `up --force-recreate` handed to a new
    # container (valkey's /data here): remove every volume the project's containers mounted.
    ids=$(docker compose -p "$project" -f "$file" ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    volumes=$([ -z "$ids" ] || docker inspect -f '{{range .Mounts}}{{if .Name}}{{.Name}} {{end}}{{end}}' $ids 2>/dev/null)
    docker compose -p "$project" -f "$file" down -v -t 1 --remove-orphans >/dev/null 2>&1 ||
      echo "e2e: could not tear down $project" >&2
    # shellcheck disable=SC2086
    [ -z "${volumes// /}" ] || docker volume rm -f $volumes >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
  # Images of earlier builds of the test app (untagged since), and only those: they descend from
  # the base, whose label they inherit.
  docker image prune -f --filter label=org.aspirec.e2e.hash >/dev/null 2>&1 || true
}
trap teardown EXIT

[ -x "$ASPIREC" ] || die "no aspirec binary at $ASPIREC (cargo build --release, or set ASPIREC)"
[ -x "$SHARED/tools/docker-engine.sh" ] || die "no $SHARED/tools/docker-engine.sh (set SHARED)"

# 1. The engine.
t=$(now)
eval "$("$SHARED/tools/docker-engine.sh" start)" || die "the Docker engine did not start"
timing "engine start" "$t"

# 2. Stand-in images (and the base the test app is built from).
t=$(now)
SHARED=$SHARED "$here/images/build.sh" || die "building the stand-in images failed"
timing "stand-in images (cached when unchanged)" "$t"

# up NAME PROJECT FILE [FLAGS...]: docker compose up --wait on FILE; records a failure.
up() {
  local name=$1 project=$2 file=$3; shift 3
  deployments+=("$project $file")
  local t; t=$(now)
  if docker compose -p "$project" -f "$file" up -d --wait --wait-timeout 240 --pull never "$@" \
    >"$tmp/$project.up.log" 2>&1; then
    timing "$name: docker compose up --wait" "$t"
    return 0
  fi
  timing "$name: docker compose up --wait (failed)" "$t"
  tail -n 30 "$tmp/$project.up.log"
  docker compose -p "$project" -f "$file" ps -a
  python3 "$check" record "$name: docker compose up --wait" fail "$(tail -n 5 "$tmp/$project.up.log")"
  failed_logs+=("$project $file")
  return 1
}

# compose_json FILE: the resolved configuration, after .env (also proves .env parses).
compose_json() { docker compose -f "$1" config --format json >"$2"; }

# tag_standins JSON: the stand-in of every image no service builds; an image without one fails.
tag_standins() {
  local images
  images=$(python3 "$check" images "$1")
  # shellcheck disable=SC2086
  "$here/images/build.sh" tag $images
}

# host_url PROJECT FILE SERVICE PORT: http://127.0.0.1:<host port Compose published for PORT>.
host_url() {
  local published
  published=$(docker compose -p "$1" -f "$2" port "$3" "$4" 2>/dev/null | tail -n 1) || return 1
  [ -n "$published" ] || return 1
  echo "http://127.0.0.1:${published##*:}"
}

# wait_http URL: the app may still be starting after `up --wait` (projects have no Compose health check).
wait_http() {
  for _ in $(seq 30); do
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1" 2>/dev/null && return 0
    sleep 1
  done
  return 1
}

run_id=$$-$(date +%s)

# 3. Deployment 1: tests/e2e/shop.toml.
deploy_shop() {
  local t out file project=e2e-shop-$run_id
  t=$(now)
  out=$tmp/shop
  # Relative paths, as a user would run it from the repository (the build context is model-relative).
  (cd "$repo" && "$ASPIREC" build tests/e2e/shop.toml --emit compose --out "$out") ||
    { python3 "$check" record "shop: aspirec build" fail "aspirec build failed"; return 1; }
  file=$out/compose/compose.yaml
  python3 "$check" write-env shop "$out/compose/.env.example" "$out/compose/.env" || return 1
  compose_json "$file" "$tmp/shop.json" ||
    { python3 "$check" record "shop: docker compose config" fail "see above"; return 1; }
  tag_standins "$tmp/shop.json" ||
    { python3 "$check" record "shop: stand-ins" fail "an image of compose.yaml has no stand-in"; return 1; }
  timing "shop: aspirec build, .env, tags" "$t"

  # --build: the test app is built through the build: section aspirec generated. No buildx plugin
  # exists for this engine (Debian bookworm has no docker-buildx package), and Compose v2.40 then
  # builds through the engine's own BuildKit API (dockerd 20.10), which finds the locally imported
  # base image; DOCKER_BUILDKIT=0 (the classic builder) works as well.
  up shop "$project" "$file" --build || return 1
  t=$(now)
  export E2E_PROJECT=$project E2E_COMPOSE_FILE=$file
  local url
  # web's endpoint: target port 5000, external, so Compose publishes it on the host.
  if ! url=$(host_url "$project" "$file" web 5000); then
    python3 "$check" record "shop: web publishes target port 5000" fail \
      "docker compose port web 5000: nothing published for container port 5000"
    failed_logs+=("$project $file")
    return 1
  fi
  wait_http "$url/healthz" || true   # check.py reports what does not answer
  python3 "$check" shop "$url"
  timing "shop: checks" "$t"

  # Data volumes: a marker in every backing service, the backing services' containers recreated
  # (named volumes kept, as on any redeployment), the marker read back.
  t=$(now)
  local token=marker-$run_id backing
  backing=$(python3 "$check" images "$tmp/shop.json" --services)
  python3 "$check" persist write "$token"
  # shellcheck disable=SC2086
  docker compose -p "$project" -f "$file" up -d --wait --wait-timeout 240 --pull never --no-deps \
    --force-recreate -t 5 $backing >"$tmp/$project.recreate.log" 2>&1 ||
    python3 "$check" record "shop: recreate the backing services" fail "$(tail -n 5 "$tmp/$project.recreate.log")"
  python3 "$check" persist read "$token"
  timing "shop: recreate backing services, persistence" "$t"
}

# 4. Deployment 2: a real Aspire manifest of the corpus, projects replaced by the test app.
deploy_manifest() {
  local t out file project=e2e-$MANIFEST-$run_id
  local manifest=$SHARED/corpus/aspire-manifests/$MANIFEST.aspire-manifest.json
  t=$(now)
  out=$tmp/$MANIFEST
  "$ASPIREC" build "$manifest" --emit compose --allow-unsupported --out "$out" 2>"$tmp/$MANIFEST.warnings" ||
    { cat "$tmp/$MANIFEST.warnings"; python3 "$check" record "$MANIFEST: aspirec build" fail "aspirec build failed"; return 1; }
  file=$out/compose/compose.yaml
  python3 "$check" write-env manifest "$out/compose/.env.example" "$out/compose/.env" || return 1
  compose_json "$file" "$tmp/$MANIFEST.json" ||
    { python3 "$check" record "$MANIFEST: docker compose config" fail "see above"; return 1; }
  # The projects' sources are not in the corpus: their images are the test app, under the names
  # compose.yaml gives them, so Compose finds them and does not build (no --build).
  DOCKER_BUILDKIT=0 docker build -q -t aspirec-e2e/app:test "$here/app" >/dev/null 2>"$tmp/app-build.log" ||
    { cat "$tmp/app-build.log"; python3 "$check" record "$MANIFEST: test app image" fail "docker build failed"; return 1; }
  local image external=""
  while read -r _ image; do
    docker tag aspirec-e2e/app:test "$image"
  done < <(python3 "$check" projects "$tmp/$MANIFEST.json")
  tag_standins "$tmp/$MANIFEST.json" ||
    { python3 "$check" record "$MANIFEST: stand-ins" fail "an image of compose.yaml has no stand-in"; return 1; }
  timing "$MANIFEST: aspirec build, .env, tags" "$t"

  up "$MANIFEST" "$project" "$file" || return 1
  t=$(now)
  export E2E_PROJECT=$project E2E_COMPOSE_FILE=$file
  # The external project: checked on its published port; the others are reached from its container.
  local port url=""
  read -r external port < <(python3 -c '
import json, sys
for name, s in sorted(json.load(open(sys.argv[1]))["services"].items()):
    if "build" in s and s.get("ports"):
        print(name, s["ports"][0]["target"]); break' "$tmp/$MANIFEST.json")
  if [ -z "$external" ] || ! url=$(host_url "$project" "$file" "$external" "$port"); then
    python3 "$check" record "$MANIFEST: an external project" fail "no project publishes a port"
    failed_logs+=("$project $file")
    return 1
  fi
  wait_http "$url/healthz" || true
  python3 "$check" manifest "$url" "$external" "$tmp/$MANIFEST.json"
  timing "$MANIFEST: checks" "$t"
}

if [ -z "$ONLY" ] || [ "$ONLY" = shop ]; then
  before=$(wc -l <"$E2E_RESULTS")
  deploy_shop
  grep -q '"FAIL"' <(tail -n +"$((before + 1))" "$E2E_RESULTS") && failed_logs+=("e2e-shop-$run_id $tmp/shop/compose/compose.yaml")
fi
if [ -z "$ONLY" ] || [ "$ONLY" = manifest ]; then
  before=$(wc -l <"$E2E_RESULTS")
  deploy_manifest
  grep -q '"FAIL"' <(tail -n +"$((before + 1))" "$E2E_RESULTS") &&
    failed_logs+=("e2e-$MANIFEST-$run_id $tmp/$MANIFEST/compose/compose.yaml")
fi

# 5. Deployment 3: shop.toml's Kubernetes output, on k8s.py's kubelet on Docker (it prints its own
# timing lines, and the logs of its containers when a check failed).
deploy_k8s() {
  local keep=() status
  [ "${E2E_KEEP:-}" != 1 ] || keep=(--keep)
  python3 "$here/k8s.py" shop --aspirec "$ASPIREC" --work "$tmp/k8s" --run-id "$run_id" "${keep[@]}"
  status=$?
  [ $status = 0 ] || python3 "$check" record "k8s: k8s.py ran to the end" fail "it exited $status (see above)"
}

if [ -z "$ONLY" ] || [ "$ONLY" = k8s ]; then
  deploy_k8s
fi

python3 "$check" summary
status=$?
timing "total" "$start_all"
exit $status
