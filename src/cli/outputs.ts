// What the CLI writes: results.json (every number, the settings and the versions), one CSV per
// curve, the SVG charts, and report.html.
import { initialGramDeviationBound, initialGramFloor, trainingGramFloor, type WidthSweepResult } from '../experiments/index.js';
import { sweepCharts, type Chart } from './charts.js';
import { toCsv } from './csv.js';
import { reportHtml } from './report.js';
import { certificateCharts, proofSectionHtml } from './proofReport.js';
import type { ResultsFile } from './results.js';
import { writeOutputFiles } from './files.js';

/** The CSV files of a sweep: one per curve, long format (one row per width, trial and step). */
function sweepCsvs(result: WidthSweepResult): { file: string; text: string }[] {
  const { runs, lambda0 } = result;
  const files = [
    {
      file: 'training-error.csv',
      // With --flow: the flow time t = ηk and Theorem 3.1's exp(−λ0 t)‖y − u(0)‖² beside each step.
      text: result.flow
        ? toCsv(['m', 'trial', 'step', 'flow_time', 'residual_sq', 'infinite_width_residual_sq', 'theorem41_bound', 'theorem31_flow_bound'],
          runs.flatMap((r) => r.residualSq.map((v, k) => [r.m, r.trial, k, result.flow!.times[k], v, r.theory.infiniteWidthResidualSq[k],
            r.theory.convergenceBound[k], r.flowBound?.[k] ?? NaN])))
        : toCsv(['m', 'trial', 'step', 'residual_sq', 'infinite_width_residual_sq', 'theorem41_bound'],
          runs.flatMap((r) => r.residualSq.map((v, k) => [r.m, r.trial, k, v, r.theory.infiniteWidthResidualSq[k], r.theory.convergenceBound[k]]))),
    },
    {
      file: 'pattern-changes.csv',
      text: toCsv(['m', 'trial', 'step', 'pattern_change_fraction'],
        runs.flatMap((r) => r.patternChangeFraction.map((v, k) => [r.m, r.trial, k, v]))),
    },
    {
      file: 'weight-distance.csv',
      text: toCsv(['m', 'trial', 'step', 'max_weight_distance', 'corollary41_bound'],
        runs.flatMap((r) => r.maxWeightDistance.map((v, k) => [r.m, r.trial, k, v, r.theory.distanceBound]))),
    },
    {
      file: 'gram-lambda-min.csv',
      text: toCsv(['m', 'trial', 'step', 'lambda_min_gram', 'lambda0', 'three_quarters_lambda0', 'half_lambda0'],
        runs.flatMap((r) => r.lambdaMinGram.step.map((k, i) => [r.m, r.trial, k, r.lambdaMinGram.value[i], lambda0, initialGramFloor(lambda0), trainingGramFloor(lambda0)]))),
    },
    {
      file: 'gram-deviation.csv',
      text: toCsv(['m', 'trial', 'gram_deviation', 'lambda_min_initial', 'lambda_max_initial', 'lambda_min_final', 'quarter_lambda0'],
        runs.map((r) => [r.m, r.trial, r.initial.deviationFromInfinity, r.initial.lambdaMin, r.initial.lambdaMax, r.lambdaMinFinal, initialGramDeviationBound(lambda0)])),
    },
  ];
  if (runs.some((r) => r.modes)) {
    files.push({
      file: 'modes.csv',
      text: toCsv(['m', 'trial', 'mode', 'eigenvalue', 'step', 'projection', 'kernel_regime_projection'],
        runs.flatMap((r) => (r.modes ? r.modes.modes.flatMap((mode, j) => r.modes!.steps.map((k, s) =>
          [r.m, r.trial, mode, r.modes!.eigenvalues[j], k, r.modes!.measured[j][s], r.modes!.predicted[j][k]])) : []))),
    });
  }
  if (runs.some((r) => r.test)) {
    files.push({
      file: 'kernel-prediction.csv',
      text: toCsv(['m', 'trial', 'deviation_from_kernel', 'kernel_movement', 'deviation_from_ntk_predictor'],
        runs.filter((r) => r.test).map((r) => [r.m, r.trial, r.test!.deviationFromKernel, r.test!.kernelMovement, r.test!.deviationFromNtkPredictor])),
    });
  }
  return files;
}

/** The report with "The proof, step by step" before </body> when the sweep recorded certificates. */
function withProofSection(html: string, cert: NonNullable<WidthSweepResult['certificates']>['certificates'] | undefined, charts: Chart[]): string {
  return cert ? html.replace('</body>', `${proofSectionHtml(cert, charts)}\n</body>`) : html;
}

/**
 * Writes results.json, the CSVs, the SVG charts and report.html into `dir` (created if needed);
 * returns the file names written.
 */
export async function writeSweepOutputs(dir: string, payload: Omit<ResultsFile, 'files'>,
  options: { charts?: boolean; report?: boolean } = {}): Promise<string[]> {
  const { charts: drawCharts = true, report = true } = options;
  const charts: Chart[] = drawCharts ? sweepCharts(payload.result) : [];
  // figure1 --certificates: the proof's charts and the section "The proof, step by step" (issue 14 §2).
  const cert = payload.result.certificates?.certificates;
  const proofCharts: Chart[] = cert && drawCharts ? certificateCharts(cert) : [];
  return writeOutputFiles(dir, {
    csvs: sweepCsvs(payload.result),
    charts: [...charts, ...proofCharts],
    ...(report ? { report: (files: string[]) => withProofSection(reportHtml({ ...payload, files }, charts), cert, proofCharts) } : {}),
    results: (files) => ({ ...payload, files }),
  });
}
