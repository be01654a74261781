// The page: reads the controls (and the URL), drives the training worker, and shows what it
// streams back. All numerics happen in the worker; this thread only draws.
import './style.css';
import { RunCharts } from './charts';
import { difference, drawColourBar, drawHeatmap, sharedRange } from './heatmap';
import {
  ACTIVATION_CHOICES, DEFAULT_PARAMS, alphaFromSlider, describeRun, fromQuery, inputCount, integerIn, numberIn, optimizerOf, parseEta, parseWidths,
  pointsToInputs, sliderFromAlpha, toQuery, validateParams, LIMITS, type LabelledPoint, type RunParams,
} from './params';
import { formatDuration, remainingSeconds } from './eta';
import { formatCompact as fmt } from '../../src/experiments/format';
import { PointsEditor } from './pointsEditor';
import { mountLabelsPanel } from './labelsPanel';
import type { Analysis, DataSpec, HeatmapData, ModelSpec, Reply, Request, StepBatch, WidthDone } from './protocol';
import { ProofPanel, type ProofState } from './proofPanel';

/** What the page exposes for tests and the console: the last run's exact numbers. */
export interface PageResult {
  status: 'running' | 'done' | 'stopped' | 'error';
  query: string;
  eta?: number;
  analysis?: Analysis;
  stepsReceived: number;
  widths: {
    m: number;
    status: 'pending' | 'running' | WidthDone['status'] | 'stopped';
    stepsRun?: number;
    method?: WidthDone['method'];
    residualSq?: number[];
    patternChangeFraction?: number[];
    maxWeightDistance?: number[];
    fingerprints?: WidthDone['fingerprints'];
    /** The dashed theory lines: Theorem 4.1's bound and the infinite-width ‖r(k)‖², k = 0..steps. */
    bound?: number[];
    infiniteWidth?: number[];
  }[];
  error?: string;
  /** performance.now() of the run's milestones: the α slider's change that started it (if one did), Start, the first and the last drawing. */
  timing: { changedAt?: number; startedAt: number; firstDrawAt?: number; doneAt?: number };
  /** The proof panel: the width it shows and that width's certificates' summary. */
  proof?: ProofState;
}

