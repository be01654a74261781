// End-to-end test of the web demo in Debian's Chromium: build the page with Vite, serve it on
// 127.0.0.1, and drive it like a user. The page's numbers must equal, bit for bit, those of the
// same run made here in Node with the library: the same WebAssembly core, the same seed.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import {
  convergenceBound, eigh, extremeEigenvalues, gramInfinity, infiniteWidthTrajectory, init, labelNoiseSweep, loadDigits, sphereData, train, TwoLayerNet, type Matrix,
} from '../../src/index.js';
import { chromiumMissingReason, launchChromium } from './chromium.js';
import { serveDirectory, type StaticServer } from './staticServer.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const wasmPath = join(repoRoot, 'build', 'overparam.wasm');

/** The slice of the page's window.__overparamResult this test reads. */
interface PageResult {
  status: string;
  query: string;
  eta?: number;
  stepsReceived: number;
  analysis?: { inputsFingerprint: string; labelsFingerprint: string };
  widths: {
    m: number; status: string; stepsRun?: number;
    residualSq?: number[]; patternChangeFraction?: number[]; maxWeightDistance?: number[];
    fingerprints?: { residualSq: string; patternChangeFraction: string; maxWeightDistance: string };
    bound?: number[]; infiniteWidth?: number[];
  }[];
}

/** The same FNV-1a fingerprint the page computes, written independently. */
function fnv1a(values: Float32Array | Float64Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The page's documented step size: η = 1/λ_max(H∞), λ_max as the library's Lanczos run gives it. */
function suggestedEta(X: Matrix): number {
  return 1 / extremeEigenvalues(gramInfinity(X)).max;
}

/** The run the page made, redone in Node with the public API. */
function runInNode(X: Matrix, y: Float32Array, widths: number[], options: {
  eta: number; steps: number; seed: number; joint: boolean;
  model?: Pick<Parameters<typeof TwoLayerNet.random>[0], 'activation' | 'outputScale' | 'widthExponent' | 'outputInit'>;
}) {
  return widths.map((m) => {
    const net = TwoLayerNet.random({ d: X.cols, m, seed: options.seed, ...options.model });
    try {
      return train(net, X, y, { eta: options.eta, steps: options.steps, trainOutputLayer: options.joint });
    } finally {
      net.dispose();
    }
  });
}

/** Expects the page's curves to equal Node's exactly (values and byte fingerprints). */
function expectSameRun(page: PageResult, node: ReturnType<typeof runInNode>): void {
  expect(page.widths.length).toBe(node.length);
  page.widths.forEach((w, i) => {
    const want = node[i];
    expect(w.status).toBe(want.status);
    expect(w.stepsRun).toBe(want.stepsRun);
    expect(w.residualSq).toEqual(Array.from(want.residualSq));
    expect(w.patternChangeFraction).toEqual(Array.from(want.patternChangeFraction));
    expect(w.maxWeightDistance).toEqual(Array.from(want.maxWeightDistance));
    expect(w.fingerprints).toEqual({
      residualSq: fnv1a(want.residualSq),
      patternChangeFraction: fnv1a(want.patternChangeFraction),
      maxWeightDistance: fnv1a(want.maxWeightDistance),
    });
  });
}

/**
 * Expects the page's dashed lines to be, for each width's own r(0) = y − u(0), Theorem 4.1's bound
 * (1 − ηλ0/2)^k ‖r(0)‖² and the infinite-width recursion r(k+1) = (I − ηH∞) r(k), run here step by
 * step (the page takes another route, through the eigendecomposition of H∞).
 */
function expectTheoryLines(page: PageResult, X: Matrix, y: Float32Array, options: { eta: number; steps: number; seed: number }): void {
  const { eta, steps, seed } = options;
  const n = X.rows;
  const Hinf = gramInfinity(X);
  const H = Hinf.data;
  const lambda0 = extremeEigenvalues(Hinf).min;
  const relativeError = (got: number[], want: number[]): number =>
    Math.max(...want.map((v, k) => Math.abs(got[k] - v) / v));
  for (const w of page.widths) {
    const net = TwoLayerNet.random({ d: X.cols, m: w.m, seed });
    const u0 = net.predict(X);
    net.dispose();
    let r = Float64Array.from(y, (v, i) => v - u0[i]);
    const infinite: number[] = [];
    for (let k = 0; k <= steps; k++) {
      infinite.push(r.reduce((sum, v) => sum + v * v, 0));
      r = r.map((ri, i) => ri - eta * r.reduce((sum, rj, j) => sum + H[i * n + j] * rj, 0));
    }
    const bound = infinite.map((_, k) => infinite[0] * (1 - (eta * lambda0) / 2) ** k);
    expect(w.infiniteWidth).toHaveLength(steps + 1);
    expect(w.bound).toHaveLength(steps + 1);
    expect(relativeError(w.infiniteWidth!, infinite)).toBeLessThan(1e-9);
    expect(relativeError(w.bound!, bound)).toBeLessThan(1e-12);
    // Bit for bit: the library's bound in Node, from ‖r(0)‖² summed in the same order as the worker.
    // (Before it used the host's `**`, Chromium and Node disagreed in the last bits on ~10% of k.)
    let r0Sq = 0;
    for (let i = 0; i < n; i++) r0Sq += (y[i] - u0[i]) * (y[i] - u0[i]);
    expect(w.bound).toEqual(convergenceBound(r0Sq, eta, lambda0, steps));
    const r0 = Float64Array.from(y, (v, i) => v - u0[i]);
    expect(w.infiniteWidth).toEqual(infiniteWidthTrajectory(eigh(Hinf), r0, eta, steps).residualSq);
  }
}

async function pageResult(page: Page): Promise<PageResult> {
  return page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __overparamResult: unknown }).__overparamResult)) as PageResult);
}

