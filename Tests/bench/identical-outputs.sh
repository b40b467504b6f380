#!/bin/bash
# Checks that a moesim binary writes byte-identical results to a reference, for every kernel
# variant and for 1 and 2 threads: the quickstart in full, and the two benchmark scenarios cut to
# 2 steps of 1,000 tokens (partial blocks and tiles).
#
#   Tests/bench/identical-outputs.sh --make-reference REF BIN   # write REF with BIN (a reference build)
#   Tests/bench/identical-outputs.sh REF BIN                    # compare BIN's results with REF
#
# Exit 0 when every folder is identical, 1 when any differs or a run fails, 64 on bad usage.
set -u
make_reference=0
if [ "${1:-}" = --make-reference ]; then make_reference=1; shift; fi
if [ $# -ne 2 ]; then sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 64; fi
reference=$1
binary=$2
scenarios=$(cd "$(dirname "$0")/../../Scenarios" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
mkdir -p "$reference"
for scenario in quickstart bench/r-fine bench/r-coarse; do
  name=$(basename "$scenario")
  extra=()
  [ "$scenario" != quickstart ] && extra=(--set workload.steps=2 --set workload.tokens_per_step=1000)
  if [ $make_reference = 1 ]; then
    rm -rf "${reference:?}/$name"
    "$binary" run "$scenarios/$scenario.json5" "${extra[@]}" --threads 1 --out "$reference/$name" >/dev/null \
      || { echo "reference run failed: $name"; fail=1; }
    continue
  fi
  for kernels in baseline avx2 avx512; do
    for threads in 1 2; do
      out="$work/$name-$kernels-$threads"
      MOESIM_KERNELS=$kernels "$binary" run "$scenarios/$scenario.json5" "${extra[@]}" --threads $threads \
        --out "$out" >/dev/null || { echo "run failed: $name $kernels threads=$threads"; fail=1; continue; }
      if diff -r -q "$reference/$name" "$out" >/dev/null; then
        echo "identical  $name $kernels threads=$threads"
      else
        echo "DIFFERENT  $name $kernels threads=$threads"; diff -r -q "$reference/$name" "$out"; fail=1
      fi
    done
  done
done
exit $fail