declare global {
  interface Window {
    __overparamResult?: PageResult;
  }
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`missing #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('controls');
const inputs = {
  n: element<HTMLInputElement>('n'),
  d: element<HTMLInputElement>('d'),
  widths: element<HTMLInputElement>('widths'),
  eta: element<HTMLInputElement>('eta'),
  steps: element<HTMLInputElement>('steps'),
  seed: element<HTMLInputElement>('seed'),
  joint: element<HTMLInputElement>('joint'),
  lift: element<HTMLInputElement>('lift'),
  activation: element<HTMLSelectElement>('activation'),
  outputInit: element<HTMLSelectElement>('output-init'),
  alpha: element<HTMLInputElement>('alpha'),
  alphaSlider: element<HTMLInputElement>('alpha-slider'),
  gamma: element<HTMLInputElement>('gamma'),
  negativeSlope: element<HTMLInputElement>('negative-slope'),
  scale: element<HTMLInputElement>('scale'),
  optimizer: element<HTMLSelectElement>('optimizer'),
  beta: element<HTMLInputElement>('beta'),
  batchSize: element<HTMLInputElement>('batch-size'),
};
inputs.activation.replaceChildren(...ACTIVATION_CHOICES.map((a) =>
  Object.assign(document.createElement('option'), { value: a, textContent: a === 'relu' ? 'ReLU (the paper\'s)' : a })));
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');
const useSuggestedButton = element<HTMLButtonElement>('use-suggested');
const progress = element<HTMLProgressElement>('progress');
const statusText = element('status');
const etaAdvice = element('eta-advice');
const errorsBox = element('errors');
const warningBox = element('warning');
const permalink = element<HTMLAnchorElement>('permalink');
const heatWidth = element<HTMLSelectElement>('heat-width');
const heatNote = element('heat-note');
const summaryBody = element<HTMLTableElement>('summary').tBodies[0];
const summaryCaption = element('summary-caption');
const pointsCount = element('points-count');
const runNotes = element('run-notes');
const proof = new ProofPanel({
  panel: element<HTMLDetailsElement>('proof-panel'), width: element<HTMLSelectElement>('proof-width'), note: element('proof-note'),
  reason: element('proof-reason'), constants: element('proof-constants'), charts: element('proof-charts'),
  table: element<HTMLTableElement>('proof-table'),
});

const editor = new PointsEditor(
  element<HTMLCanvasElement>('points-canvas'),
  () => (form.querySelector<HTMLInputElement>('input[name="label"]:checked')?.value === '-1' ? -1 : 1),
  (points) => { showPointCount(points); showErrors(readForm().errors); scheduleAnalysis(); },
);
element('points-random').addEventListener('click', () => editor.addRandom(20));
element('points-undo').addEventListener('click', () => editor.undo());
element('points-clear').addEventListener('click', () => editor.clear());

function showPointCount(points: LabelledPoint[]): void {
  pointsCount.textContent = `${points.length} point${points.length === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------- form ↔ parameters

function selectedDataset(): RunParams['dataset'] {
  return form.querySelector<HTMLInputElement>('input[name="dataset"]:checked')?.value === 'points' ? 'points' : 'sphere';
}

function showDataset(): void {
  const points = selectedDataset() === 'points';
  element('points-controls').hidden = !points;
  element('sphere-controls').hidden = points;
  inputs.n.disabled = points;
  inputs.d.disabled = points;
}

/** The slope only for leaky ReLU; β for heavy ball, Nesterov and SGD (its momentum); b for SGD. */
function showModelControls(): void {
  element('slope-controls').hidden = inputs.activation.value !== 'leakyRelu';
  const optimizer = inputs.optimizer.value;
  element('beta-controls').hidden = optimizer === 'gd';
  element('beta-label').textContent = optimizer === 'sgd' ? 'momentum β' : 'β';
  element('batch-controls').hidden = optimizer !== 'sgd';
}

/** The slider's position and its spoken value follow the exact α field. */
function showAlphaOnSlider(): void {
  const alpha = Number(inputs.alpha.value);
  if (!Number.isFinite(alpha) || alpha <= 0) return;
  inputs.alphaSlider.value = String(sliderFromAlpha(alpha));
  inputs.alphaSlider.setAttribute('aria-valuetext', `α = ${alpha}`);
}

function writeForm(p: RunParams): void {
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="dataset"]')) radio.checked = radio.value === p.dataset;
  inputs.n.value = String(p.n);
  inputs.d.value = String(p.d);
  inputs.widths.value = p.widths.join(', ');
  inputs.eta.value = p.eta === undefined ? '' : String(p.eta);
  inputs.steps.value = String(p.steps);
  inputs.seed.value = String(p.seed);
  inputs.joint.checked = p.joint;
  inputs.lift.checked = p.liftPoints;
  inputs.activation.value = p.activation;
  inputs.outputInit.value = p.outputInit;
  inputs.alpha.value = String(p.outputScale);
  inputs.gamma.value = String(p.widthExponent);
  inputs.negativeSlope.value = String(p.negativeSlope);
  inputs.scale.value = String(p.scale);
  inputs.optimizer.value = p.optimizer;
  inputs.beta.value = String(p.beta);
  inputs.batchSize.value = String(p.batchSize);
  showAlphaOnSlider();
  showModelControls();
  editor.set(p.points);
  showPointCount(p.points);
  showDataset();
}

/** The form read as parameters; `invalidData` names the fields the data depend on that are invalid. */
interface FormReading {
  params: RunParams;
  errors: string[];
  invalidData: string[];
}

function readForm(): FormReading {
  const errors: string[] = [];
  const invalidData: string[] = [];
  const integerField = (input: HTMLInputElement, name: string, range: readonly [number, number], dataField: boolean): number => {
    const value = integerIn(input.value, name, range, errors);
    input.setAttribute('aria-invalid', String(value === undefined));
    if (value === undefined && dataField) invalidData.push(name);
    return value ?? NaN;
  };
  const dataset = selectedDataset();
  const sphere = dataset === 'sphere';
  const params: RunParams = {
    dataset,
    n: sphere ? integerField(inputs.n, 'n', LIMITS.n, true) : DEFAULT_PARAMS.n,
    d: sphere ? integerField(inputs.d, 'd', LIMITS.d, true) : DEFAULT_PARAMS.d,
    points: editor.get(),
    liftPoints: inputs.lift.checked,
    widths: [],
    eta: undefined,
    steps: integerField(inputs.steps, 'steps', LIMITS.steps, false),
    // The sphere data are drawn from the seed; clicked points do not depend on it.
    seed: integerField(inputs.seed, 'seed', LIMITS.seed, sphere),
    joint: inputs.joint.checked,
    activation: inputs.activation.value as RunParams['activation'],
    outputInit: inputs.outputInit.value as RunParams['outputInit'],
    outputScale: NaN,
    widthExponent: NaN,
    negativeSlope: DEFAULT_PARAMS.negativeSlope,
    scale: NaN,
    optimizer: inputs.optimizer.value as RunParams['optimizer'],
    beta: DEFAULT_PARAMS.beta,
    batchSize: DEFAULT_PARAMS.batchSize,
  };
  const numberField = (input: HTMLInputElement, name: string, range: readonly [number, number]): number => {
    const value = numberIn(input.value, name, range, errors);
    input.setAttribute('aria-invalid', String(value === undefined));
    return value ?? NaN;
  };
  params.outputScale = numberField(inputs.alpha, 'α (output scale)', LIMITS.outputScale);
  params.widthExponent = numberField(inputs.gamma, 'γ (width exponent)', LIMITS.widthExponent);
  // κ and the slope change H*, so λ0 and the advice: they are data of the analysis.
  params.scale = numberField(inputs.scale, 'κ (weight scale)', LIMITS.scale);
  if (Number.isNaN(params.scale)) invalidData.push('κ');
  if (params.activation === 'leakyRelu') {
    params.negativeSlope = numberField(inputs.negativeSlope, 'the negative slope s', LIMITS.negativeSlope);
    if (Number.isNaN(params.negativeSlope)) invalidData.push('the negative slope');
  }
  if (params.optimizer !== 'gd') {
    params.beta = numberField(inputs.beta, params.optimizer === 'sgd' ? 'the momentum β' : 'β', LIMITS.beta);
    if (Number.isNaN(params.beta)) invalidData.push('β');
  }
  if (params.optimizer === 'sgd') params.batchSize = integerField(inputs.batchSize, 'the batch size b', LIMITS.batchSize, false);
  const widthErrors: string[] = [];
  params.widths = parseWidths(inputs.widths.value, widthErrors);
  inputs.widths.setAttribute('aria-invalid', String(widthErrors.length > 0));
  const etaErrors: string[] = [];
  params.eta = parseEta(inputs.eta.value, etaErrors);
  inputs.eta.setAttribute('aria-invalid', String(etaErrors.length > 0));
  const datasetErrors = validateParams(params);
  if (datasetErrors.length > 0) invalidData.push('the points');
  errors.push(...widthErrors, ...etaErrors, ...datasetErrors);
  return { params, errors, invalidData };
}

function dataSpec(p: RunParams): DataSpec {
  if (p.dataset === 'sphere') return { kind: 'sphere', n: p.n, d: p.d, seed: p.seed };
  const { X, y, d } = pointsToInputs(p.points, p.liftPoints);
  return { kind: 'given', n: p.points.length, d, X, y };
}

function showErrors(errors: string[]): void {
  errorsBox.replaceChildren(...errors.map((message) => {
    const line = document.createElement('p');
    line.textContent = message;
    return line;
  }));
}

// ---------------------------------------------------------------- the worker

let worker: Worker;
let nextId = 1;

function startWorker(): void {
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event: MessageEvent<Reply>) => onReply(event.data));
  worker.addEventListener('error', (event) => {
    statusText.textContent = `The worker failed: ${event.message}`;
    if (run?.result.status === 'running') finishRun('error', event.message);
  });
}

