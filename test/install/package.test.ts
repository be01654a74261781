// The tarball, checked as a user meets it: what it holds, that its source maps resolve, that a
// fresh CommonJS project installs it offline and can require() both entries, that TypeScript
// accepts that require(), and that the CLI says what to install when its optional peers are absent.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, dirname, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, sphereData, train, TwoLayerNet } from '../../src/index.js';
import { listFiles, packTarball, repoRoot, run, unpackAsDependency } from './tarball.js';

let packDir: string;
let tarball: string;
let unpacked: string;
let files: string[];

beforeAll(async () => {
  ({ dir: packDir, tarball } = await packTarball());
  unpacked = await unpackAsDependency(tarball, join(packDir, 'unpacked'));
  files = await listFiles(unpacked);
});

afterAll(async () => {
  if (packDir) await rm(packDir, { recursive: true, force: true });
});

/** What the consumer scripts below print, computed here from src/. */
async function expectedRun(): Promise<number[]> {
  await init({ threads: 1 });
  const { X, y } = sphereData({ n: 30, d: 8, seed: 11 });
  const net = TwoLayerNet.random({ d: 8, m: 400, seed: 12 });
  try {
    return Array.from(train(net, X, y, { eta: 0.4, steps: 5 }).residualSq);
  } finally {
    net.dispose();
  }
}

/** A consumer script: loads `specifier` with `load` ('require' or 'import') and prints the run as JSON. */
function consumerScript(load: 'require' | 'import', specifier: string): string {
  const body = `
    await o.init({ threads: 1 });
    const { X, y } = o.sphereData({ n: 30, d: 8, seed: 11 });
    const net = o.TwoLayerNet.random({ d: 8, m: 400, seed: 12 });
    console.log(JSON.stringify(Array.from(o.train(net, X, y, { eta: 0.4, steps: 5 }).residualSq)));`;
  return load === 'require'
    ? `const o = require(${JSON.stringify(specifier)});\n(async () => {${body}\n})();\n`
    : `import * as o from ${JSON.stringify(specifier)};\n${body}\n`;
}

describe('the tarball', () => {
  it('holds the license, both entries, both builds, the inlined core and the sources its maps name', () => {
    for (const file of [
      'LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/inline.js', 'dist/inline.d.ts',
      'build/overparam.wasm', 'build/overparam-shared.wasm', 'build/overparam-inline.js', 'build/overparam-inline.d.ts',
      'dist/wasm/thread_worker.js', 'dist/cli/bin.js', 'src/index.ts',
    ]) expect(files).toContain(file);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('assembly/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('names its license and repository in package.json, and has no runtime dependency', async () => {
    const manifest = JSON.parse(await readFile(join(unpacked, 'package.json'), 'utf8'));
    expect(manifest.license).toBe('MIT');
    expect(await readFile(join(unpacked, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the overparam authors/);
    expect(manifest.repository).toEqual(expect.any(String));
    expect(manifest.dependencies ?? {}).toEqual({});
    for (const cliOnly of ['@observablehq/plot', 'linkedom', 'cli-progress']) {
      expect(manifest.peerDependenciesMeta[cliOnly]).toEqual({ optional: true });
    }
  });

  it('has source maps whose every source is in the tarball', async () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(await readFile(join(unpacked, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!files.includes(target)) missing.push(`${map} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('installed into a fresh CommonJS project, offline', () => {
  let project: string;

  beforeAll(async () => {
    project = join(packDir, 'cjs-project');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'cjs-consumer', version: '1.0.0', private: true }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project });
  });

  it('installs the library alone (no dependency comes with it)', async () => {
    expect((await readdir(join(project, 'node_modules'))).sort()).toEqual(['.bin', '.package-lock.json', 'overparam']);
  });

  it.each(['overparam', 'overparam/inline'])('require(%j) runs and gives the same numbers as import', async (specifier) => {
    const expected = await expectedRun();
    await writeFile(join(project, 'viaRequire.cjs'), consumerScript('require', specifier));
    await writeFile(join(project, 'viaImport.mjs'), consumerScript('import', specifier));
    const required = await run('node', ['viaRequire.cjs'], { cwd: project });
    const imported = await run('node', ['viaImport.mjs'], { cwd: project });
    expect(required.stderr).toBe(''); // no ExperimentalWarning, no threads warning
    expect(JSON.parse(required.stdout)).toEqual(expected);
    expect(JSON.parse(imported.stdout)).toEqual(expected);
  });

  it('type-checks a CommonJS TypeScript file that requires both entries', async () => {
    await writeFile(join(project, 'consumer.cts'), [
      "import overparam = require('overparam');",
      "import inline = require('overparam/inline');",
      'async function main(): Promise<number> {',
      '  await overparam.init({ threads: 1 });',
      '  const error: overparam.ErrorCode = "WASM_UNAVAILABLE";',
      '  inline.setWasmPath({ single: "a.wasm", shared: new URL("file:///b.wasm") });',
      '  return error.length + inline.threadCount();',
      '}',
      'void main();',
    ].join('\n'));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ['consumer.cts'],
    }));
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(run('node', [tsc, '-p', '.'], { cwd: project })).resolves.toMatchObject({ stdout: '' });
  });

  it('runs the CLI only with its optional peers, and says which to install', async () => {
    const bin = join(project, 'node_modules', '.bin', 'overparam');
    const failure = await run(bin, ['figure1'], { cwd: project }).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/needs @observablehq\/plot, linkedom, cli-progress[^]*npm install @observablehq\/plot linkedom cli-progress/);
    // With them (links to the repository's copies) the same launcher starts the CLI.
    for (const dep of ['@observablehq/plot', 'linkedom', 'cli-progress']) {
      await mkdir(dirname(join(project, 'node_modules', dep)), { recursive: true });
      await run('ln', ['-s', join(repoRoot, 'node_modules', dep), join(project, 'node_modules', dep)]);
    }
    const help = await run(bin, ['--version'], { cwd: project });
    expect(help.stdout.trim()).toBe('0.1.0');
  });
});