async function waitForStatus(page: Page, status: 'done' | 'stopped', timeout = 30_000): Promise<PageResult> {
  await page.waitForSelector(`body[data-run-status="${status}"]`, { timeout });
  return pageResult(page);
}

/** Sets the form's text and number fields (the inputs have ids equal to their names). */
async function fillForm(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
}

/** Whether a canvas has pixels of more than one colour (i.e. something was drawn). */
async function canvasHasContent(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const context = c.getContext('2d');
    if (!context || c.width === 0) return false;
    const pixels = context.getImageData(0, 0, c.width, c.height).data;
    for (let i = 4; i < pixels.length; i += 4) {
      if (pixels[i] !== pixels[0] || pixels[i + 1] !== pixels[1] || pixels[i + 2] !== pixels[2]) return true;
    }
    return false;
  });
}

const missing = chromiumMissingReason();

if (missing && process.env.CI) {
  describe('web demo in Chromium', () => {
    it('needs Chromium in CI', () => {
      throw new Error(`web demo e2e cannot run: ${missing}`);
    });
  });
} else if (missing) {
  console.warn(`skipping the web demo e2e test: ${missing}`);
  describe.skip(`web demo in Chromium (skipped: ${missing})`, () => {
    it('runs in Chromium', () => undefined);
  });
} else {
  describe('web demo in Chromium', () => {
    let distDir: string;
    let server: StaticServer;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      if (!existsSync(wasmPath)) throw new Error(`${wasmPath} is missing: run \`npm run build:wasm\` first`);
      // A private output folder, so a concurrent `npm run build:web` is never served half-written.
      distDir = await mkdtemp(join(tmpdir(), 'overparam-web-'));
      await build({
        configFile: join(repoRoot, 'web', 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: distDir, emptyOutDir: true },
      });
      [server, browser] = await Promise.all([serveDirectory(distDir), launchChromium(), init()]) as [StaticServer, Browser, void];
      page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      page.on('pageerror', (error) => { pageErrors.push(error.message); console.log('PAGEERROR', expect.getState().currentTestName, error.stack); });
      page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
      // Loaded here, not in the first test, so that any test can run alone (vitest -t).
      await page.goto(server.url);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      if (distDir) await rm(distDir, { recursive: true, force: true });
    });

    it('loads, runs the demo size, fills the charts, and saves a screenshot', async () => {
      await page.waitForSelector('#eta-advice[data-suggested]');
      expect(await page.inputValue('#widths')).toBe('100, 1000, 10000');
      expect(await page.inputValue('#n')).toBe('100');
      // The suggestion is 1/λ_max(H∞) of the default data, as Node computes it.
      const { X } = sphereData({ n: 100, d: 10, seed: 0 });
      const suggested = Number(await page.getAttribute('#eta-advice', 'data-suggested'));
      expect(suggested).toBe(suggestedEta(X));

      // The proof panel open, so README's picture shows its charts too (demo_controls.test.ts tests them).
      await page.click('#proof-panel > summary');
      await page.click('#start');
      expect(await page.isEnabled('#stop')).toBe(true);
      // Charts fill while the run goes on (the first width is quick; later ones stream in).
      await page.waitForFunction(() => Number(document.getElementById('chart-residual')?.dataset.points ?? 0) > 0);
      const result = await waitForStatus(page, 'done');
      expect(result.widths.map((w) => w.status)).toEqual(['done', 'done', 'done']);
      for (const id of ['chart-residual', 'chart-pattern', 'chart-distance', 'chart-lambda']) {
        expect(Number(await page.getAttribute(`#${id}`, 'data-points'))).toBe(3 * 201);
        expect(await page.locator(`#${id} canvas`).count()).toBeGreaterThan(0);
      }
      for (const id of ['heat-inf', 'heat-final', 'heat-diff']) expect(await canvasHasContent(page, `#${id}`)).toBe(true);
      expect(await page.locator('#summary tbody tr').count()).toBe(3);
      expect(await page.getAttribute('#progress', 'value')).toBe('1');
      expect(await page.isEnabled('#stop')).toBe(false);
      await page.waitForTimeout(400); // the proof charts' last redraw is throttled
      expect(await page.locator('#proof-charts canvas').count()).toBeGreaterThan(0);

      await mkdir(join(repoRoot, 'test-results'), { recursive: true });
      const screenshot = await page.screenshot({ fullPage: true });
      await writeFile(join(repoRoot, 'test-results', 'web-demo.png'), screenshot);
      // README's picture is refreshed on request only, so a test run leaves the tree clean.
      if (process.env.UPDATE_README_SCREENSHOT) await writeFile(join(repoRoot, 'docs', 'web-demo.png'), screenshot);
    });

    it('runs changed controls and matches the same run in Node bit for bit', async () => {
      await fillForm(page, { n: '60', d: '12', widths: '50, 400, 3000', steps: '80', seed: '7', eta: '' });
      await page.click('#start');
      const result = await waitForStatus(page, 'done');
      expect(result.query).toContain('seed=7');
      expect(new URL(page.url()).searchParams.get('widths')).toBe('50,400,3000');

      const { X, y } = sphereData({ n: 60, d: 12, seed: 7 });
      expect(result.analysis?.inputsFingerprint).toBe(fnv1a(X.data as Float32Array));
      expect(result.analysis?.labelsFingerprint).toBe(fnv1a(y));
      const eta = suggestedEta(X);
      expect(result.eta).toBe(eta);
      expectSameRun(result, runInNode(X, y, [50, 400, 3000], { eta, steps: 80, seed: 7, joint: false }));
      expectTheoryLines(result, X, y, { eta, steps: 80, seed: 7 });
    });

    it('stops a long run at once and keeps the partial curves', async () => {
      // Kernel-space steps at n = 300, m = 20000 take ~0.1 s each: 50 000 of them would take over an hour.
      await fillForm(page, { n: '300', d: '300', widths: '20000', steps: '50000', seed: '1' });
      await page.click('#start');
      await page.waitForFunction(() => {
        const result = (window as unknown as { __overparamResult?: { stepsReceived: number } }).__overparamResult;
        return (result?.stepsReceived ?? 0) >= 2;
      }, undefined, { timeout: 30_000 });
      // Warned from the measured step time, with an estimate, and an ETA while it runs.
      await page.waitForSelector('#run-notes:not([hidden])', { timeout: 10_000 });
      const note = await page.textContent('#run-notes');
      expect(note).toMatch(/^This run will take about (\d+ h \d+ min|\d+ min) \(measured [\d.e-]+ s a step at m = 20000\)/);
      await page.waitForFunction(() => / about .+ left$/.test(document.getElementById('status')?.textContent ?? ''));
      const { stepsReceived } = await pageResult(page);
      const measuredStep = Number(note!.match(/measured ([\d.e-]+) s a step/)![1]);
      const predicted = Number(await page.getAttribute('#run-notes p', 'data-seconds'));
      // 50 000 steps at the measured rate (the setup before step 0 is already behind).
      expect(predicted).toBeGreaterThan(0.9 * 50_000 * measuredStep);
      expect(predicted).toBeLessThan(1.1 * 50_000 * measuredStep + 60);
      expect(stepsReceived).toBeGreaterThanOrEqual(2);
      await page.click('#stop');
      const stopped = await waitForStatus(page, 'stopped', 5_000);
      expect(await page.isHidden('#run-notes')).toBe(true);
      expect(stopped.widths[0].status).toBe('stopped');
      expect(await page.textContent('#status')).toMatch(/^Stopped at step \d+ of width m = 20000/);
      expect(await page.isEnabled('#stop')).toBe(false);
      expect(Number(await page.getAttribute('#progress', 'value'))).toBeLessThan(0.01);
      // The worker is gone: nothing more arrives.
      await page.waitForTimeout(400);
      expect((await pageResult(page)).stepsReceived).toBe(stopped.stepsReceived);
    });

    it('submits from the keyboard with joint training, and its link reproduces the run', async () => {
      await fillForm(page, { n: '40', d: '8', widths: '30, 300', steps: '60', seed: '8', eta: '0.3' });
      await page.check('#joint');
      await page.focus('#seed');
      await page.keyboard.press('Enter');
      const result = await waitForStatus(page, 'done');
      expect(result.query).toContain('joint=1');
      expect(result.eta).toBe(0.3);
      const { X, y } = sphereData({ n: 40, d: 8, seed: 8 });
      expectSameRun(result, runInNode(X, y, [30, 300], { eta: 0.3, steps: 60, seed: 8, joint: true }));

      const link = await page.getAttribute('#permalink', 'href');
      expect(link).toBe(`?${result.query}`);
      const second = await browser.newPage();
      try {
        await second.goto(new URL(link!, server.url).href);
        const reproduced = await waitForStatus(second, 'done');
        expect(reproduced.widths.map((w) => w.fingerprints)).toEqual(result.widths.map((w) => w.fingerprints));
        expect(await second.inputValue('#widths')).toBe('30, 300');
        expect(await second.isChecked('#joint')).toBe(true);
      } finally {
        await second.close();
      }
    });

    it('drives the model controls: tanh, α, γ, a(0); the theory lines and heatmap use H* (tanh), or H* + K^a when joint', async () => {
      const errorsBefore = pageErrors.length;
      await fillForm(page, { n: '30', d: '6', widths: '40, 400', steps: '40', seed: '2', eta: '', alpha: '10', gamma: '0.5' });
      await page.uncheck('#joint');
      await page.selectOption('#activation', 'tanh');
      await page.selectOption('#output-init', 'symmetric');
      // λ0 and the suggested η follow the activation: those of H* (tanh), as Node computes them.
      await page.waitForFunction(() => /λ0 = λ_min\(H\* \(tanh\)\)/.test(document.getElementById('eta-advice')?.textContent ?? ''));
      const { X, y } = sphereData({ n: 30, d: 6, seed: 2 });
      const Htanh = gramInfinity(X, { activation: 'tanh' });
      expect(Number(await page.getAttribute('#eta-advice', 'data-suggested'))).toBe(1 / extremeEigenvalues(Htanh).max);
      await page.click('#start');
      const result = await waitForStatus(page, 'done');
      for (const part of ['act=tanh', 'alpha=10', 'gamma=0.5', 'init=symmetric']) expect(result.query).toContain(part);
      expect(result.widths.map((w) => w.status)).toEqual(['done', 'done']);
      expect(await page.textContent('#heat-inf-caption')).toBe('H* (tanh) (infinite width)');
      expect(await page.textContent('#chart-legend')).toContain('infinite width (H* (tanh))');
      for (const id of ['chart-residual', 'chart-pattern', 'chart-distance', 'chart-lambda']) {
        expect(Number(await page.getAttribute(`#${id}`, 'data-points'))).toBe(2 * 41);
      }
      for (const id of ['heat-inf', 'heat-final', 'heat-diff']) expect(await canvasHasContent(page, `#${id}`)).toBe(true);
      // The infinite-width line is that of H* (tanh) from each net's own r(0) (symmetric: u(0) = 0, r(0) = y).
      const eta = result.eta!;
      const model = { activation: 'tanh', outputScale: 10, widthExponent: 0.5, outputInit: 'symmetric' } as const;
      expectSameRun(result, runInNode(X, y, [40, 400], { eta, steps: 40, seed: 2, joint: false, model }));
      for (const w of result.widths) {
        expect(w.infiniteWidth).toEqual(infiniteWidthTrajectory(eigh(Htanh), Float64Array.from(y), eta, 40).residualSq);
      }

      // Joint: the limit becomes H* + K^a, and the heatmap says so.
      await page.check('#joint');
      await page.waitForFunction(() => /H\* \+ K\^a \(tanh, joint\)/.test(document.getElementById('eta-advice')?.textContent ?? ''));
      await page.click('#start');
      const joint = await waitForStatus(page, 'done');
      expect(joint.query).toContain('joint=1');
      expect(await page.textContent('#heat-inf-caption')).toBe('H* + K^a (tanh, joint) (infinite width)');
      const both = gramInfinity(X, { activation: 'tanh', part: 'both' });
      expect(joint.eta).toBe(1 / extremeEigenvalues(both).max);
      expectSameRun(joint, runInNode(X, y, [40, 400], { eta: joint.eta!, steps: 40, seed: 2, joint: true, model }));
      expect(pageErrors.slice(errorsBefore)).toEqual([]);

      // Back to the paper's model for the tests that follow.
      await page.uncheck('#joint');
      await page.selectOption('#activation', 'relu');
      await page.selectOption('#output-init', 'sign');
      await fillForm(page, { alpha: '1', gamma: '0.5' });
    });

    it('trains on clicked 2-D points and warns about degenerate ones', async () => {
      await page.check('input[name="dataset"][value="points"]');
      await page.uncheck('#joint');
      const clicks: [number, number, boolean][] = [[40, 60, false], [250, 80, true], [100, 270, true], [290, 300, false], [200, 150, false], [60, 200, true]];
      for (const [x, y, shift] of clicks) {
        await page.click('#points-canvas', { position: { x, y }, modifiers: shift ? ['Shift'] : [] });
      }
      // Keyboard: focus the canvas, move the cross, add a point with Enter.
      await page.focus('#points-canvas');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      expect(await page.textContent('#points-count')).toBe('7 points');
      await fillForm(page, { widths: '100, 1000', steps: '100', seed: '3', eta: '' });
      await page.click('#start');
      const result = await waitForStatus(page, 'done');

      // Rebuild X from the URL exactly as documented: (x, y, 1)/‖(x, y, 1)‖, in float32.
      const points = new URLSearchParams(result.query).get('pts')!.split(';').map((p) => p.split(',').map(Number));
      expect(points).toHaveLength(7);
      expect(points[6]).toEqual([0, 0.05, 1]);
      expect(points.map((p) => p[2])).toEqual([1, -1, -1, 1, 1, -1, 1]);
      const X = new Float32Array(points.length * 3);
      points.forEach(([px, py], i) => {
        const norm = Math.sqrt(px * px + py * py + 1);
        X.set([px / norm, py / norm, 1 / norm], 3 * i);
      });
      const y = Float32Array.from(points, (p) => p[2]);
      expect(result.analysis?.inputsFingerprint).toBe(fnv1a(X));
      const inputs = { rows: points.length, cols: 3, data: X };
      expectSameRun(result, runInNode(inputs, y, [100, 1000], { eta: result.eta!, steps: 100, seed: 3, joint: false }));
      expect(result.eta).toBe(suggestedEta(inputs));
      expect(await page.isHidden('#warning')).toBe(true);
      // Points mode hides the sphere's n and d.
      expect(await page.isHidden('#sphere-controls')).toBe(true);

      // With 60 more points the table keeps the width its columns need (a caption holding the
      // whole pts= query once stretched it to thousands of pixels).
      for (let i = 0; i < 3; i++) await page.click('#points-random');
      await fillForm(page, { widths: '20', steps: '3' });
      await page.click('#start');
      await waitForStatus(page, 'done');
      const tableWidth = await page.$eval('#summary', (table) => table.getBoundingClientRect().width);
      expect(tableWidth).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
      expect(await page.textContent('#summary-caption')).toContain('67 points');

      // Without the bias coordinate a point at the origin is a zero input: λ0 = 0.
      await page.uncheck('#lift');
      await page.click('#points-clear');
      await page.click('#points-canvas', { position: { x: 160, y: 160 } });
      await page.click('#points-canvas', { position: { x: 40, y: 40 } });
      await page.waitForSelector('#warning[data-degenerate="true"]', { state: 'attached' });
      expect(await page.isVisible('#warning')).toBe(true);
      expect(await page.textContent('#warning')).toContain('zero rows 0');
    });

    it('shows a diverged run: y ticks on the measured range, the divergence message in view', async () => {
      await page.check('input[name="dataset"][value="sphere"]');
      await page.uncheck('#joint');
      await fillForm(page, { n: '40', d: '8', widths: '50', steps: '200', seed: '2', eta: '2' });
      await page.click('#start');
      const result = await waitForStatus(page, 'done');
      const { X, y } = sphereData({ n: 40, d: 8, seed: 2 });
      const [node] = runInNode(X, y, [50], { eta: 2, steps: 200, seed: 2, joint: false });
      expect(node.status).toBe('diverged');
      expect(result.widths[0].status).toBe('diverged');
      // The infinite-width line climbs far beyond what was measured; the chart keeps to the measurements.
      expect(Math.max(...result.widths[0].infiniteWidth!)).toBeGreaterThan(1e50);
      const measured = Array.from(node.residualSq).filter((v) => Number.isFinite(v) && v > 0);
      await page.waitForSelector('#chart-residual[data-y-max]', { state: 'attached', timeout: 5_000 });
      await page.waitForTimeout(300); // the last redraw is throttled
      const chart = await page.$eval('#chart-residual', (e) => ({ ...(e as HTMLElement).dataset }));
      expect((chart.yTicks ?? '').split(' ').length).toBeGreaterThanOrEqual(3);
      expect(Number(chart.yMax)).toBeLessThanOrEqual(1000 * Math.max(...measured));
      expect(Number(chart.yMin)).toBeGreaterThanOrEqual(Math.min(...measured) / 1000);
      // The library's own explanation, on the page rather than in a tooltip.
      expect(await page.isVisible('#run-notes')).toBe(true);
      expect(await page.textContent('#run-notes')).toContain(node.divergence!.message);
      expect(await page.textContent('#status')).toContain('Diverged: m = 50');
    });

    it('fits a 390 px wide phone screen: no horizontal scrolling, no chart cut off', async () => {
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
      try {
        await phone.goto(`${server.url}?data=sphere&n=30&d=5&widths=50,200&eta=auto&steps=20&seed=1&joint=0`);
        await waitForStatus(phone, 'done');
        const layout = await phone.evaluate(() => ({
          innerWidth: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth,
          chartRights: Array.from(document.querySelectorAll('#results > .charts .chart'), (chart) => {
            const boxes = [chart, ...Array.from(chart.querySelectorAll('canvas'))].map((e) => e.getBoundingClientRect().right);
            return Math.max(...boxes);
          }),
        }));
        expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
        expect(layout.chartRights).toHaveLength(4);
        for (const right of layout.chartRights) expect(right).toBeLessThanOrEqual(layout.innerWidth);
      } finally {
        await phone.close();
      }
    });

    it('checks the seed in the page: names it, sends nothing while it is invalid, clears the message once fixed', async () => {
      const other = await browser.newPage();
      try {
        await other.goto(server.url);
        await other.waitForSelector('#eta-advice[data-suggested]');
        // Record what the page asks of its worker from here on.
        await other.evaluate(() => {
          const sent: string[] = [];
          (window as unknown as { sent: string[] }).sent = sent;
          const post: (this: Worker, message: unknown, transfer: Transferable[]) => void = Worker.prototype.postMessage;
          Worker.prototype.postMessage = function (this: Worker, message: { type: string }, transfer: Transferable[]) {
            sent.push(message.type);
            post.call(this, message, transfer);
          } as typeof Worker.prototype.postMessage;
        });
        const sent = () => other.evaluate(() => (window as unknown as { sent: string[] }).sent.slice());
        for (const bad of ['-1', '1e', '2.5', '']) {
          await other.fill('#seed', bad);
          await other.waitForTimeout(500); // the analysis is scheduled 250 ms after an edit
          expect(await other.getAttribute('#seed', 'aria-invalid')).toBe('true');
          const errors = await other.textContent('#errors');
          expect(errors).toContain('seed must be a whole number from 0 to 4294967295');
          expect(errors).toContain(`got “${bad}”`);
          await other.click('#start');
          expect(await sent()).toEqual([]);
          expect(await other.textContent('#status')).toBe('Ready.');
        }
        await other.fill('#seed', '5');
        await other.waitForFunction(() => (window as unknown as { sent: string[] }).sent.includes('analyse'));
        expect(await other.getAttribute('#seed', 'aria-invalid')).toBe('false');
        expect(await other.textContent('#errors')).toBe('');
        await other.waitForSelector('#eta-advice[data-suggested]');
        expect(Number(await other.getAttribute('#eta-advice', 'data-suggested'))).toBe(suggestedEta(sphereData({ n: 100, d: 10, seed: 5 }).X));
        expect(await other.textContent('#status')).toBe('Ready.');
      } finally {
        await other.close();
      }
    });

    it('the label-noise panel trains on the digits for the slider\'s p, draws the bars and the mode decay, as Node does', async () => {
      const panelRun = async (p: string) => {
        await page.$eval('#labels-noise', (el, value) => {
          (el as HTMLInputElement).value = value;
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, p);
        expect(await page.textContent('#labels-noise-value')).toBe(p);
        await page.click('#labels-run');
        type Shown = { status: string; p: number; bound: number; measuredDistance: number; testError: number; modes: number[] };
        const shown = () => (window as unknown as { __overparamLabels?: Shown }).__overparamLabels;
        await page.waitForFunction((want) => {
          const r = (window as unknown as { __overparamLabels?: { status: string; p: number } }).__overparamLabels;
          return r?.status === 'done' && r.p === want;
        }, Number(p), { timeout: 120_000 });
        return page.evaluate(shown) as Promise<Shown>;
      };
      const clean = await panelRun('0');
      const noisy = await panelRun('1');
      for (const id of ['labels-bars', 'labels-decay']) expect(await canvasHasContent(page, `#${id}`)).toBe(true);
      expect(await page.textContent('#labels-numbers')).toMatch(/p = 1: bound/);
      expect(noisy.bound).toBeGreaterThan(clean.bound);
      expect(clean.modes).toEqual([0, 1, 2, 97, 98, 99]);
      // The panel's size (web/src/labelsPanel.ts SIZE), redone here with the library.
      const data = await loadDigits({ task: 'evenOdd', n: 100, nTest: 400, seed: 0 });
      for (const [p, shown] of [[0, clean], [1, noisy]] as const) {
        const [run] = labelNoiseSweep({ data, noise: [p], m: 1000, steps: 200, seed: 0, keepModes: 3 }).runs;
        expect(shown.bound).toBe(run.bound);
        expect(shown.measuredDistance).toBe(run.measuredDistance);
        expect(shown.testError).toBe(run.testError.value.at(-1));
      }
    });

    it('reports no page errors', () => {
      expect(pageErrors).toEqual([]);
    });

    it('still loads when the server sends .wasm with the wrong MIME type', async () => {
      const plainServer = await serveDirectory(distDir, { mimeOverrides: { '.wasm': 'application/octet-stream' } });
      const other = await browser.newPage();
      try {
        await other.goto(plainServer.url);
        await other.waitForSelector('#eta-advice[data-suggested]');
        expect(await other.textContent('#status')).toBe('Ready.');
      } finally {
        await other.close();
        await plainServer.close();
      }
    });
  });
}