function post(request: Request, transfer: Transferable[] = []): void {
  worker.postMessage(request, transfer);
}

// ---------------------------------------------------------------- step-size advice

let analysisTimer: number | undefined;
let analysisId = 0;
let latestAnalysis: Analysis | undefined;

/**
 * Recomputes λ0 and the suggested η shortly after the data controls change. Nothing is sent while
 * a field the data depend on is invalid: the page says which, and forgets the old data's advice.
 */
function scheduleAnalysis(): void {
  if (analysisTimer !== undefined) clearTimeout(analysisTimer);
  analysisTimer = window.setTimeout(() => {
    analysisTimer = undefined;
    const { params, invalidData } = readForm();
    delete etaAdvice.dataset.suggested;
    if (invalidData.length > 0) {
      analysisId = 0; // a reply still on its way describes other data: ignore it
      latestAnalysis = undefined;
      useSuggestedButton.disabled = true;
      etaAdvice.textContent = `The suggested η needs valid data: correct ${invalidData.join(' and ')} above.`;
      showWarnings();
      return;
    }
    analysisId = nextId++;
    etaAdvice.textContent = 'Computing the suggested η…';
    const spec = dataSpec(params);
    post({ type: 'analyse', id: analysisId, data: spec, model: modelSpec(params), optimizer: optimizerOf(params) },
      spec.kind === 'given' ? [spec.X.buffer, spec.y.buffer] : []);
  }, 250);
}


