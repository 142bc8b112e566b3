#!/usr/bin/env bash
# Times the whole `aspirec build MODEL --emit all --allow-unsupported` process on synthetic models of 10 to 10,000
# services (tests/bench/synth.rs) and prints a Markdown table: median and fastest wall-clock
# time over RUNS fresh builds, CPU time, and the peak resident memory (GNU time's "Maximum
# resident set size", the largest over the runs).
#
#   tests/bench/run.sh                      # sizes 10 100 1000 10000, 5 runs each
#   SIZES="1000 10000" RUNS=9 tests/bench/run.sh
#   KEEP=/tmp/bench tests/bench/run.sh      # keep the models and outputs there
#
# Needs GNU time at /usr/bin/time (Debian: `apt-get install time`); for one detailed run use
#   /usr/bin/time -v target/release/aspirec build MODEL --emit all --out DIR
# Each run writes into a new folder, as a first build does; the folders are removed when the
# script ends, not timed. They are made under TMPDIR (or KEEP): TMPDIR=/dev/shm takes the disk
# out of the figures. On ext4 without a journal (common on VM images) creating a file skips
# every inode deleted in the last ~30 s, one by one: a build right after `rm -rf` of a large
# output can spend seconds in the kernel. So no run here follows a removal; leave 30 s between
# two invocations of this script.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SIZES=${SIZES:-"10 100 1000 10000"}
RUNS=${RUNS:-5}
if [ ! -x /usr/bin/time ]; then
  echo "run.sh: GNU time is missing: apt-get install time" >&2
  exit 2
fi
if [ -n "${KEEP:-}" ]; then
  WORK=$KEEP
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi

cargo build --quiet --release --bin aspirec --example gen-model
BIN=target/release/aspirec
GEN=target/release/examples/gen-model

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fastest() { sort -n | head -n 1; }

echo "| services | model | files | output | wall median | wall fastest | CPU (user+sys) median | peak RSS |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
  model=$WORK/synth-$n.toml
  "$GEN" "$n" >"$model"
  : >"$WORK/wall" && : >"$WORK/cpu" && : >"$WORK/rss"
  for run in $(seq "$RUNS"); do
    # A fresh folder per run, as a first build; all are removed at the end (see above).
    out=$WORK/out-$n-$run
    start=$(date +%s%N)
    # %U %S: CPU seconds; %M: peak resident set size in KiB.
    # --allow-unsupported: each synthetic service's named volume (and second port) is E0702/E0704
    # on Cloud Run, which leaves it out; the other targets have nothing to leave out, so their
    # output is what it was without the flag.
    /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$BIN" build "$model" --emit all --allow-unsupported --out "$out" >/dev/null 2>"$WORK/stderr" || {
      echo "run.sh: aspirec failed on $n services:" >&2
      cat "$WORK/stderr" >&2
      exit 1
    }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >>"$WORK/wall"
    # The file may start with a "Command exited..." line; the figures are on the last one.
    tail -n 1 "$WORK/time" | awk '{ printf "%d\n", ($1 + $2) * 1000 }' >>"$WORK/cpu"
    tail -n 1 "$WORK/time" | awk '{ print $3 }' >>"$WORK/rss"
  done
  files=$(find "$out" -type f | wc -l)
  output_kib=$(du -sk "$out" | cut -f1)
  model_kib=$(( $(wc -c <"$model") / 1024 ))
  rss_mib=$(sort -n "$WORK/rss" | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }')
  printf '| %s | %s KiB | %s | %s KiB | %s ms | %s ms | %s ms | %s MiB |\n' \
    "$n" "$model_kib" "$files" "$output_kib" "$(median <"$WORK/wall")" "$(fastest <"$WORK/wall")" \
    "$(median <"$WORK/cpu")" "$rss_mib"
done
