#!/bin/sh
# Sweep the number of routed experts of a scenario, two ways that give the same files.
#
#   Scenarios/sweeps/expert-count.sh [SCENARIO] [OUT]
#
# 1. A plain shell loop, as a user's own script would do it: one `moesim run --set` per value,
#    one results folder per value, then one table built from the summaries.
# 2. The same sweep as one `moesim sweep` line (parallel, resumable, shardable).
# `moesim` must be on PATH (e.g. `swift build -c release && export PATH=$PWD/.build/release:$PATH`).
# With no SCENARIO the built-in quickstart (16 experts, top-2) is used.
set -eu

scenario=${1:-}
out=${2:-Results/expert-count}
experts="8 16 32 64 128"

# 1. Shell loop.
for e in $experts; do
  moesim run $scenario --set model.moe.experts=$e --out "$out/loop/experts-$e" --quiet
done
# One table: the varied value, then every summary.csv column.
{
  printf 'model.moe.experts,'
  head -n 1 "$out/loop/experts-8/summary.csv"
  for e in $experts; do
    printf '%s,' "$e"
    tail -n 1 "$out/loop/experts-$e/summary.csv"
  done
} > "$out/loop/sweep.csv"

# 2. The same as one line (8..128*2 = 8,16,32,64,128); writes $out/sweep/sweep.csv.
moesim sweep $scenario --vary model.moe.experts=8..128*2 --out "$out/sweep" --quiet

echo "shell loop: $out/loop/sweep.csv"
echo "moesim sweep: $out/sweep/sweep.csv (same rows, plus a point column)"
