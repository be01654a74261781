// The two subcommands. Each parses its arguments, runs the sweep in a worker (progress bar, Ctrl-C),
// prints a summary and writes its files; the returned number is the process exit code.
import path from 'node:path';
import { figure1Checks, optimizerStabilityRule, type Figure1Check, type WidthSweepResult } from '../experiments/index.js';
import type { InputDiagnostics } from '../kernels.js';
import { formatNumber as format } from '../experiments/format.js';
import {
  FIGURE1_USAGE, parseFigure1Args, parseTrainArgs, TRAIN_USAGE, type Figure1Settings, type ModelSettings, type TrainSettings,
} from './args.js';
import { readDataCsv } from './csv.js';
import { writeSweepOutputs } from './outputs.js';
import { environment } from './results.js';
import { createProgress } from './progress.js';
import { runSweepInWorker } from './runner.js';
import type { SweepRequest } from './sweepWorker.js';
import { checkOutputDirectory } from './files.js';

/**
 * Exit codes: 0 finished with every decided check passing, 1 failed, 2 bad command line, 3 finished
 * but a check failed (for example on runs that diverged), 130 stopped by Ctrl-C (128 + SIGINT),
 * 143 stopped by SIGTERM (128 + 15).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, checkFailed: 3, interrupted: 130, terminated: 143 } as const;

/** The signal that stopped the last sweep, which decides its exit code (130 or 143). */
let stoppedBy: 'SIGINT' | 'SIGTERM' = 'SIGINT';

