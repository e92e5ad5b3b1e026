import { GanHacksError } from '../errors/index.js';

/**
 * One iteration's record: the losses, accuracies and every named loss term,
 * plus whatever hooks added (e.g. `diversity`).
 */
export interface IterationRecord {
  /** 1-based iteration number. */
  iteration: number;
  /** 0-based epoch the iteration belongs to. */
  epoch: number;
  /** D loss on the real half (mean over the D steps of the iteration). */
  dLossReal: number;
  /** D loss on the fake half. */
  dLossFake: number;
  /** G loss (without regularizers). */
  gLoss: number;
  /** D accuracy on real samples; NaN when D outputs critic scores. */
  dAccReal: number;
  /** D accuracy on fake samples; NaN when D outputs critic scores. */
  dAccFake: number;
  /** Any other named value. */
  [name: string]: number;
}

/** Per-epoch means of the iteration records (what `onEpochEnd` receives). */
export type EpochLogs = Record<string, number>;

/** The JSON form of a {@link History}. */
export interface HistoryJSON {
  records: IterationRecord[];
}

const BASE_COLUMNS = ['iteration', 'epoch', 'dLossReal', 'dLossFake', 'gLoss', 'dAccReal', 'dAccFake'];

/**
 * The per-iteration log of a training run, returned by `Trainer.fit`.
 *
 * @example
 * ```ts
 * const history = await trainer.fit(images, { batchSize: 128, iterations: 450 });
 * history.column('gLoss'); // number[]
 * await fs.writeFile('history.csv', history.toCSV());
 * ```
 */
export class History {
  readonly records: IterationRecord[] = [];

  constructor(records: IterationRecord[] = []) {
    if (!Array.isArray(records)) throw new GanHacksError('INVALID_ARGUMENT', 'History: records must be an array of iteration records.');
    records.forEach((r, i) => checkRecord(r, `History: records[${i}]`));
    this.records.push(...records);
  }

  /** Number of recorded iterations. */
  get length(): number {
    return this.records.length;
  }

  /** The last record, if any. */
  get last(): IterationRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /**
   * Appends a record: an object with a positive integer `iteration` and numeric values.
   * @throws GanHacksError `INVALID_ARGUMENT` for anything else.
   */
  push(record: IterationRecord): void {
    checkRecord(record, 'History.push: record');
    this.records.push(record);
  }

  /** Values of one column over all (or the last `window`) records; absent values are NaN. */
  column(name: string, window?: number): number[] {
    const from = window === undefined ? 0 : Math.max(0, this.records.length - window);
    return this.records.slice(from).map((r) => (name in r ? r[name] : NaN));
  }

  /** Every column name, base columns first. */
  columns(): string[] {
    const names = new Set(BASE_COLUMNS);
    for (const r of this.records) for (const k of Object.keys(r)) names.add(k);
    return [...names];
  }

  /**
   * The mean of every column over one epoch's records, as `onEpochEnd`
   * receives it (the per-epoch log of the sources). A column counts only the
   * records that have it, so a value measured once per epoch (`diversity`)
   * keeps its value; NaN values (critic accuracies) make a NaN mean.
   *
   * @example
   * ```ts
   * history.epochMean(0); // { epoch: 0, dLossReal: 0.42, dLossFake: 0.63, gLoss: 0.86, ... }
   * ```
   */
  epochMean(epoch: number): EpochLogs {
    return meanOf(epoch, this.records.filter((r) => r.epoch === epoch));
  }

  /** {@link History.epochMean} of every epoch the history covers, in order (one pass over the records). */
  epochMeans(): EpochLogs[] {
    const byEpoch = new Map<number, IterationRecord[]>();
    for (const r of this.records) {
      const group = byEpoch.get(r.epoch);
      if (group) group.push(r);
      else byEpoch.set(r.epoch, [r]);
    }
    return [...byEpoch.entries()].sort(([a], [b]) => a - b).map(([e, rs]) => meanOf(e, rs));
  }

