// Reading and writing the CLI's CSV files. Input: one point a line, x_1, …, x_d, y.
import { readFile } from 'node:fs/promises';
import type { Matrix } from '../index.js';
import { UsageError } from './args.js';

/**
 * Reads training data: each line x_1,…,x_d,y (comma, semicolon, tab or space separated); blank
 * lines and lines starting with # are skipped, and so is a first line that is not all numbers (a header).
 */
export async function readDataCsv(path: string): Promise<{ X: Matrix; y: Float32Array }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--data: cannot read '${path}': ${(error as Error).message}`);
  }
  return parseDataCsv(text, path);
}

/** Parses the text of a data CSV (see {@link readDataCsv}); `name` is used in error messages. */
function parseDataCsv(text: string, name = 'data'): { X: Matrix; y: Float32Array } {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  let headerSkipped = false;
  for (let lineNumber = 0; lineNumber < lines.length; lineNumber++) {
    const line = lines[lineNumber].trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/[,;\t ]+/);
    const values = fields.map(Number);
    if (values.some((v, i) => !Number.isFinite(v) || fields[i] === '')) {
      if (rows.length === 0 && !headerSkipped) { headerSkipped = true; continue; } // a header
      throw new UsageError(`${name}:${lineNumber + 1}: every field must be a finite number, got '${line}'`);
    }
    if (rows.length > 0 && values.length !== rows[0].length) {
      throw new UsageError(`${name}:${lineNumber + 1}: expected ${rows[0].length} fields like the first data line, got ${values.length}`);
    }
    rows.push(values);
  }
  if (rows.length === 0) throw new UsageError(`${name}: no data lines`);
  if (rows[0].length < 2) throw new UsageError(`${name}: each line needs at least one input and the label (x_1,…,x_d,y)`);
  const n = rows.length, d = rows[0].length - 1;
  const X = new Float32Array(n * d), y = new Float32Array(n);
  rows.forEach((row, i) => {
    X.set(row.slice(0, d), i * d);
    y[i] = row[d];
  });
  return { X: { rows: n, cols: d, data: X }, y };
}

/** A CSV text from a header and rows; numbers are written in full precision, non-finite ones as empty fields. */
export function toCsv(header: string[], rows: (number | string)[][]): string {
  const cell = (v: number | string) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v);
  return [header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n') + '\n';
}
