#!/usr/bin/env bash
# Runs the full-scale experiments, writing into docs/experiments/. By default one run at a
# time with two WASM threads: on 2 cores that finished a B-sized iteration in 1.9-2.0 s,
# while two parallel one-thread runs each took over 4 s (they share memory bandwidth).
# PARALLEL=2 THREADS=1 restores the two-at-a-time layout. A run whose summary.json exists is skipped, so the queue can be
# stopped and restarted. Seed 1 of each experiment draws a grid every epoch; other seeds
# only at the end. Every run checkpoints each epoch under runs/checkpoints/, so a queue stopped
# mid-run resumes it where it was.
# Usage: [ROWS="b1-stable b3-bn ..."] bash scripts/experiment-queue.sh [plan]   plan: full (default: C, D, E and B3 with batch norm,
# then B seeds 1-5) | b SEEDS... | generators SEEDS... (re-run B rows into runs/rerun/, keeping generators) | remedies SEEDS... (the remedies matrix) | conditional SEEDS... (conditional-example runs) | cde | c | d-long (the layer-normalised critic for 3,000 iterations;
# D_ITERATIONS=N ends it at N instead, resuming from the same checkpoints)
set -u
THREADS=${THREADS:-2}
PARALLEL=${PARALLEL:-1}
# ROWS picks which B experiments a b plan runs (default: all six rows of the table).
ROWS=${ROWS:-"b1-stable b2-mode-collapse b3-combined-batch b4-aggressive-adam b3-bn b1-bn"}
cd "$(dirname "$0")/.."
mkdir -p runs/logs

# Sets script, extra and id for a B row name (b1-stable, b3-bn, ...).
row_parts() {
  script=$1; extra=""; id=${1%%-*}
  case "$1" in
    b3-bn) script=b3-combined-batch; extra="--batch-norm"; id=b3-bn ;;
    b1-bn) script=b1-stable; extra="--batch-norm"; id=b1-bn ;;
  esac
}

b_jobs() {
  for seed in "$@"; do
    grids=final; [ "$seed" = 1 ] && grids=epoch
    for exp in $ROWS; do
      row_parts "$exp"
      out=docs/experiments/failure-modes/$id/seed-$seed
      [ -f "$out/summary.json" ] && continue
      echo "npx tsx examples/failure-modes/$script.ts --seed $seed --threads $THREADS --grids $grids $extra --out $out --checkpoints runs/checkpoints/$id/seed-$seed --save-generator runs/failure-modes/$id/seed-$seed/generator > runs/logs/$id-seed-$seed.log 2>&1"
    done
  done
}

cde_jobs() {
  for critic in batch layer; do
    out=docs/experiments/wgan-gp/$critic-critic
    [ -f "$out/summary.json" ] || echo "npx tsx examples/wgan-gp/wgan-gp.ts --critic $critic --scale reduced --seed 1 --threads $THREADS --out $out --checkpoints runs/checkpoints/wgan-gp-$critic --save-generator runs/wgan-gp/$critic/generator > runs/logs/wgan-gp-$critic.log 2>&1"
  done
  [ "${1:-}" = with-b3-bn ] && b_jobs 1 | grep b3-bn
  [ -f docs/experiments/survey/wgan-gp/summary.json ] || echo "npx tsx examples/survey/mlp-losses.ts --seed 1 --threads $THREADS --out docs/experiments/survey > runs/logs/survey.log 2>&1"
  for exp in c1-stable c4-high-learning-rate c5-aggressive-adam c2-latent-2 c3-latent-1; do
    id=${exp%%-*}; out=docs/experiments/monitoring/$id/seed-1
    [ -f "$out/summary.json" ] || echo "npx tsx examples/monitoring/$exp.ts --scale reduced --seed 1 --threads $THREADS --out $out --checkpoints runs/checkpoints/$id --save-generator runs/monitoring/$id/generator > runs/logs/$id.log 2>&1"
  done
}

