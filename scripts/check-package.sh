#!/usr/bin/env bash
# Packs gan-hacks, lints the tarball (publint, arethetypeswrong), installs it in an
# empty folder next to @tensorflow/tfjs, and checks that ESM import and CJS require work.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f gan-hacks-*.tgz
tarball=$(npm pack --silent 2>/dev/null | tail -n 1)
npx --no-install publint "$tarball"
npx --no-install attw "$tarball" --profile node16
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$tarball" "$dir/"
(
  cd "$dir"
  npm init -y > /dev/null
  npm install --no-audit --no-fund --silent "./$tarball" @tensorflow/tfjs@^4.22.0 > /dev/null
  cat > esm.mjs <<'JS'
import { smoothPositiveLabels, WGANGP, Trainer } from 'gan-hacks';
import * as tf from '@tensorflow/tfjs';
const y = smoothPositiveLabels(tf.ones([4, 1]), { seed: 1 });
const v = y.dataSync();
if (!(v.every((x) => x >= 0.7 && x <= 1.2) && new WGANGP().gradientPenaltyWeight === 10 && typeof Trainer === 'function')) throw new Error('ESM import check failed');
console.log('ESM import: ok');
JS
  cat > cjs.cjs <<'JS'
const { smoothPositiveLabels, WGANGP } = require('gan-hacks');
const node = require('gan-hacks/node');
const tf = require('@tensorflow/tfjs');
const v = smoothPositiveLabels(tf.ones([4, 1]), { seed: 1 }).dataSync();
if (!(v.every((x) => x >= 0.7 && x <= 1.2) && new WGANGP().name === 'wgan-gp' && typeof node.loadIdx === 'function')) throw new Error('CJS require check failed');
console.log('CJS require: ok');
JS
  node esm.mjs 2>&1 | grep -v 'tfjs-node\|^=\+$\|^Hi, looks\|^$'
  node cjs.cjs 2>&1 | grep -v 'tfjs-node\|^=\+$\|^Hi, looks\|^$'
)
rm -f "$tarball"
echo "package checks passed"