/** What the worker needs of the model. */
function modelSpec(p: RunParams): ModelSpec {
  return {
    activation: p.activation, negativeSlope: p.negativeSlope, scale: p.scale, outputScale: p.outputScale,
    widthExponent: p.widthExponent, outputInit: p.outputInit, joint: p.joint,
  };
}

function showAnalysis(a: Analysis): void {
  latestAnalysis = a;
  const K = a.kernel;
  const limit = a.advice.rule.replace('λ_max', `λ_max(${K})`);
  const suggested = a.advice.rule === '2/λ_max' ? `1/λ_max(${K})` : `½ · ${limit}`;
  etaAdvice.textContent =
    `Suggested η = ${suggested} = ${fmt(a.advice.suggested, 4)}; stable for η < ${limit} = ${fmt(a.advice.stabilityLimit, 4)}. ` +
    `λ0 = λ_min(${K}) = ${fmt(a.lambda0)}, λ_max(${K}) = ${fmt(a.lambdaMax)} (n = ${a.n}, d = ${a.d}).` +
    (a.degeneracy.degenerate ? '' : ` Theorem 4.1 asks for η = O(λ0/n²) ≈ ${fmt(a.advice.theorem)}: its constants are cautious.`);
  etaAdvice.dataset.suggested = String(a.advice.suggested);
  useSuggestedButton.disabled = false;
  showWarnings();
}

/** Degenerate data and unstable step sizes, in one alert region. */
function showWarnings(): void {
  const messages: string[] = [];
  const a = latestAnalysis;
  if (a?.degeneracy.degenerate) messages.push(a.degeneracy.message);
  const eta = parseEta(inputs.eta.value, []);
  if (a && eta !== undefined && eta >= a.advice.stabilityLimit) {
    messages.push(`η = ${fmt(eta)} is at or above ${a.advice.rule.replace('λ_max', `λ_max(${a.kernel})`)} = ${fmt(a.advice.stabilityLimit)}: ` +
      'the optimiser will likely diverge.');
  }
  warningBox.hidden = messages.length === 0;
  warningBox.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
  warningBox.dataset.degenerate = String(a?.degeneracy.degenerate ?? false);
}

useSuggestedButton.addEventListener('click', () => {
  if (latestAnalysis) inputs.eta.value = String(latestAnalysis.advice.suggested);
  showWarnings();
});

// ---------------------------------------------------------------- runs

interface WidthProgress {
  received: number;
  done?: WidthDone;
}

/** A run estimated to last longer than this gets a visible warning with the estimate. */
const LONG_RUN_SECONDS = 60;

