// What results.json holds, and the versions and machine recorded with it (read by outputs.ts,
// which writes it, and report.ts, which renders it).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Figure1Check, WidthSweepResult } from '../experiments/index.js';

/** Versions and machine, recorded with every result. */
export interface Environment {
  overparam: string;
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
}

/** The package's version, read from package.json (two levels up from src/cli or dist/cli). */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function environment(): Environment {
  const cpus = os.cpus();
  return {
    overparam: packageVersion(), node: process.version, platform: process.platform, arch: process.arch,
    cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown',
  };
}

/** The contents of results.json. */
export interface ResultsFile {
  command: 'figure1' | 'train';
  /** The settings as given on the command line (after presets and defaults). */
  settings: Record<string, unknown>;
  environment: Environment;
  startedAt: string;
  wallSeconds: number;
  status: WidthSweepResult['status'];
  checks: Figure1Check[];
  result: WidthSweepResult;
  files: string[];
}
