// What every command does with its output folder: refuse one it cannot write before any work, and
// write JSON the same way (results.json of every command, the shards of `overparam width`).
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './args.js';

/**
 * Refuses an --out that cannot take the files (an existing file, /dev/null, a folder without write
 * permission) before anything runs, rather than after the whole run.
 */
export function checkOutputDirectory(out: string): void {
  const existing = (() => { try { return statSync(out); } catch { return undefined; } })();
  if (existing && !existing.isDirectory()) throw new UsageError(`--out must be a directory, but '${out}' is an existing file`);
  try {
    mkdirSync(out, { recursive: true });
    // Write a probe file rather than ask access(W_OK): that answers from permission bits, which can
    // disagree with a real write (ACLs, network file systems, root squash), and a write is the test.
    const probe = path.join(out, `.overparam-write-check-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new UsageError(`--out '${out}' cannot be written to (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** JSON, two-space indented with one final newline; non-finite numbers as null (JSON has no Infinity/NaN), typed arrays as arrays. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array); // e.g. the certificates' typed arrays
    return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  }, 2) + '\n';
}

/** What a command writes into its folder: CSVs, SVG charts, an optional report and results.json. */
export interface OutputFiles {
  csvs: { file: string; text: string }[];
  charts: { file: string; svg: string }[];
  /** report.html from the list of every file written; absent: no report. */
  report?: (files: string[]) => string;
  /** results.json's content from the list of every file written. */
  results: (files: string[]) => unknown;
}

/**
 * Writes the CSVs, the charts and report.html, then results.json last (its presence means the rest
 * is complete); returns the file names, results.json first.
 */
export async function writeOutputFiles(dir: string, { csvs, charts, report, results }: OutputFiles): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = ['results.json', ...csvs.map((c) => c.file), ...charts.map((c) => c.file), ...(report ? ['report.html'] : [])];
  const write = (file: string, text: string) => writeFile(path.join(dir, file), text, 'utf8');
  await Promise.all([
    ...csvs.map((c) => write(c.file, c.text)),
    ...charts.map((c) => write(c.file, c.svg)),
    ...(report ? [write('report.html', report(files))] : []),
  ]);
  await write('results.json', toJson(results(files)));
  return files;
}
