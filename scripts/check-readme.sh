#!/usr/bin/env bash
# Runs the README's Quick start as a new user would, so the README cannot rot: an empty folder,
# its two `sh` blocks (with `gan-hacks` installed from the packed tarball instead of the registry),
# its `ts` block saved as train.ts and type-checked as written with the project's TypeScript,
# then run with the iteration count cut to README_ITERATIONS (default 4) to keep CI short
# (README_ITERATIONS=300 runs it exactly as written).
# Fails if any step fails, if the run prints no verdict, or if it writes no grid.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
iterations=${README_ITERATIONS:-4}
rm -f gan-hacks-*.tgz
tarball=$(npm pack --silent 2>/dev/null | tail -n 1)
dir=$(mktemp -d)
trap 'rm -rf "$dir"; rm -f "$root/$tarball"' EXIT
mv "$tarball" "$dir/"

# The Quick start section: from its heading to the next `## ` heading.
section=$(awk '/^## Quick start/{on=1; next} /^## /{on=0} on' README.md)
# Fenced blocks of one language, in order, separated by a line holding only "----".
blocks() { printf '%s\n' "$section" | awk -v lang="$1" '$0 == "```" lang {on=1; next} /^```/ {if (on) print "----"; on=0; next} on'; }
install_block=$(blocks sh | awk '/^----$/{exit} {print}')
run_block=$(blocks sh | awk 'seen{print} /^----$/{seen=1}' | grep -v '^----$')
code=$(blocks ts | grep -v '^----$')
[ -n "$install_block" ] && [ -n "$code" ] && [ -n "$run_block" ] || { echo "check-readme: the Quick start lacks its install, code or run block"; exit 1; }

cd "$dir"
echo "check-readme: install block (gan-hacks from $tarball)"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  case "$line" in
    "npm install "*) line="${line//npm install gan-hacks /npm install ./$tarball } --no-audit --no-fund --loglevel=error" ;;
  esac
  echo "  \$ $line"
  bash -c "$line" > step.log 2>&1 || { cat step.log; exit 1; }
done <<< "$install_block"
[ "$(node -p "require('./package.json').type")" = module ] || { echo "check-readme: the project is not an ES module"; exit 1; }

printf '%s\n' "$code" > train.ts
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext", "strict": true, "noEmit": true, "skipLibCheck": true, "types": ["node"] }, "files": ["train.ts"] }
JSON
echo "check-readme: type-check train.ts as written"
npx --no-install tsc -p tsconfig.json

# Cut the run short (README_ITERATIONS below the written count); everything else stays as written.
written=$(grep -oE "iterations: [0-9]+, iterationsPerEpoch" train.ts | grep -oE "[0-9]+" | head -n 1)
[ -n "$written" ] || { echo "check-readme: train.ts has no 'iterations: N, iterationsPerEpoch' to cut"; exit 1; }
if [ "$iterations" -lt "$written" ]; then
  sed -i -E "s/iterations: [0-9]+, iterationsPerEpoch: [0-9]+/iterations: $iterations, iterationsPerEpoch: $iterations/" train.ts
else
  iterations=$written
fi
echo "check-readme: run block with $iterations iterations"
output=$(eval "$run_block" 2>&1) || { printf '%s\n' "$output"; exit 1; }
printf '%s\n' "$output" | tail -n 5
printf '%s\n' "$output" | grep -Eq '^(stable|mode-collapse|convergence-failure|undetermined)$' || { echo "check-readme: no verdict printed"; exit 1; }
ls out/grids/*.png > /dev/null 2>&1 || { echo "check-readme: no grid written"; exit 1; }
echo "check-readme: the Quick start installs, type-checks and runs as written"
