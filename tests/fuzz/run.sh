#!/usr/bin/env bash
# Runs one fuzz target for a while: ./tests/fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags]
# TARGET is model_toml, toml_paths (the streaming TOML builder against the toml crate), manifest,
# compile or output_record (hostile output folders and records; see src/output/fuzzing.rs).
# The corpus (tests/fuzz/corpus/TARGET, git-ignored; FUZZ_CORPUS=DIR to keep it elsewhere) is
# seeded from the example models, fixtures, the Aspire corpus, the kept regressions and
# tests/fuzz/seeds/TARGET. FUZZ_TARGET_DIR=DIR builds elsewhere than tests/fuzz/target.
# Stable Rust with RUSTC_BOOTSTRAP=1 accepts the -Z flags cargo-fuzz passes; no sanitizer
# (the code is safe Rust: we hunt panics), debug assertions on (overflow checks as in `cargo test`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
target=${1:?usage: run.sh TARGET [SECONDS] [libFuzzer flags]}
seconds=${2:-300}
shift $(( $# >= 2 ? 2 : 1 ))
corpus=${FUZZ_CORPUS:-tests/fuzz/corpus}/$target
mkdir -p "$corpus"
seeds=(tests/fuzz/regressions)
# Models from the property tests' generator, when dumped there (see README.md).
generated=${FUZZ_CORPUS:-tests/fuzz/corpus}/generated
case $target in
  manifest) dict=tests/fuzz/dict/manifest.dict; seeds+=(../shared/corpus/aspire-manifests) ;;
  model_toml|toml_paths) dict=tests/fuzz/dict/model.dict; seeds+=(tests/models tests/fixtures/ok tests/fixtures/err "$generated") ;;
  compile) dict=tests/fuzz/dict/model.dict
    seeds+=(tests/models tests/fixtures/ok tests/fixtures/err "$generated" ../shared/corpus/aspire-manifests) ;;
  output_record) dict=tests/fuzz/dict/output.dict; seeds+=(tests/fuzz/seeds/output_record) ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
for dir in "${seeds[@]}"; do
  [ -d "$dir" ] && find "$dir" -maxdepth 1 -type f \( -name '*.toml' -o -name '*.json' -o -name '*.bin' -o -name '*.txt' \) \
    -exec cp -n {} "$corpus/" \;
done
export RUSTC_BOOTSTRAP=1 CARGO_BUILD_JOBS=1
exec nice cargo fuzz run --fuzz-dir tests/fuzz ${FUZZ_TARGET_DIR:+--target-dir "$FUZZ_TARGET_DIR"} -s none -a "$target" "$corpus" -- \
  -dict="$dict" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@"
