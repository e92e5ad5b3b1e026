/**
 * Redraws a committed run's learning-curve figure from its history.csv, e.g. after the chart gained a panel.
 * `npx tsx scripts/redraw-curves.ts docs/experiments/wgan-gp/batch-critic "WGAN-GP, batch-normalised critic"`
 */
import { readFileSync } from 'node:fs';
import { History } from '../src/index.js';
import { writeLearningCurves } from '../src/node/index.js';

const [dir, title] = process.argv.slice(2);
if (!dir) throw new Error('usage: redraw-curves.ts RUN_DIR [TITLE]');
const history = History.fromCSV(readFileSync(`${dir}/history.csv`, 'utf8'));
const { png } = await writeLearningCurves(history, dir, { title });
console.log(`wrote ${png}`);
