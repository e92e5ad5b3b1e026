#!/usr/bin/env bash
# Runs the full-scale failure-mode experiments (EXPERIMENTS.md B) over several seeds,
# two at a time with one WASM thread each, writing into docs/experiments/failure-modes/.
# Usage: bash scripts/experiment-queue.sh [seeds...]   (default seeds 1-5)
set -u
cd "$(dirname "$0")/.."
seeds=${*:-1 2 3 4 5}
jobs=()
for seed in $seeds; do
  grids=final; [ "$seed" = 1 ] && grids=epoch
  for exp in b1-stable b2-mode-collapse b3-combined-batch b4-aggressive-adam b3-bn; do
    script=$exp; extra=""
    if [ "$exp" = b3-bn ]; then script=b3-combined-batch; extra="--batch-norm"; fi
    id=${exp%%-*}; [ "$exp" = b3-bn ] && id=b3-bn
    out=docs/experiments/failure-modes/$id/seed-$seed
    [ -f "$out/summary.json" ] && continue
    jobs+=("npx tsx examples/failure-modes/$script.ts --seed $seed --threads 1 --grids $grids $extra --out $out --save-generator runs/failure-modes/$id/seed-$seed/generator > runs/logs/$id-seed-$seed.log 2>&1")
  done
done
mkdir -p runs/logs
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c '{}'
