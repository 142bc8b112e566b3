#!/usr/bin/env bash
# Builds the stand-in images of the end-to-end test, once per machine, on the engine of
# ../shared/tools/docker-engine.sh (DOCKER_HOST must point at it).
#
#   tests/e2e/images/build.sh                 # base rootfs + every stand-in; cached
#   tests/e2e/images/build.sh tag IMAGE...    # tag the stand-in for each pinned integration image
#
# No image registry is reachable, so everything starts from one Debian bookworm rootfs made by
# debootstrap with every package of packages.txt (servers, clients and the test app's Python
# libraries): `aspirec-e2e/base:bookworm`. Each folder here with a Dockerfile is a stand-in built
# FROM that base as `aspirec-e2e/<folder>:standin`; standins.txt says which image repositories it
# stands in for.
#
# Caching: every image carries the label org.aspirec.e2e.hash, a hash of the files it is built from
# (packages.txt and base.sh for the base; the base's hash, a parent stand-in's hash and the folder's
# files for a stand-in). An image whose label matches is not rebuilt. The debootstrap result is kept
# as a tarball under the engine home ($DOCKER_ENGINE_HOME, default /tmp/aspirec-docker), so even a
# wiped image store re-imports it instead of running debootstrap again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${SHARED:-$(cd "$here/../../.." && pwd)/../shared}
engine_home=${DOCKER_ENGINE_HOME:-/tmp/aspirec-docker}
cache=$engine_home/e2e
label=org.aspirec.e2e.hash
# The classic builder behaves the same with Debian's docker 20.10 CLI and newer CLIs without buildx.
export DOCKER_BUILDKIT=0

log() { echo "images: $*" >&2; }

hash_files() { sha256sum "$@" | sha256sum | cut -c1-16; }

label_of() { docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null || true; }

base_key() { (cd "$here" && hash_files packages.txt base.sh); }

build_base() {
  local key; key=$(base_key)
  if [ "$(label_of aspirec-e2e/base:bookworm)" = "$key" ]; then return 0; fi
  mkdir -p "$cache"
  local tarball=$cache/rootfs-$key.tar
  if [ ! -s "$tarball" ]; then
    log "debootstrap of the base rootfs (a few minutes, once per machine; log: $engine_home/debootstrap.log)"
    local dir=$cache/rootfs-$key
    rm -rf "$dir"
    "$shared/tools/docker-engine.sh" rootfs "$dir" "$(grep -v '^#' "$here/packages.txt" | paste -sd, -)"
    bash "$here/base.sh" "$dir"
    tar -C "$dir" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
    # Older tarballs are of no further use.
    find "$cache" -maxdepth 1 -name 'rootfs-*.tar' ! -name "rootfs-$key.tar" -delete
  fi
  log "importing the base rootfs as aspirec-e2e/base:bookworm"
  docker import --change "LABEL $label=$key" --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' "$tarball" aspirec-e2e/base:bookworm >/dev/null
}

# The hash of a stand-in: the base, the stand-in it starts FROM (if any), and its own files.
standin_key() {
  local name=$1 parent
  parent=$(sed -n 's|^FROM aspirec-e2e/\([a-z0-9-]*\):standin.*|\1|p' "$here/$name/Dockerfile")
  { base_key; [ -z "$parent" ] || standin_key "$parent"; (cd "$here/$name" && find . -type f | sort | xargs sha256sum); } |
    sha256sum | cut -c1-16
}

build_standin() {
  local name=$1 key; key=$(standin_key "$name")
  if [ "$(label_of "aspirec-e2e/$name:standin")" = "$key" ]; then return 0; fi
  log "building stand-in aspirec-e2e/$name:standin"
  local out
  out=$(docker build -q --label "$label=$key" -t "aspirec-e2e/$name:standin" "$here/$name" 2>&1) ||
    { echo "$out" >&2; return 1; }
}

build_all() {
  build_base
  # Parents first: a stand-in may start FROM another one (valkey FROM redis).
  local name parent
  while read -r name; do
    parent=$(sed -n 's|^FROM aspirec-e2e/\([a-z0-9-]*\):standin.*|\1|p' "$here/$name/Dockerfile")
    [ -z "$parent" ] || build_standin "$parent"
    build_standin "$name"
  done < <(grep -v '^#' "$here/standins.txt" | awk 'NF && !seen[$2]++ { print $2 }')
}

# tag IMAGE...: give each pinned image name its stand-in; an image with no stand-in is an error.
tag() {
  local image repo name missing=0
  for image in "$@"; do
    repo=${image%:*}
    name=$(grep -v '^#' "$here/standins.txt" | awk -v r="$repo" '$1 == r { print $2; exit }')
    if [ -z "$name" ]; then
      log "ERROR: no stand-in for image $image (add its repository to tests/e2e/images/standins.txt)"
      missing=1
      continue
    fi
    docker tag "aspirec-e2e/$name:standin" "$image"
  done
  return $missing
}

case "${1:-all}" in
  all) build_all ;;
  tag) shift; tag "$@" ;;
  *) echo "usage: $0 [all | tag IMAGE...]" >&2; exit 2 ;;
esac
