// Result records, the markdown tables printed at the end, and the JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Timing } from './measure.js';

/** One implementation's time on one workload. */
export interface ResultRow {
  workload: string;
  implementation: string;
  /** True for this package's rows; ratios are taken against the workload's headline row. */
  ours: boolean;
  /** The row the workload's ratios are computed against. */
  headline?: boolean;
  timing: Timing | null;
  /** Estimated rather than measured (then `timing.samples` is 0). */
  estimated?: boolean;
  /** Timed outside this process (numpy): only the median is known. */
  external?: boolean;
  note?: string;
}

/** One kernel's throughput against the measured ceiling. */
export interface EfficiencyRow {
  kernel: string;
  size: string;
  medianMs: number;
  /** What one call computes, e.g. "2·(active pairs)·d flops". */
  work: string;
  rate: number;
  unit: string;
  /** Fraction of the ceiling, when the work is float arithmetic. */
  fractionOfPeak?: number;
  ceiling?: string;
}

/** Bytes a configuration holds in wasm memory. */
export interface MemoryRow {
  configuration: string;
  /** Sum of the buffers the network and the training run allocate (measured through memoryInUse). */
  bytesAllocated: number;
  /** estimateTrainingBytes + the network's 4·m·(d+1): what train() reserves before starting. */
  bytesEstimated: number;
  /** kernels().memory.buffer.byteLength afterwards (linear memory never shrinks). */
  wasmMemoryBytes: number;
}

/** Formats milliseconds with three significant figures. */
export function ms(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function bytes(value: number): string {
  if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
  if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${value} B`;
}

/** A markdown table from a header and rows of cells. */
export function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const rule = header.map((_, k) => ((align?.[k] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/**
 * The medians table: per workload, every implementation with its median (min–max, samples) and
 * "ours is N× faster" against the workload's headline row (peer time / our time).
 */
export function resultsTable(rows: readonly ResultRow[]): string {
  // Group by workload in order of first appearance (peers measured elsewhere are appended later).
  const order = [...new Set(rows.map((r) => r.workload))];
  const grouped = order.flatMap((w) => rows.filter((r) => r.workload === w));
  const cells = grouped.map((row) => {
    const headline = rows.find((r) => r.workload === row.workload && r.headline);
    const t = row.timing;
    const timeCell = !t ? 'skipped' : row.estimated ? `≈ ${ms(t.median)} (est.)` : ms(t.median);
    const spread = !t || row.estimated ? '' : row.external ? `median of ${t.samples} in python` : `${ms(t.min)}–${ms(t.max)} (${t.samples})`;
    let ratio = '';
    if (t && headline?.timing && !row.headline) ratio = `${(t.median / headline.timing.median).toFixed(2)}×`;
    if (row.headline) ratio = '1 (ref.)';
    return [row.workload, row.implementation + (row.note ? ` — ${row.note}` : ''), timeCell, spread, ratio];
  });
  return table(['workload', 'implementation', 'median ms', 'min–max (samples)', 'time / overparam'], cells,
    ['l', 'l', 'r', 'r', 'r']);
}

export function efficiencyTable(rows: readonly EfficiencyRow[]): string {
  return table(['kernel', 'size', 'median ms', 'work per call', 'rate', '% of ceiling'],
    rows.map((r) => [r.kernel, r.size, ms(r.medianMs), r.work, `${r.rate.toFixed(1)} ${r.unit}`,
      r.fractionOfPeak === undefined ? '—' : `${(100 * r.fractionOfPeak).toFixed(0)}% of ${r.ceiling}`]),
    ['l', 'l', 'r', 'l', 'r', 'r']);
}

export function memoryTable(rows: readonly MemoryRow[]): string {
  return table(['configuration', 'allocated (net + run)', 'train() reserves', 'wasm memory (high-water)'],
    rows.map((r) => [r.configuration, bytes(r.bytesAllocated), bytes(r.bytesEstimated), bytes(r.wasmMemoryBytes)]),
    ['l', 'r', 'r', 'r']);
}

/** Writes `value` as pretty JSON, creating the folder. */
export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}
