// What a result was measured on: the machine, the runtime, and which wasm build ran. Written
// into bench/results/latest.json so numbers from different machines are never mixed up.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** Machine and runtime facts. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryBytes: number;
  platform: string;
  arch: string;
  node: string;
  v8: string;
  /** 1-minute load average when the bench started and ended: above `cores` means shared CPUs. */
  loadAverageStart: number;
  loadAverageEnd?: number;
  date: string;
}

/** The wasm binary the kernels were loaded from. */
export interface WasmBuildInfo {
  path: string;
  bytes: number;
  sha256: string;
  builtAt: string;
  /** asconfig.json's release target and enabled features (plain SIMD unless 'relaxed-simd' is listed). */
  target: string;
  features: string[];
  /** The kernels' float arithmetic: 'f32x4 mul+add (plain SIMD)' or 'relaxed_madd'. */
  arithmetic: string;
  gitCommit: string;
  gitDirty: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: os.platform(),
    arch: os.arch(),
    node: process.versions.node,
    v8: process.versions.v8,
    loadAverageStart: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/**
 * Describes the binary init() loaded for one thread: build/overparam.wasm (the default), or
 * build/overparam-relaxed.wasm when `relaxed` (init({ relaxedSimd: true }) on an engine that runs it).
 */
export function wasmBuildInfo(relaxed = false): WasmBuildInfo {
  const file = relaxed ? 'build/overparam-relaxed.wasm' : 'build/overparam.wasm';
  const target = relaxed ? 'relaxed' : 'release';
  const path = fileURLToPath(new URL(`../../${file}`, import.meta.url));
  const bytes = readFileSync(path);
  let features: string[] = [];
  try {
    const config = JSON.parse(readFileSync(new URL('../../asconfig.json', import.meta.url), 'utf8')) as {
      options?: { enable?: string[] }; targets?: Record<string, { enable?: string[] } | undefined>;
    };
    features = [...new Set([...(config.options?.enable ?? []), ...(config.targets?.[target]?.enable ?? [])])];
  } catch { /* no asconfig: leave the list empty */ }
  return {
    path: file,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
    builtAt: statSync(path).mtime.toISOString(),
    target,
    features,
    arithmetic: features.includes('relaxed-simd') ? 'relaxed-SIMD build (f32x4.relaxed_madd in the GEMMs)' : 'f32x4 mul+add (plain SIMD)',
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']).length > 0,
  };
}
