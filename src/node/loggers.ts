import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Hook, TrainState } from '../train/hooks.js';
import type { IterationRecord } from '../history/index.js';
import { writeFileAtomic } from './files.js';
import { assertBoolean, assertNonEmptyString, optionsObject } from '../internal/validate.js';

function checkLoggerOptions(fn: string, options: LoggerOptions): LoggerOptions {
  const o = optionsObject(fn, options);
  assertNonEmptyString(`${fn}: path`, o.path);
  if (o.append !== undefined) assertBoolean(`${fn}: append`, o.append);
  return o as LoggerOptions;
}

/** Options of {@link CsvLogger} and {@link JsonlLogger}. */
export interface LoggerOptions {
  /** File to write. */
  path: string;
  /** Keep records already in the file (a resumed run). @defaultValue false */
  append?: boolean;
}

/**
 * Writes the history to a CSV file, rewritten atomically at each epoch end
 * and at the end of training (columns can appear mid-run, e.g. `diversity`).
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new CsvLogger({ path: 'runs/b1/history.csv' })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a non-empty `path` string or for a non-boolean `append`.
 */
export class CsvLogger implements Hook {
  readonly name = 'CsvLogger';
  private readonly options: LoggerOptions;

  constructor(options: LoggerOptions) {
    this.options = checkLoggerOptions('CsvLogger', options);
  }

  async onEpochEnd(state: TrainState): Promise<void> {
    await writeFileAtomic(this.options.path, state.history.toCSV());
  }

  async onTrainEnd(state: TrainState): Promise<void> {
    await writeFileAtomic(this.options.path, state.history.toCSV());
  }
}

/**
 * Appends one JSON line per iteration: a log that survives a crash.
 *
 * @example
 * ```ts
 * new Trainer({ ..., hooks: [new JsonlLogger({ path: 'runs/b1/history.jsonl' })] });
 * ```
 * @throws GanHacksError `INVALID_ARGUMENT` without a non-empty `path` string or for a non-boolean `append`.
 */
export class JsonlLogger implements Hook {
  readonly name = 'JsonlLogger';
  private readonly options: LoggerOptions;

  constructor(options: LoggerOptions) {
    this.options = checkLoggerOptions('JsonlLogger', options);
  }

  async onTrainBegin(): Promise<void> {
    await mkdir(dirname(this.options.path), { recursive: true });
    if (!this.options.append) await writeFile(this.options.path, '');
  }

  async onIterationEnd(_state: TrainState, logs: IterationRecord): Promise<void> {
    const line = JSON.stringify(logs, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    await appendFile(this.options.path, `${line}\n`);
  }
}