/** Runs the sweep with a progress bar; the first Ctrl-C stops it after the current step, a second quits at once. */
async function runWithProgress(options: SweepRequest['options']): Promise<WidthSweepResult> {
  const progress = createProgress();
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    interrupts++;
    stoppedBy = signal;
    if (interrupts > 1) process.exit(signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted);
    progress.note('Stopping after the current step and writing what has finished (Ctrl-C again to quit at once)…');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runSweepInWorker(options, {
      onProgress: (p) => progress.update(p),
      // Without a bar (not a terminal), one line per finished run shows the work is moving.
      onRunFinished: (run) => {
        if (!progress.enabled) {
          console.log(`finished m = ${run.m}, trial ${run.trial}: ${run.status} after ${run.stepsRun} steps, ` +
            `‖y−u‖² ${format(run.residualSq[0])} → ${format(run.residualSq[run.residualSq.length - 1])}`);
        }
      },
      signal: controller.signal,
    });
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function printStepSize(result: WidthSweepResult): void {
  const { stepSize, lambda0, lambdaMaxInfinity } = result;
  const s = stepSize.suggestion;
  const limit = optimizerStabilityRule(result.parameters.optimizer); // the optimiser's own limit (DESIGN §7.4)
  const flow = result.flow;
  const how = stepSize.source === 'given'
    ? 'given'
    : flow
      ? `flow rule: ${flow.steps} steps of η to t = ${format(flow.horizon)}, from λ_max = ${format(flow.lambdaMax)}, the largest of H∞'s and every net's H(0)'s`
      : `derived: ${s.fractionOfLimit} × ${limit.replace('λ_max', 'λ_max(H(0))')}, λ_max = ${format(s.lambdaMax)} the largest over all nets`;
  console.log(`step size η = ${format(stepSize.eta)} (${how}); stability limit ${limit} = ${format(s.largestStableEta)}; ` +
    `theory's η = λ0/n² = ${format(s.theoryEta ?? NaN)} (Theorem 4.1)`);
  const K = result.limit.label;
  console.log(`λ0 = λ_min(${K}) = ${format(lambda0)}, λ_max(${K}) = ${format(lambdaMaxInfinity)}`);
  if (flow) {
    console.log(`gradient flow: time axis t = ηk, k = 0..${flow.steps}, up to t = ${format(flow.horizon)}; ` +
      `GD on the linearised model stays within ${format(flow.tolerance)}·‖y − u(0)‖ of the flow (tolerance asked ${format(flow.requestedTolerance)})`);
  }
}

function printSummaries(result: WidthSweepResult): void {
  for (const s of result.summaries) {
    const last = s.residualSq.length - 1;
    const time = result.flow ? ` (t = ${format(result.flow.times[last])})` : '';
    const flowBound = flowBoundAtEnd(result, s.m);
    console.log(`m = ${s.m}: ‖y−u‖² ${format(s.residualSq[0])} → ${format(s.residualSq[last])} in ${last} steps${time} ` +
      (flowBound === undefined ? '' : `(Theorem 3.1's exp(−λ0 t)‖y − u(0)‖²: ${format(flowBound)}) `) +
      `(infinite width: ${format(s.infiniteWidthResidualSq[last])}, rate ${format(s.convergenceRate)}/step); ` +
      `patterns changed ${format(100 * s.patternChangeFraction[last], 3)}%; max ‖w_r − w_r(0)‖ ${format(s.maxWeightDistance[last])} ` +
      `(R' = ${format(s.distanceBound)}); λ_min(H(0)) ${format(s.lambdaMinInitial)}, lowest λ_min(H(k)) ${format(s.lambdaMinLowest)}; ` +
      `‖H(0) − ${result.limit.label}‖₂ ${format(s.deviationFromInfinity)}` +
      (s.test ? `; test RMS vs kernel ${format(s.test.deviationFromKernel)}` : ''));
  }
  for (const r of result.runs.filter((run) => run.divergence)) {
    // train()'s message already names the largest stable η, 2/λ_max(H(0)).
    console.log(`warning: m = ${r.m}, trial ${r.trial} diverged: ${r.divergence!.message}`);
  }
}

/** The mean over a width's trials of Theorem 3.1's bound at the last step, when the sweep followed the flow. */
function flowBoundAtEnd(result: WidthSweepResult, m: number): number | undefined {
  const bounds = result.runs.filter((r) => r.m === m && r.flowBound).map((r) => r.flowBound![r.flowBound!.length - 1]);
  return bounds.length === 0 ? undefined : bounds.reduce((a, b) => a + b, 0) / bounds.length;
}

/** "100 steps", or the flow's horizon and tolerance when --flow chooses the steps. */
function stepsNote(config: { steps?: number; flow?: Figure1Settings['flow'] }): string {
  if (!config.flow) return `${config.steps} steps`;
  return `gradient flow to t = ${config.flow.horizon}${config.flow.tolerance !== undefined ? ` (tolerance ${config.flow.tolerance})` : ''}`;
}

function printChecks(checks: Figure1Check[]): void {
  const decided = checks.filter((c) => c.passed !== null);
  console.log(`checks: ${decided.filter((c) => c.passed).length} of ${decided.length} pass`);
  for (const c of checks) {
    const mark = c.passed === null ? '–' : c.passed ? '✓' : '✗';
    console.log(`  ${mark} ${c.claim} [${c.source}]: ${c.detail}`);
  }
}

/** A data file and the file line of each of its data rows (readDataCsv's fileLines). */
interface DataSource { file: string; fileLines: number[] }

/**
 * The degenerate rows by the data file's own line numbers: the library numbers rows from 0, the
 * user looks for lines in the file (a header, comments and blank lines make the two differ).
 */
function inFileLines(degenerate: InputDiagnostics, source: DataSource): string {
  const line = (row: number) => source.fileLines[row];
  const parts: string[] = [];
  if (degenerate.zeroRows.length > 0) parts.push(`zero rows on lines ${degenerate.zeroRows.map(line).join(', ')}`);
  if (degenerate.parallelPairs.length > 0) {
    parts.push(`parallel pairs on lines ${degenerate.parallelPairs.map((p) => `(${line(p.i)}, ${line(p.j)})`).join(', ')}`);
  }
  return `in ${source.file}: ${parts.join('; ')}`;
}

/**
 * Runs the sweep, prints the warning, step size, summaries and checks, and writes the files;
 * returns the exit code (130 when Ctrl-C stopped the sweep early).
 */
async function runAndWrite(command: 'figure1' | 'train', settings: Figure1Settings | TrainSettings, options: SweepRequest['options'],
  outputs: { charts: boolean; report: boolean }, source?: DataSource): Promise<number> {
  const startedAt = new Date();
  const result = await runWithProgress(options);
  if (result.warning) console.warn(`warning: ${result.warning}${source ? `; ${inFileLines(result.degenerate, source)}` : ''}`);
  printStepSize(result);
  const checks = figure1Checks(result);
  printSummaries(result);
  printChecks(checks);
  const files = await writeSweepOutputs(settings.out, {
    command, settings: { ...settings }, environment: environment(), startedAt: startedAt.toISOString(),
    wallSeconds: (Date.now() - startedAt.getTime()) / 1000, status: result.status, checks, result,
  }, outputs);
  console.log(`wrote ${files.length} files to ${path.resolve(settings.out)}: ${files.join(', ')}`);
  if (result.status === 'aborted') {
    console.log('stopped early: the files cover the runs that finished');
    return stoppedBy === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  }
  const failed = checks.filter((c) => c.passed === false);
  if (command === 'figure1' && failed.length > 0) {
    console.log(`exit ${EXIT.checkFailed}: ${failed.length} check(s) failed: ${failed.map((c) => c.id).join(', ')}`);
    return EXIT.checkFailed;
  }
  return EXIT.ok;
}

/** The parsed settings without `help`; undefined, after printing `usage`, when -h/--help was given. */
function settingsOrUsage<S>({ help, ...settings }: S & { help: boolean }, usage: string): Omit<S, 'help'> | undefined {
  if (!help) return settings;
  console.log(usage);
  return undefined;
}

/** widthSweep's model options from the flags. */
function modelOptions(config: ModelSettings): Pick<SweepRequest['options'], 'activation' | 'negativeSlope' | 'scale' | 'outputScale' | 'widthExponent' | 'outputInit' | 'optimizer'> {
  return {
    ...(config.optimizer !== undefined ? { optimizer: config.optimizer } : {}),
    activation: config.activation, ...(config.negativeSlope !== undefined ? { negativeSlope: config.negativeSlope } : {}),
    scale: config.scale, outputScale: config.outputScale, widthExponent: config.widthExponent, outputInit: config.outputInit,
  };
}

/** The model in words when it is not the paper's (nothing for the paper's). */
function modelNote(config: ModelSettings): string {
  return describeModel(config).map((part) => `, ${part}`).join('');
}

/** The parts of the model that differ from the paper's, in words ('ψ = tanh', 'α = 10', …). */
export function describeModel(config: ModelSettings): string[] {
  const parts: string[] = [];
  if (config.activation !== 'relu') parts.push(`ψ = ${config.activation}${config.negativeSlope !== undefined ? ` (slope ${config.negativeSlope})` : ''}`);
  if (config.scale !== 1) parts.push(`κ = ${config.scale}`);
  if (config.outputScale !== 1) parts.push(`α = ${config.outputScale}`);
  if (config.widthExponent !== 0.5) parts.push(`γ = ${config.widthExponent}`);
  if (config.outputInit !== 'sign') parts.push(`a(0) ${config.outputInit}`);
  const o = config.optimizer;
  if (o && o.kind !== 'gd') {
    parts.push(o.kind === 'sgd' ? `SGD, batch ${o.batchSize}${o.momentum !== undefined ? `, momentum ${o.momentum}` : ''}` : `${o.kind} β = ${o.beta}`);
  }
  return parts;
}

/** `overparam figure1 …`: the paper's experiment with the theory's lines, charts and report. */
export async function figure1Command(argv: string[]): Promise<number> {
  const config = settingsOrUsage(parseFigure1Args(argv), FIGURE1_USAGE);
  if (!config) return EXIT.ok;
  checkOutputDirectory(config.out);
  console.log(`overparam figure1 (preset ${config.preset}): n = ${config.n}, d = ${config.d}, widths ${config.widths.join(', ')}, ` +
    `${stepsNote(config)}, seed ${config.seed}${config.trials > 1 ? `, ${config.trials} trials` : ''}${config.joint ? ', both layers' : ''}${modelNote(config)} → ${config.out}`);
  return runAndWrite('figure1', config, {
    n: config.n, d: config.d, widths: config.widths, steps: config.steps, eta: config.eta, seed: config.seed,
    trials: config.trials, trainOutputLayer: config.joint, testPoints: config.testPoints, gramEvery: config.gramEvery,
    ...(config.modes !== undefined ? { modes: config.modes } : {}), ...modelOptions(config),
    ...(config.certificates ? { certificates: true } : {}),
    ...(config.flow ? { flow: config.flow } : {}),
  }, { charts: true, report: true });
}

/** `overparam train …`: one network, its curves' summary, results.json and the CSVs. */
export async function trainCommand(argv: string[]): Promise<number> {
  const config = settingsOrUsage(parseTrainArgs(argv), TRAIN_USAGE);
  if (!config) return EXIT.ok;
  checkOutputDirectory(config.out);
  const base = {
    widths: [config.m], steps: config.steps, eta: config.eta, seed: config.seed, trainOutputLayer: config.joint, gramEvery: config.gramEvery,
    ...modelOptions(config), ...(config.flow ? { flow: config.flow } : {}),
  };
  let options: SweepRequest['options'];
  let source: DataSource | undefined;
  if (config.data) {
    const { header, fileLines, ...data } = await readDataCsv(config.data);
    source = { file: config.data, fileLines };
    if (header) console.log(`${config.data}:${header.line}: skipped as a header (no numeric field): '${header.text}'`);
    console.log(`overparam train: ${data.X.rows} points in R^${data.X.cols} from ${config.data}, m = ${config.m}, ${stepsNote(config)}${modelNote(config)} → ${config.out}`);
    options = { ...base, data };
  } else {
    console.log(`overparam train: n = ${config.n} points on the unit sphere in R^${config.d}, m = ${config.m}, ${stepsNote(config)}${modelNote(config)} → ${config.out}`);
    options = { ...base, n: config.n, d: config.d };
  }
  return runAndWrite('train', config, options, { charts: false, report: false }, source);
}