  /** A new History with the last `n` records. */
  tail(n: number): History {
    return new History(this.records.slice(Math.max(0, this.records.length - n)));
  }

  toJSON(): HistoryJSON {
    return { records: this.records.map((r) => ({ ...r })) };
  }

  /** CSV with a header row; empty cells for values a record lacks. */
  toCSV(): string {
    const cols = this.columns();
    const lines = [cols.join(',')];
    for (const r of this.records) lines.push(cols.map((c) => (c in r ? String(r[c]) : '')).join(','));
    return `${lines.join('\n')}\n`;
  }

  /**
   * Rebuilds a History from {@link History.toCSV} output: an empty cell is a
   * value the record lacks, `NaN` stays NaN (critic accuracies).
   *
   * @example
   * ```ts
   * const history = History.fromCSV(await readFile('runs/b1/history.csv', 'utf8'));
   * ```
   * @throws GanHacksError `FILE_FORMAT` without an `iteration` column or with a row of the wrong width.
   */
  static fromCSV(csv: string): History {
    if (typeof csv !== 'string') throw new GanHacksError('INVALID_ARGUMENT', 'History.fromCSV: pass the CSV text (a string), as History.toCSV writes it.');
    const [header, ...rows] = csv.trim().split('\n');
    const cols = (header ?? '').split(',');
    if (!cols.includes('iteration')) throw new GanHacksError('FILE_FORMAT', 'History.fromCSV: expected a header row with an "iteration" column, as History.toCSV writes.');
    return new History(
      rows.map((line, i) => {
        const cells = line.split(',');
        if (cells.length !== cols.length) {
          throw new GanHacksError('FILE_FORMAT', `History.fromCSV: row ${i + 2} has ${cells.length} cells, the header ${cols.length}.`);
        }
        return Object.fromEntries(cells.flatMap((v, k) => (v === '' ? [] : [[cols[k], Number(v)]]))) as IterationRecord;
      }),
    );
  }

  /**
   * Rebuilds a History from {@link History.toJSON} output (or a plain array of records).
   * @throws GanHacksError `FILE_FORMAT` when the input is not a list of records.
   */
  static fromJSON(json: HistoryJSON | IterationRecord[]): History {
    const records = Array.isArray(json) ? json : typeof json === 'object' && json !== null ? (json as HistoryJSON).records : undefined;
    const valid = (r: unknown): boolean =>
      typeof r === 'object' &&
      r !== null &&
      !Array.isArray(r) &&
      Number.isInteger((r as IterationRecord).iteration) &&
      (r as IterationRecord).iteration >= 1 &&
      Object.values(r).every((v) => v === null || typeof v === 'number');
    if (!Array.isArray(records) || !records.every(valid)) {
      throw new GanHacksError('FILE_FORMAT', 'History.fromJSON: expected { records: [{ iteration, ... }, ...] } with numeric values (null for NaN).');
    }
    // JSON has no NaN: accuracies of critics come back as null.
    return new History(
      records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? NaN : Number(v)])) as IterationRecord),
    );
  }
}

/** Mean of each column over the records that have it. */
function meanOf(epoch: number, records: IterationRecord[]): EpochLogs {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      if (k === 'epoch' || k === 'iteration') continue;
      const s = sums.get(k) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n += 1;
      sums.set(k, s);
    }
  }
  const logs: EpochLogs = { epoch };
  for (const [k, { sum, n }] of sums) logs[k] = sum / n;
  return logs;
}

function checkRecord(record: unknown, name: string): void {
  const r = record as Record<string, unknown> | null;
  const ok = typeof r === 'object' && r !== null && !Array.isArray(r) && Number.isInteger(r.iteration) && (r.iteration as number) >= 1 && Object.values(r).every((v) => typeof v === 'number');
  if (!ok) throw new GanHacksError('INVALID_ARGUMENT', `${name} must be an object with a positive integer iteration and numeric values.`);
}