interface Run {
  id: number;
  /** performance.now() at Start, and the seconds still to go as last estimated. */
  startedAt: number;
  remaining?: number;
  longRunNote?: HTMLParagraphElement;
  params: RunParams;
  charts?: RunCharts;
  widths: WidthProgress[];
  gramInfinity?: HeatmapData;
  result: PageResult;
  current: number;
}

let run: Run | undefined;

function setRunning(running: boolean): void {
  stopButton.disabled = !running;
  document.body.dataset.runStatus = running ? 'running' : run?.result.status ?? 'idle';
}

function startRun(params: RunParams, changedAt?: number): void {
  if (run?.result.status === 'running') stopRun();
  const query = toQuery(params);
  history.replaceState(null, '', `?${query}`);
  permalink.href = `?${query}`;
  permalink.hidden = false;
  run?.charts?.destroy();
  const id = nextId++;
  run = {
    id, params, widths: params.widths.map(() => ({ received: 0 })), current: 0, startedAt: performance.now(),
    result: {
      status: 'running', query, stepsReceived: 0, widths: params.widths.map((m) => ({ m, status: 'pending' })),
      timing: { startedAt: performance.now(), ...(changedAt !== undefined ? { changedAt } : {}) }, proof: proof.state,
    },
  };
  const certificates = proof.wanted;
  proof.start(params.widths, certificates);
  window.__overparamResult = run.result;
  progress.value = 0;
  statusText.textContent = 'Preparing the data and the limit kernel…';
  summaryCaption.textContent = describeRun(params);
  summaryBody.replaceChildren();
  runNotes.replaceChildren();
  runNotes.hidden = true;
  heatWidth.replaceChildren();
  heatWidth.disabled = true;
  heatNote.textContent = '';
  setRunning(true);
  const spec = dataSpec(params);
  post({
    type: 'run', id, data: spec, widths: params.widths, eta: params.eta, steps: params.steps,
    seed: params.seed, joint: params.joint, model: modelSpec(params), optimizer: optimizerOf(params), certificates,
  }, spec.kind === 'given' ? [spec.X.buffer, spec.y.buffer] : []);
}

/** Stops the current run: train() is synchronous in the worker, so the worker is replaced. */
function stopRun(): void {
  if (!run || run.result.status !== 'running') return;
  worker.terminate();
  startWorker();
  const width = run.current;
  const where = run.widths[width] ? ` at step ${Math.max(0, run.widths[width].received - 1)} of width m = ${run.params.widths[width]}` : '';
  for (const w of run.result.widths) if (w.status === 'running') w.status = 'stopped';
  run.longRunNote?.remove();
  runNotes.hidden = runNotes.childElementCount === 0;
  finishRun('stopped');
  statusText.textContent = `Stopped${where}. Partial curves are kept.`;
  scheduleAnalysis();
}

function finishRun(status: 'done' | 'stopped' | 'error', error?: string): void {
  if (!run) return;
  run.result.status = status;
  if (error !== undefined) run.result.error = error;
  run.charts?.redraw();
  setRunning(false);
}

function updateProgress(r: Run): void {
  const steps = r.params.steps + 1;
  let doneCost = 0, totalCost = 0;
  r.params.widths.forEach((m, w) => {
    const state = r.widths[w];
    totalCost += m * steps;
    doneCost += m * (state.done ? steps : state.received);
  });
  progress.value = totalCost > 0 ? doneCost / totalCost : 1;
  const received = r.widths[r.current]?.received ?? 0;
  if (r.result.status === 'running') {
    statusText.textContent = `Training m = ${r.params.widths[r.current]} (${r.current + 1} of ${r.params.widths.length}): ` +
      `step ${Math.max(0, received - 1)} of ${r.params.steps}` +
      (r.remaining !== undefined && r.remaining >= 1 ? `, about ${formatDuration(r.remaining)} left` : '');
  }
}

