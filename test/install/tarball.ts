// The package as a user gets it: `npm pack` of the built tree (what `npm publish` would upload),
// unpacked or installed into a fresh temporary project, offline (the library has no dependencies).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Files under `dir`, relative to it, '/'-separated. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/')).sort();
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const file of await listFiles(dir)) newest = Math.max(newest, (await stat(join(dir, file))).mtimeMs);
  return newest;
}

/**
 * Packs the repository into a new temporary folder and returns the tarball's path. The tarball is
 * made from dist/ and build/ as they are (`--ignore-scripts`: no rebuild inside a test), so a
 * dist/ older than src/ fails here, saying what to run (`npm test` builds both first).
 */
export async function packTarball(): Promise<{ dir: string; tarball: string }> {
  const [source, built] = await Promise.all([newestMtime(join(repoRoot, 'src')), newestMtime(join(repoRoot, 'dist')).catch(() => 0)]);
  if (built < source) throw new Error('dist/ is missing or older than src/: run `npm run build` (npm test does) before this test');
  const dir = await mkdtemp(join(tmpdir(), 'overparam-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot });
  const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
  return { dir, tarball: join(dir, filename) };
}

/** Unpacks a tarball as npm would install it: `<dir>/node_modules/overparam/…`; returns that folder. */
export async function unpackAsDependency(tarball: string, projectDir: string): Promise<string> {
  const target = join(projectDir, 'node_modules', 'overparam');
  await mkdir(target, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  return target;
}
