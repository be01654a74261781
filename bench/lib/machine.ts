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

/** Describes build/overparam.wasm, the binary src/wasm/loader.ts loads by default. */
export function wasmBuildInfo(): WasmBuildInfo {
  const path = fileURLToPath(new URL('../../build/overparam.wasm', import.meta.url));
  const bytes = readFileSync(path);
  let features: string[] = [];
  try {
    const config = JSON.parse(readFileSync(new URL('../../asconfig.json', import.meta.url), 'utf8')) as {
      options?: { enable?: string[] }; targets?: { release?: { enable?: string[] } };
    };
    features = [...(config.options?.enable ?? []), ...(config.targets?.release?.enable ?? [])];
  } catch { /* no asconfig: leave the list empty */ }
  return {
    path: 'build/overparam.wasm',
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
    builtAt: statSync(path).mtime.toISOString(),
    target: 'release',
    features,
    arithmetic: features.includes('relaxed-simd') ? 'relaxed_madd' : 'f32x4 mul+add (plain SIMD)',
    gitCommit: git(['rev-parse', '--short', 'HEAD']),
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']).length > 0,
  };
}
