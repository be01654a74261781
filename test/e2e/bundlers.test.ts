// The packed tarball, installed into a fresh project, in Debian's Chromium through every way a user
// loads it: Vite's dev server (which pre-bundles dependencies away from their files) and its
// build, esbuild, webpack 5, a plain page without an import map, and a CDN (the unpacked tarball
// on another origin). Each page runs the same small training; its curve must equal Node's bit for bit.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { init, sphereData, train, TwoLayerNet } from '../../src/index.js';
import { packTarball, repoRoot, unpackAsDependency } from '../install/tarball.js';
import { chromiumMissingReason, launchChromium } from './chromium.js';
import { serveDirectory, type StaticServer } from './staticServer.js';

const skipReason = chromiumMissingReason();
if (skipReason) console.warn(`bundlers.test.ts skipped: ${skipReason}`);

type Entry = 'overparam' | 'overparam/inline';
const ENTRIES: Entry[] = ['overparam', 'overparam/inline'];

/** The page's program: the run below, its curve (or the error) left in window.__result. */
function appSource(specifier: string, setup = ''): string {
  return `import { init, sphereData, TwoLayerNet, train, setWasmPath } from ${JSON.stringify(specifier)};
(async () => {
  try {
    ${setup}
    await init();
    const { X, y } = sphereData({ n: 30, d: 8, seed: 21 });
    const net = TwoLayerNet.random({ d: 8, m: 500, seed: 22 });
    window.__result = Array.from(train(net, X, y, { eta: 0.4, steps: 8 }).residualSq);
  } catch (error) {
    window.__result = (error.code ?? error.name) + ': ' + error.message;
  }
})();
`;
}

function html(script: string, attributes = 'type="module"'): string {
  return `<!doctype html><meta charset="utf-8"><title>overparam</title><script ${attributes}>${script}</script>\n`;
}

function expectedRun(): number[] {
  const { X, y } = sphereData({ n: 30, d: 8, seed: 21 });
  const net = TwoLayerNet.random({ d: 8, m: 500, seed: 22 });
  try {
    return Array.from(train(net, X, y, { eta: 0.4, steps: 8 }).residualSq);
  } finally {
    net.dispose();
  }
}

