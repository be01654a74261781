// Reading and writing the CLI's CSV files. Input: one point a line, x_1, …, x_d, y.
import { readFile } from 'node:fs/promises';
import type { Matrix } from '../index.js';
import { UsageError } from './args.js';

/**
 * Reads training data: each line x_1,…,x_d,y, separated by commas (or, in a file without commas,
 * semicolons, tabs or spaces); blank lines and lines starting with # are skipped. Only a first
 * line with no numeric field at all is a header (skipped, and said so); every other field must be
 * a decimal number (no 0x10, NaN or Infinity), and an empty field (1,,2) is an error.
 */
export async function readDataCsv(path: string): Promise<DataCsv> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--data: cannot read '${path}': ${(error as Error).message}`);
  }
  return parseDataCsv(text, path);
}

/** A data CSV: inputs, labels, and the header line when one was skipped. */
export interface DataCsv {
  X: Matrix;
  y: Float32Array;
  /** The skipped header: its file line (1-based) and text. */
  header?: { line: number; text: string };
  /** The file line (1-based) of each data row: row i of X came from line fileLines[i]. */
  fileLines: number[];
}

/** A decimal number as people write it: 12, -0.5, .5, 1e-3; not 0x10, 1_000, NaN or Infinity. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function splitFields(line: string): string[] {
  const separator = line.includes(',') ? ',' : line.includes(';') ? ';' : line.includes('\t') ? '\t' : /\s+/;
  return line.split(separator).map((field) => field.trim());
}

/** @internal Parses the text of a data CSV (see {@link readDataCsv}); `name` is used in error messages. */
export function parseDataCsv(text: string, name = 'data'): DataCsv {
  const rows: number[][] = [], fileLines: number[] = [];
  const lines = text.split(/\r?\n/);
  let header: DataCsv['header'];
  let seenContent = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim(), fileLine = index + 1;
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitFields(line);
    const numeric = fields.map((f) => DECIMAL.test(f));
    if (!seenContent && numeric.every((ok) => !ok)) { // a header: no field is a number
      seenContent = true;
      header = { line: fileLine, text: line };
      continue;
    }
    seenContent = true;
    const empty = fields.indexOf('');
    if (empty >= 0) throw new UsageError(`${name}:${fileLine}: field ${empty + 1} is empty in '${line}'`);
    const bad = numeric.indexOf(false);
    if (bad >= 0) {
      throw new UsageError(`${name}:${fileLine}: field ${bad + 1} ('${fields[bad]}') is not a decimal number; every field must be one`);
    }
    const values = fields.map(Number);
    if (rows.length > 0 && values.length !== rows[0].length) {
      throw new UsageError(`${name}:${fileLine}: expected ${rows[0].length} fields like the first data line, got ${values.length}`);
    }
    rows.push(values);
    fileLines.push(fileLine);
  }
  if (rows.length === 0) throw new UsageError(`${name}: no data lines`);
  if (rows[0].length < 2) throw new UsageError(`${name}: each line needs at least one input and the label (x_1,…,x_d,y)`);
  const n = rows.length, d = rows[0].length - 1;
  const X = new Float32Array(n * d), y = new Float32Array(n);
  rows.forEach((row, i) => {
    X.set(row.slice(0, d), i * d);
    y[i] = row[d];
  });
  return { X: { rows: n, cols: d, data: X }, y, fileLines, ...(header ? { header } : {}) };
}

/** A CSV text from a header and rows; numbers are written in full precision, non-finite ones as empty fields. */
export function toCsv(header: string[], rows: (number | string)[][]): string {
  const cell = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v);
  return [header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n') + '\n';
}
