/**
 * Redraws a committed run's learning-curve figure from its history.csv, e.g. after the chart gained a panel.
 * `npx tsx scripts/redraw-curves.ts docs/experiments/wgan-gp/batch-critic "WGAN-GP, batch-normalised critic"`
 */
import { writeLearningCurves } from 'gan-hacks/node';
import { readHistory } from './rediagnose.js';

const [dir, title] = process.argv.slice(2);
if (!dir) throw new Error('usage: redraw-curves.ts RUN_DIR [TITLE]');
const { png } = await writeLearningCurves(await readHistory(dir), dir, { title });
console.log(`wrote ${png}`);