/** Updates the run's time estimate from a batch's step times; warns once if the run is long. */
function estimateTime(r: Run, batch: StepBatch): void {
  const lastStep = batch.fromStep + batch.residualSq.length - 1;
  const remaining = remainingSeconds({
    widths: r.params.widths, current: batch.widthIndex, steps: r.params.steps, lastStep,
    setupSeconds: batch.setupSeconds, stepSeconds: batch.stepSeconds,
  });
  if (remaining === undefined) return;
  r.remaining = remaining;
  const total = (performance.now() - r.startedAt) / 1000 + remaining;
  if (total > LONG_RUN_SECONDS && !r.longRunNote) {
    const m = r.params.widths[batch.widthIndex];
    r.longRunNote = addRunNote(
      `This run will take about ${formatDuration(total)} (measured ${(batch.stepSeconds / lastStep).toPrecision(2)} s a step ` +
      `at m = ${m}). Stop (or Escape) ends it and keeps the curves so far; fewer steps or smaller widths are quicker.`);
    r.longRunNote.dataset.seconds = String(total);
  }
}

function onReply(reply: Reply): void {
  if (reply.type === 'ready') {
    // A worker restarted by Stop must not overwrite the “Stopped at …” message.
    if (!run) statusText.textContent = 'Ready.';
    return;
  }
  if (reply.type === 'analysis') {
    if (reply.id === analysisId) showAnalysis(reply);
    return;
  }
  if (reply.type === 'error' && reply.id === analysisId) {
    // The advice line, not the status line: the next analysis replaces it.
    etaAdvice.textContent = `Could not compute the suggested η: ${explainError(reply)}`;
    return;
  }
  if (reply.type === 'error' && reply.id !== run?.id) {
    if (reply.id === -1) statusText.textContent = reply.message; // the core did not load
    return;
  }
  if (!run || reply.id !== run.id) return;
  const r = run;
  switch (reply.type) {
    case 'runStart': {
      const { type: _type, id: _id, eta, gramEvery, gramFloors, gramInfinity, ...analysis } = reply;
      r.result.eta = eta;
      r.result.analysis = analysis;
      r.gramInfinity = gramInfinity;
      showAnalysis(analysis);
      // The heatmap and the theory lines are of the run's limit: H* of ψ, + K^a when a trains.
      element('heat-inf-caption').textContent = `${analysis.kernel} (infinite width)`;
      element('heat-inf').setAttribute('aria-label', `Heatmap of ${analysis.kernel}`);
      for (const name of document.querySelectorAll('.kernel-name')) name.textContent = analysis.kernel;
      r.charts = new RunCharts({
        residual: element('chart-residual'), pattern: element('chart-pattern'),
        distance: element('chart-distance'), lambda: element('chart-lambda'), legend: element('chart-legend'),
      }, r.params.widths, r.params.steps, gramFloors, analysis.kernel, (points) => {
        if (points > 0) r.result.timing.firstDrawAt ??= performance.now();
      });
      heatNote.textContent = `η = ${fmt(eta, 4)}; λ_min(H(k)) measured every ${gramEvery} step${gramEvery > 1 ? 's' : ''}.`;
      drawKernels();
      break;
    }
    case 'widthStart':
      r.current = reply.widthIndex;
      Object.assign(r.result.widths[reply.widthIndex], { status: 'running', bound: reply.bound, infiniteWidth: reply.infiniteWidth });
      r.charts?.setTheory(reply.widthIndex, reply.bound, reply.infiniteWidth);
      updateProgress(r);
      break;
    case 'steps':
      r.widths[reply.widthIndex].received = reply.fromStep + reply.residualSq.length;
      estimateTime(r, reply);
      r.result.stepsReceived += reply.residualSq.length;
      r.charts?.addSteps(reply);
      updateProgress(r);
      break;
    case 'certificates':
      proof.add(reply);
      break;
    case 'certificatesRefused':
      proof.refuse(reply.reason);
      break;
    case 'widthDone':
      r.widths[reply.widthIndex].done = reply;
      Object.assign(r.result.widths[reply.widthIndex], {
        status: reply.status, stepsRun: reply.stepsRun, method: reply.method,
        residualSq: Array.from(reply.residualSq),
        patternChangeFraction: Array.from(reply.patternChangeFraction),
        maxWeightDistance: Array.from(reply.maxWeightDistance),
        fingerprints: reply.fingerprints,
      });
      addSummaryRow(reply);
      addHeatmapChoice(reply);
      if (reply.divergenceMessage) addRunNote(`m = ${reply.m} diverged at step ${reply.stepsRun}: ${reply.divergenceMessage}`);
      updateProgress(r);
      break;
    case 'runDone': {
      r.longRunNote?.remove(); // a prediction, not news, once the run is over
      runNotes.hidden = runNotes.childElementCount === 0;
      finishRun('done');
      r.result.timing.doneAt = performance.now();
      progress.value = 1;
      const diverged = r.params.widths.filter((_, w) => r.widths[w].done?.status === 'diverged');
      statusText.textContent = `Done in ${reply.seconds.toFixed(2)} s.` +
        (diverged.length > 0 ? ` Diverged: m = ${diverged.join(', ')} (see the note above the charts).` : '');
      break;
    }
    case 'error':
      finishRun('error', reply.message);
      statusText.textContent = `Error: ${explainError(reply)}`;
      break;
    default:
      break;
  }
}

