// Runs the CLI as a user runs it from the sources (node --import tsx src/cli/main.ts …), for the
// CLI test files.
import { spawn } from 'node:child_process';
import path from 'node:path';

/** src/cli/main.ts, resolved from the repository root (vitest's working directory). */
export const CLI_MAIN = path.resolve('src/cli/main.ts');

/** A finished CLI process: its exit code and everything it printed. */
export interface Finished { code: number | null; stdout: string; stderr: string }

/** Runs `overparam …`; `onStdout` sees the output as it arrives and may signal the process. */
export function overparam(args: string[], onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); onStdout?.(stdout, child); });
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
