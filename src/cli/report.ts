// report.html: one self-contained page with the settings, the checks as a pass/fail table, a
// per-width table and the charts inlined (so the page can be mailed or opened from anywhere).
import { formatNumber } from '../experiments/format.js';
import type { Chart } from './charts.js';
import type { ResultsFile } from './results.js';
import { checksSection, escapeHtml, figuresHtml, filesList, htmlPage, settingsTable } from './html.js';


function num(v: number | undefined, digits = 4): string {
  if (v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return formatNumber(v, digits);
}

/** ψ, κ, α, γ and a(0) in words. */
function modelRow({ result }: ResultsFile): string {
  const p = result.parameters;
  const activation = p.activation ?? 'relu';
  const paper = activation === 'relu' && (p.scale ?? 1) === 1 && (p.outputScale ?? 1) === 1 && (p.widthExponent ?? 0.5) === 0.5 && (p.outputInit ?? 'sign') === 'sign';
  return `f(x) = α·m^(−γ)·Σ_r a_r ψ(w_rᵀx) with ψ = ${activation}${p.negativeSlope !== undefined ? ` (negative slope ${p.negativeSlope})` : ''}, ` +
    `α = ${p.outputScale ?? 1}, γ = ${p.widthExponent ?? 0.5}, w_r(0) ~ N(0, ${p.scale ?? 1}²I), a(0) ${p.outputInit ?? 'sign'}` +
    (paper ? ' (the paper\'s model)' : '');
}

/** The HTML of report.html for a figure1 or train run. */
export function reportHtml(results: ResultsFile, charts: Chart[]): string {
  const { result, checks, environment: env } = results;
  const p = result.parameters;
  const step = result.stepSize;
  const last = (a: number[]) => a[a.length - 1];
  const K = result.limit?.label ?? 'H∞';

  const settingsRows: [string, string][] = [
    ['data', p.data === 'sphere' ? `n = ${p.n} points uniform on the unit sphere in R^${p.d}, labels y_i ~ N(0, 1) (seed ${p.seed})` : `given: n = ${p.n}, d = ${p.d}`],
    ['widths m', p.widths.join(', ')],
    ['GD steps', `${p.steps}${p.trials > 1 ? `, ${p.trials} trials per width (curves averaged)` : ''}`],
    ['layers trained', p.trainOutputLayer ? 'both (W and a)' : 'W only; a fixed ±1 (the paper\'s setting)'],
    ['model', modelRow(results)],
    ['limit kernel of the theory lines', `${K} (activation ${result.limit?.activation ?? 'relu'}, part '${result.limit?.part ?? 'first'}'` +
      `${p.trainOutputLayer ? ': the output layer trains, so its kernel K^a is added' : ''})`],
    ['step size η', `${num(step.eta)} (${step.source === 'given' ? 'given' : step.source === 'flow' ? 'the flow rule (below)' : `derived: ${num(step.suggestion.fractionOfLimit, 2)} × 2/λ_max(H(0)), largest over all nets`}); ` +
      `stability limit 2/λ_max = ${num(step.suggestion.largestStableEta)}; Theorem 4.1's η = λ0/n² = ${num(step.suggestion.theoryEta)}`],
    [`λ0 = λ_min(${K})`, `${num(result.lambda0)} (λ_max(${K}) = ${num(result.lambdaMaxInfinity)})`],
    ...(result.flow ? [['gradient flow', `t = ηk up to t = ${num(result.flow.horizon)} in ${result.flow.steps} steps, η from λ_max = ${num(result.flow.lambdaMax)} ` +
      `(the largest of H∞'s and every net's H(0)'s): GD on the linearised model stays within ${num(result.flow.tolerance)}·‖y − u(0)‖ of the flow ` +
      `(tolerance asked ${num(result.flow.requestedTolerance)})`] as [string, string]] : []),
    ['status', `${results.status}${results.status === 'aborted' ? ' (stopped early: the report covers the runs that finished)' : ''}`],
    ['wall time', `${results.wallSeconds.toFixed(1)} s, started ${results.startedAt}`],
    ['software', `overparam ${env.overparam}, Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel}`],
  ];


  const widthRows = result.summaries.map((s) => `<tr><td>${s.m}</td><td>${num(s.residualSq[0])}</td><td>${num(last(s.residualSq))}</td>` +
    `<td>${num(last(s.infiniteWidthResidualSq))}</td><td>${num(s.convergenceRate)}</td><td>${num(100 * last(s.patternChangeFraction), 3)}%</td>` +
    `<td>${num(last(s.maxWeightDistance))}</td><td>${num(s.distanceBound)}</td><td>${num(s.lambdaMinInitial)}</td><td>${num(s.lambdaMinLowest)}</td>` +
    `<td>${num(s.deviationFromInfinity)}</td><td>${s.test ? num(s.test.deviationFromKernel) : '—'}</td></tr>`).join('\n');

  const divergences = result.runs.filter((r) => r.divergence).map((r) =>
    `<li>m = ${r.m}, trial ${r.trial}: ${escapeHtml(r.divergence!.message)}</li>`);


  return htmlPage(results.command === 'figure1' ? 'overparam: Figure 1 of Du et al. (ICLR 2019), reproduced' : 'overparam: training run', `<h1>${results.command === 'figure1' ? `Gradient descent on over-parameterised two-layer ${escapeHtml(result.parameters.activation ?? 'relu') === 'relu' ? 'ReLU' : escapeHtml(result.parameters.activation)} networks: Figure 1 reproduced` : 'One training run'}</h1>
<p>Du, Zhai, Póczos, Singh, <em>Gradient Descent Provably Optimizes Over-parameterized Neural Networks</em> (ICLR 2019):
the network f(W, a, x) = (1/√m) Σ_r a_r relu(w_rᵀx), trained by gradient descent on ½‖y − u‖², with the theory's predictions
computed for the same runs and drawn dashed.</p>
${result.warning ? `<p class="warning">⚠ ${escapeHtml(result.warning)}</p>` : ''}
${divergences.length > 0 ? `<div class="warning"><p>⚠ Diverged runs:</p><ul>${divergences.join('')}</ul></div>` : ''}
<h2>Settings</h2>
${settingsTable(settingsRows)}
${checksSection(checks)}
<h2>Per width</h2>
<table>
<tr><th>m</th><th>‖y−u(0)‖²</th><th>‖y−u(K)‖²</th><th>infinite width at K</th><th>rate per step</th><th>patterns changed at K</th>
<th>max ‖w_r(K)−w_r(0)‖</th><th>R' (Cor. 4.1)</th><th>λ_min(H(0))</th><th>lowest λ_min(H(k))</th><th>‖H(0)−${escapeHtml(K)}‖₂</th><th>test RMS vs kernel</th></tr>
${widthRows}
</table>
<p>K is the last step; the rate is −ln(‖y−u(K′)‖²/‖y−u(0)‖²)/K′ over the common window K′ = ${result.rateWindow} (above float32 round-off for every width).</p>
<h2>Charts</h2>
${figuresHtml(charts)}
<h2>Files</h2>
${filesList(results.files)}`);
}