/**
 * A worker's error in the page's words. The quadrature of a smooth ψ's H* does not converge for
 * large κ‖x‖ (NOT_CONVERGED): say which control to change, then the library's own message.
 */
function explainError(reply: { message: string; code?: string }): string {
  const converged = reply.code !== 'NOT_CONVERGED' || !/Gauss–Hermite/.test(reply.message);
  if (converged) return reply.message;
  const { params } = readForm();
  inputs.scale.setAttribute('aria-invalid', 'true'); // after readForm, which marks the fields it checks
  return `the limit kernel H* of ${params.activation} at κ = ${params.scale} cannot be computed: lower κ (about κ‖x‖ ≤ 2.5 ` +
    `for tanh, 4 for softplus, sigmoid and GELU) or pick an activation with a closed form (ReLU, leaky ReLU, erf, quadratic, linear). ` +
    `The library says: ${reply.message}`;
}

/** A line about the run shown above the charts (a divergence, a long run's estimate). */
function addRunNote(text: string): HTMLParagraphElement {
  const note = Object.assign(document.createElement('p'), { textContent: text });
  runNotes.append(note);
  runNotes.hidden = false;
  return note;
}

function addSummaryRow(done: WidthDone): void {
  const last = done.residualSq.length - 1;
  const cells = [
    String(done.m), done.status, String(done.stepsRun),
    fmt(done.residualSq[0], 4), fmt(done.residualSq[last], 4),
    fmt(done.patternChangeFraction[last]), fmt(done.maxWeightDistance[last]),
    fmt(done.radiusBound), fmt(done.lambdaMinH0), fmt(done.lambdaMinFinal),
    fmt(done.initialKernelGap), fmt(done.kernelDrift), `${done.seconds.toFixed(2)} s`,
  ];
  const row = document.createElement('tr');
  row.dataset.width = String(done.m);
  row.dataset.finalResidual = String(done.residualSq[last]);
  cells.forEach((text, i) => {
    const cell = document.createElement(i === 0 ? 'th' : 'td');
    if (i === 0) cell.setAttribute('scope', 'row');
    cell.textContent = text;
    row.append(cell);
  });
  if (done.divergenceMessage) row.title = done.divergenceMessage;
  summaryBody.append(row);
}

// ---------------------------------------------------------------- heatmaps

function addHeatmapChoice(done: WidthDone): void {
  const option = document.createElement('option');
  option.value = String(done.widthIndex);
  option.textContent = `m = ${done.m}`;
  heatWidth.append(option);
  heatWidth.disabled = false;
  // Keep showing the first finished width until the user picks another, so the picture does not jump.
  if (heatWidth.options.length === 1) heatWidth.value = option.value;
  drawKernels();
}

heatWidth.addEventListener('change', () => drawKernels());