describe.skipIf(skipReason !== undefined)('the tarball in Chromium', () => {
  let browser: Browser;
  let work: string;
  let project: string;
  let expected: number[];
  const servers: StaticServer[] = [];
  const closers: (() => Promise<void>)[] = [];

  /** Opens `url` and returns what the page left in window.__result. */
  async function resultOf(url: string): Promise<unknown> {
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('crash', () => errors.push('page crashed'));
      page.on('console', (m) => errors.push(`console: ${m.text()}`));
      await page.goto(url);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 })
        .catch(() => { throw new Error(`no result from ${url}; page errors: ${errors.join('; ') || 'none'}`); });
      return await page.evaluate(() => (window as { __result?: unknown }).__result);
    } finally {
      await page.close();
    }
  }

  async function serve(dir: string, headers?: Record<string, string>): Promise<string> {
    const server = await serveDirectory(dir, { headers });
    servers.push(server);
    return server.url;
  }

  beforeAll(async () => {
    await init({ threads: 1 });
    expected = expectedRun();
    const packed = await packTarball();
    work = packed.dir;
    project = join(work, 'project');
    await unpackAsDependency(packed.tarball, project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const close of closers) await close();
    await Promise.all(servers.map((s) => s.close()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A folder of `project` holding one app: index.html (for Vite) and main.js. */
  async function app(name: string, entry: string, setup = ''): Promise<string> {
    const dir = join(project, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'main.js'), appSource(entry, setup));
    await writeFile(join(dir, 'index.html'), html('', 'type="module" src="./main.js"'));
    return dir;
  }

  describe('Vite', () => {
    it.each(ENTRIES)('dev server with no configuration: %s', async (entry) => {
      const { createServer } = await import('vite');
      const root = await app(`vite-dev-${entry.replace('/', '-')}`, entry);
      const server = await createServer({
        root, configFile: false, logLevel: 'silent', cacheDir: join(root, '.vite'),
        server: { host: '127.0.0.1', port: 0, strictPort: false },
      });
      await server.listen();
      closers.push(() => server.close());
      const result = await resultOf(server.resolvedUrls!.local[0]);
      if (entry === 'overparam/inline') {
        expect(result).toEqual(expected);
      } else {
        // Pre-bundling moves the streaming entry away from its .wasm: README's Vite section says to
        // use overparam/inline or optimizeDeps.exclude, and the error says so too.
        expect(result).toMatch(/^WASM_UNAVAILABLE: .*overparam\/inline/);
      }
    });

    it('dev server, kernel threads in a Web Worker of a cross-origin-isolated page: overparam/inline', async () => {
      const { createServer } = await import('vite');
      const root = join(project, 'vite-dev-threads');
      await mkdir(root, { recursive: true });
      // Pre-bundled, the entry is far from dist/wasm/thread_worker.js: its threads start from its own copy.
      await writeFile(join(root, 'worker.js'), `import { init, sphereData, TwoLayerNet, train, threadCount } from 'overparam/inline';
        try {
          await init();
          const { X, y } = sphereData({ n: 30, d: 8, seed: 21 });
          const net = TwoLayerNet.random({ d: 8, m: 500, seed: 22 });
          postMessage({ threads: threadCount(), curve: Array.from(train(net, X, y, { eta: 0.4, steps: 8 }).residualSq) });
        } catch (error) { postMessage({ error: String(error) }); }`);
      await writeFile(join(root, 'main.js'), `const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
        w.onmessage = (e) => { window.__result = e.data; };
        w.onerror = (e) => { window.__result = { error: e.message }; };`);
      await writeFile(join(root, 'index.html'), html('', 'type="module" src="./main.js"'));
      const server = await createServer({
        root, configFile: false, logLevel: 'silent', cacheDir: join(root, '.vite'), worker: { format: 'es' },
        optimizeDeps: { include: ['overparam/inline'] },
        server: {
          host: '127.0.0.1', port: 0,
          headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
        },
      });
      await server.listen();
      closers.push(() => server.close());
      const result = await resultOf(server.resolvedUrls!.local[0]) as { threads?: number; curve?: number[]; error?: string };
      expect(result.error).toBeUndefined();
      expect(result.threads).toBeGreaterThan(1);
      expect(result.curve).toEqual(expected);
    });

    it('dev server with optimizeDeps.exclude: overparam', async () => {
      const { createServer } = await import('vite');
      const root = await app('vite-dev-exclude', 'overparam');
      const server = await createServer({
        root, configFile: false, logLevel: 'silent', cacheDir: join(root, '.vite'),
        server: { host: '127.0.0.1', port: 0 }, optimizeDeps: { exclude: ['overparam'] },
      });
      await server.listen();
      closers.push(() => server.close());
      expect(await resultOf(server.resolvedUrls!.local[0])).toEqual(expected);
    });

    it.each(ENTRIES)('build: %s', async (entry) => {
      const { build } = await import('vite');
      const root = await app(`vite-build-${entry.replace('/', '-')}`, entry);
      await build({ root, configFile: false, logLevel: 'silent', base: './', build: { outDir: 'dist' } });
      expect(await resultOf(await serve(join(root, 'dist')))).toEqual(expected);
    });
  });

  it.each(ENTRIES)('esbuild: %s', async (entry) => {
    const esbuild = await import('esbuild');
    // The streaming entry under esbuild: the .wasm files copied beside the bundle, as README says.
    const setup = entry === 'overparam'
      ? "setWasmPath({ single: './overparam.wasm', shared: './overparam-shared.wasm' });" : '';
    const root = await app(`esbuild-${entry.replace('/', '-')}`, entry, setup);
    const out = join(root, 'out');
    await esbuild.build({ entryPoints: [join(root, 'main.js')], bundle: true, format: 'esm', outfile: join(out, 'main.js'), logLevel: 'silent' });
    if (entry === 'overparam') {
      for (const file of ['overparam.wasm', 'overparam-shared.wasm']) {
        await cp(join(project, 'node_modules', 'overparam', 'build', file), join(out, file));
      }
    }
    await writeFile(join(out, 'index.html'), html('', 'type="module" src="./main.js"'));
    expect(await resultOf(await serve(out))).toEqual(expected);
  });

  it.each(ENTRIES)('webpack 5: %s', async (entry) => {
    const { default: webpack } = await import('webpack');
    const root = await app(`webpack-${entry.replace('/', '-')}`, entry);
    const out = join(root, 'out');
    const stats = await new Promise<import('webpack').Stats>((done, fail) => {
      webpack({
        mode: 'production', context: root, entry: './main.js', target: 'web',
        output: { path: out, filename: 'main.js', publicPath: 'auto' }, infrastructureLogging: { level: 'none' },
      }, (error, result) => (error || !result ? fail(error) : done(result)));
    });
    expect(stats.hasErrors() ? stats.toString('errors-only') : '').toBe('');
    await writeFile(join(out, 'index.html'), html('', 'src="./main.js"'));
    expect(await resultOf(await serve(out))).toEqual(expected);
  });

  it.each(ENTRIES)('a plain page without an import map: %s', async (entry) => {
    const file = entry === 'overparam' ? 'index.js' : 'inline.js';
    await writeFile(join(project, `plain-${file}.html`), html(appSource(`./node_modules/overparam/dist/${file}`)));
    expect(await resultOf(`${await serve(project)}plain-${file}.html`)).toEqual(expected);
  });

  it.each(ENTRIES)('kernel threads in a Web Worker of a cross-origin-isolated page: %s', async (entry) => {
    const file = entry === 'overparam' ? 'index.js' : 'inline.js';
    const worker = `import { init, sphereData, TwoLayerNet, train, threadCount } from './node_modules/overparam/dist/${file}';
      try {
        await init();
        const { X, y } = sphereData({ n: 30, d: 8, seed: 21 });
        const net = TwoLayerNet.random({ d: 8, m: 500, seed: 22 });
        postMessage({ threads: threadCount(), curve: Array.from(train(net, X, y, { eta: 0.4, steps: 8 }).residualSq) });
      } catch (error) { postMessage({ error: String(error) }); }`;
    await writeFile(join(project, `threads-${file}`), worker);
    await writeFile(join(project, `threads-${file}.html`), html(`
      const w = new Worker('./threads-${file}', { type: 'module' });
      w.onmessage = (e) => { window.__result = e.data; };
      w.onerror = (e) => { window.__result = { error: e.message }; };`));
    const isolated = await serve(project, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const result = await resultOf(`${isolated}threads-${file}.html`) as { threads?: number; curve?: number[]; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.threads).toBeGreaterThan(1);
    expect(result.curve).toEqual(expected);
  });

  it("README's page without a bundler runs as pasted", async () => {
    const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    const block = /^### In a browser without a bundler[^]*?```html\n([^]*?)```/m.exec(readme)?.[1];
    expect(block).toBeDefined();
    await writeFile(join(project, 'readme.html'), `<!doctype html><meta charset="utf-8">\n${block}`);
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const logged = page.waitForEvent('console', { predicate: (m) => m.type() === 'log', timeout: 30_000 });
      await page.goto(`${await serve(project)}readme.html`);
      const value = Number((await logged).text());
      expect(errors).toEqual([]);
      expect(value).toBeGreaterThan(0);
      expect(Number.isFinite(value)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it.each(ENTRIES)('from a CDN (the unpacked tarball on another origin): %s', async (entry) => {
    const cdnRoot = join(work, 'cdn');
    await cp(join(project, 'node_modules', 'overparam'), join(cdnRoot, 'npm', 'overparam@0.1.0'), { recursive: true });
    const cdn = await serve(cdnRoot, { 'Access-Control-Allow-Origin': '*' });
    const file = entry === 'overparam' ? 'index.js' : 'inline.js';
    const pageDir = join(work, `cdn-page-${file}`);
    await mkdir(pageDir, { recursive: true });
    await writeFile(join(pageDir, 'index.html'), html(appSource(`${cdn}npm/overparam@0.1.0/dist/${file}`)));
    expect(await resultOf(await serve(pageDir))).toEqual(expected);
  });
});