# Re-runs of B rows whose generators were not kept (the feature-space table needs them): same
# commands and seeds as the committed runs, written under runs/rerun/ so the committed summaries
# stay as they are; seed-major, so every row has a seed early.
generator_jobs() {
  for seed in "$@"; do
    for exp in $ROWS; do
      row_parts "$exp"
      out=runs/rerun/$id/seed-$seed
      [ -f "runs/failure-modes/$id/seed-$seed/generator/model.json" ] && continue
      echo "npx tsx examples/failure-modes/$script.ts --seed $seed --threads $THREADS --grids final $extra --out $out --checkpoints runs/checkpoints/rerun-$id/seed-$seed --save-generator runs/failure-modes/$id/seed-$seed/generator > runs/logs/rerun-$id-seed-$seed.log 2>&1"
    done
  done
}

# The remedies matrix (docs/experiments/remedies.md): each failing row with three remedies, seeds given.
# REMEDY_ROWS overrides the rows ("row:remedy,remedy ..."; row as in ROWS).
REMEDY_ROWS=${REMEDY_ROWS:-"b2-mode-collapse:minibatch-discrimination,minibatch-stddev,replay b4-aggressive-adam:spectral-norm,instance-noise,ema b1-bn:r1,instance-noise,spectral-norm"}
remedy_jobs() {
  for seed in "$@"; do
    for row in $REMEDY_ROWS; do
      exp=${row%%:*}; remedies=${row#*:}
      row_parts "$exp"
      for remedy in ${remedies//,/ }; do
        out=docs/experiments/remedies/$id/$remedy/seed-$seed
        [ -f "$out/summary.json" ] && continue
        echo "npx tsx examples/failure-modes/$script.ts --seed $seed --threads $THREADS --grids final $extra --remedy $remedy --out $out --checkpoints runs/checkpoints/remedies/$id/$remedy/seed-$seed --save-generator runs/remedies/$id/$remedy/seed-$seed/generator > runs/logs/remedy-$id-$remedy-seed-$seed.log 2>&1"
      done
    done
  done
}

# Runs of the conditional example (docs/experiments/conditional.md), one per seed given, into
# docs/experiments/conditional/$C_NAME/seed-N: C_ITERATIONS iterations (default 1000) with an average of G's weights of
# decay C_EMA (default 0.995) and the example's flags C_FLAGS (default --real-class-only; C_NAME default real-class).
conditional_jobs() {
  for seed in "$@"; do
    name=${C_NAME:-real-class}
    out=docs/experiments/conditional/$name/seed-$seed
    [ -f "$out/summary.json" ] && continue
    echo "npx tsx examples/conditional.ts --seed $seed --threads $THREADS --grids final --iterations ${C_ITERATIONS:-1000} --ema ${C_EMA:-0.995} ${C_FLAGS---real-class-only} --out $out --checkpoints runs/checkpoints/conditional-$name/seed-$seed > runs/logs/conditional-$name-seed-$seed.log 2>&1"
  done
}

plan=${1:-full}
case "$plan" in
  b) shift; jobs=$(b_jobs "$@") ;;
  generators) shift; jobs=$(generator_jobs "$@") ;;
  remedies) shift; jobs=$(remedy_jobs "$@") ;;
  conditional) shift; jobs=$(conditional_jobs "$@") ;;
  cde) jobs=$(cde_jobs) ;;
  c) jobs=$(cde_jobs | grep examples/monitoring) ;;
  d-long)
    out=docs/experiments/wgan-gp/layer-critic-long
    [ -f "$out/summary.json" ] || jobs="npx tsx examples/wgan-gp/wgan-gp.ts --critic layer --scale reduced --iterations ${D_ITERATIONS:-3000} --seed 1 --threads $THREADS --out $out --checkpoints runs/checkpoints/wgan-gp-layer-long --save-generator runs/wgan-gp/layer-long/generator > runs/logs/wgan-gp-layer-long.log 2>&1" ;;
  *) jobs="$(cde_jobs with-b3-bn)"$'\n'"$(b_jobs 1 2 3 4 5)" ;;
esac
printf '%s\n' "$jobs" | grep -v '^$' | awk '!seen[$0]++' | xargs -P "$PARALLEL" -I{} bash -c '{}'