function drawKernels(): void {
  const r = run;
  if (!r?.gramInfinity) return;
  const done = r.widths[Number(heatWidth.value)]?.done;
  const panels = [r.gramInfinity, ...(done ? [done.gramFinal] : [])];
  const range = sharedRange(...panels);
  const sequential = { kind: 'sequential' as const, ...range };
  drawHeatmap(element<HTMLCanvasElement>('heat-inf'), r.gramInfinity, sequential);
  drawColourBar(element('bar-inf'), sequential);
  if (!done) return;
  drawHeatmap(element<HTMLCanvasElement>('heat-final'), done.gramFinal, sequential);
  drawColourBar(element('bar-final'), sequential);
  const diff = difference(done.gramFinal, done.gram0);
  let maxAbs = 0;
  for (const v of diff.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  const diverging = { kind: 'diverging' as const, maxAbs };
  drawHeatmap(element<HTMLCanvasElement>('heat-diff'), diff, diverging);
  drawColourBar(element('bar-diff'), diverging);
  element('heat-final').setAttribute('aria-label', `Heatmap of H(k) for m = ${done.m} after ${done.stepsRun} steps`);
  element('heat-diff').setAttribute('aria-label',
    `Heatmap of H(k) − H(0) for m = ${done.m}: largest entry ${fmt(maxAbs)}, spectral norm ${fmt(done.kernelDrift)}`);
}

// ---------------------------------------------------------------- wiring

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const { params, errors } = readForm();
  showErrors(errors);
  if (errors.length === 0) startRun(params);
});
// Checked as typed: a message names its field, and goes away as soon as the field is corrected.
form.addEventListener('input', () => showErrors(readForm().errors));
stopButton.addEventListener('click', () => stopRun());
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && run?.result.status === 'running') stopRun();
});
for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="dataset"]')) {
  radio.addEventListener('change', () => { showDataset(); scheduleAnalysis(); });
}
for (const input of [inputs.n, inputs.d, inputs.lift]) input.addEventListener('input', () => scheduleAnalysis());
// The data of a sphere run depend on the seed too.
inputs.seed.addEventListener('input', () => { if (selectedDataset() === 'sphere') scheduleAnalysis(); });
inputs.eta.addEventListener('input', () => showWarnings());
// λ0 and the suggested η are those of the run's limit kernel: H* of ψ, + K^a when a trains.
for (const input of [inputs.activation, inputs.joint, inputs.optimizer]) {
  input.addEventListener('change', () => { showModelControls(); scheduleAnalysis(); });
}
// κ, the slope and β change the limit kernel or the optimiser's limit: the advice follows them.
for (const input of [inputs.scale, inputs.negativeSlope, inputs.beta]) input.addEventListener('input', () => scheduleAnalysis());

// The α slider re-runs as it moves (the tangent dynamics, λ0 and η do not depend on α: no new
// analysis); a run already going is replaced. Its exact value is the text field beside it.
const ALPHA_RERUN_MILLISECONDS = 100;
let alphaTimer: number | undefined;
inputs.alphaSlider.addEventListener('input', () => {
  const changedAt = performance.now();
  const alpha = alphaFromSlider(Number(inputs.alphaSlider.value));
  inputs.alpha.value = String(alpha);
  inputs.alphaSlider.setAttribute('aria-valuetext', `α = ${alpha}`);
  const { params, errors } = readForm();
  showErrors(errors);
  if (alphaTimer !== undefined) clearTimeout(alphaTimer);
  if (errors.length > 0) return;
  alphaTimer = window.setTimeout(() => { alphaTimer = undefined; startRun(params, changedAt); }, ALPHA_RERUN_MILLISECONDS);
});
inputs.alpha.addEventListener('input', () => showAlphaOnSlider());

const initial = fromQuery(location.search);
writeForm(initial.params);
showErrors(initial.errors);
startWorker();
if (initial.given && initial.errors.length === 0 && validateParams(initial.params).length === 0 && inputCount(initial.params) > 0) {
  // A shared link reproduces its run: start it right away.
  startRun(initial.params);
} else {
  scheduleAnalysis();
}
startButton.disabled = false;
if (!run) setRunning(false);

// The label-noise panel on the digits (its own section and worker: src/labelsPanel.ts).
mountLabelsPanel(document.querySelector('main') ?? document.body);
