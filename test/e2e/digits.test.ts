// loadDigits in Chromium from the packed tarball: the data file is found beside the package (as the
// .wasm is) on a plain page, through Vite's build and webpack 5, which emit it as an asset, and from
// Vite's dev server with optimizeDeps.exclude (pre-bundled without it, the package is away from its data/).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { packTarball, unpackAsDependency } from '../install/tarball.js';
import { chromiumMissingReason, launchChromium } from './chromium.js';
import { serveDirectory, type StaticServer } from './staticServer.js';

const skipReason = chromiumMissingReason();
if (skipReason) console.warn(`digits.test.ts skipped: ${skipReason}`);

/** UCI's published counts per class, training then testing. */
const EXPECTED = {
  train: [376, 389, 380, 389, 387, 376, 377, 387, 380, 382],
  test: [178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
};

function appSource(specifier: string): string {
  return `import { loadDigits } from ${JSON.stringify(specifier)};
const counts = (digits) => { const c = new Array(10).fill(0); for (const d of digits) c[d]++; return c; };
(async () => {
  try {
    const data = await loadDigits({ task: 'evenOdd' });
    window.__result = { train: counts(data.digits), test: counts(data.test.digits) };
  } catch (error) {
    window.__result = (error.code ?? error.name) + ': ' + error.message;
  }
})();
`;
}

const html = (body: string) => `<!doctype html><meta charset="utf-8"><title>digits</title>${body}\n`;

describe.skipIf(skipReason !== undefined)('loadDigits in Chromium', () => {
  let browser: Browser, work: string, project: string;
  const servers: StaticServer[] = [];

  async function resultOf(url: string): Promise<unknown> {
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 30_000 })
        .catch(() => { throw new Error(`no result from ${url}; page errors: ${errors.join('; ') || 'none'}`); });
      return await page.evaluate(() => (window as { __result?: unknown }).__result);
    } finally {
      await page.close();
    }
  }

  async function serve(dir: string): Promise<string> {
    const server = await serveDirectory(dir);
    servers.push(server);
    return server.url;
  }

  async function app(name: string): Promise<string> {
    const dir = join(project, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'main.js'), appSource('overparam'));
    await writeFile(join(dir, 'index.html'), html('<script type="module" src="./main.js"></script>'));
    return dir;
  }

  beforeAll(async () => {
    const packed = await packTarball();
    work = packed.dir;
    project = join(work, 'project');
    await unpackAsDependency(packed.tarball, project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a plain page without an import map', async () => {
    await writeFile(join(project, 'plain-digits.html'), html(`<script type="module">${appSource('./node_modules/overparam/dist/index.js')}</script>`));
    expect(await resultOf(`${await serve(project)}plain-digits.html`)).toEqual(EXPECTED);
  });

  it("Vite's dev server: with optimizeDeps.exclude it works; pre-bundled, the error names the cause and options.source", async () => {
    const { createServer } = await import('vite');
    for (const exclude of [true, false]) {
      const root = await app(`vite-dev-digits-${exclude}`);
      const server = await createServer({
        root, configFile: false, logLevel: 'silent', cacheDir: join(root, '.vite'),
        server: { host: '127.0.0.1', port: 0, strictPort: false }, optimizeDeps: exclude ? { exclude: ['overparam'] } : {},
      });
      await server.listen();
      try {
        const result = await resultOf(server.resolvedUrls!.local[0]);
        if (exclude) expect(result).toEqual(EXPECTED);
        else expect(result).toMatch(/^BAD_VALUE: loadDigits: .* is not the digits file .*an HTML page.*options\.source/);
      } finally {
        await server.close();
      }
    }
  });

  it("Vite's build", async () => {
    const { build } = await import('vite');
    const root = await app('vite-build-digits');
    await build({ root, configFile: false, logLevel: 'silent', base: './', build: { outDir: 'dist' } });
    expect(await resultOf(await serve(join(root, 'dist')))).toEqual(EXPECTED);
  });

  it('webpack 5', async () => {
    const { default: webpack } = await import('webpack');
    const root = await app('webpack-digits');
    const out = join(root, 'out');
    const stats = await new Promise<import('webpack').Stats>((done, fail) => {
      webpack({
        mode: 'production', context: root, entry: './main.js', target: 'web',
        output: { path: out, filename: 'main.js', publicPath: 'auto' }, infrastructureLogging: { level: 'none' },
      }, (error, result) => (error || !result ? fail(error) : done(result)));
    });
    expect(stats.hasErrors() ? stats.toString('errors-only') : '').toBe('');
    await writeFile(join(out, 'index.html'), html('<script src="./main.js"></script>'));
    expect(await resultOf(await serve(out))).toEqual(EXPECTED);
  });
});
