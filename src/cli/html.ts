// The pieces every report.html shares: one page shell and style, the settings and checks tables,
// and the inlined charts (each command's report adds its own tables between them).
import type { Chart } from './charts.js';

/** Text made safe for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; font-size: 1.2rem; } h3 { font-size: 1rem; margin: 0 0 .3rem; }
  table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 13px; }
  th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f3f3f3; }
  tr.pass td:first-child { color: #116b2e; font-weight: bold; white-space: nowrap; }
  tr.fail td:first-child { color: #b00020; font-weight: bold; white-space: nowrap; }
  tr.na td:first-child { color: #777; white-space: nowrap; }
  .warning { background: #fff4e5; border: 1px solid #f0b36a; padding: .5rem .8rem; }
  figure { margin: 1.5rem 0; } figure svg { max-width: 100%; height: auto; }
  figcaption { font-size: 13px; color: #444; max-width: 760px; }`;

/** A self-contained page: `title` (text) in the head, `body` (HTML) as is. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A two-column table of named settings. */
export function settingsTable(rows: [string, string][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}</table>`;
}

/** "Checks: p of d pass" and the pass/fail table, a row per check with the numbers behind it. */
export function checksSection(checks: { passed: boolean | null; claim: string; source: string; detail: string }[]): string {
  const decided = checks.filter((c) => c.passed !== null);
  const rows = checks.map((c) => {
    const cls = c.passed === null ? 'na' : c.passed ? 'pass' : 'fail';
    const verdict = c.passed === null ? '— n/a' : c.passed ? '✓ pass' : '✗ fail';
    return `<tr class="${cls}"><td>${verdict}</td><td>${escapeHtml(c.claim)}</td><td>${escapeHtml(c.source)}</td><td>${escapeHtml(c.detail)}</td></tr>`;
  }).join('\n');
  return `<h2>Checks: ${decided.filter((c) => c.passed).length} of ${decided.length} pass</h2>
<table>
<tr><th>verdict</th><th>claim</th><th>source</th><th>measured</th></tr>
${rows}
</table>`;
}

/** The charts inlined, each with its caption and a link to its SVG file. */
export function figuresHtml(charts: Chart[]): string {
  return charts.map((c) => `<figure id="${escapeHtml(c.file)}">${c.svg}` +
    `<figcaption>${escapeHtml(c.caption)} <a href="${escapeHtml(c.file)}">${escapeHtml(c.file)}</a></figcaption></figure>`).join('\n');
}

/** The list of files the command wrote, as links. */
export function filesList(files: string[]): string {
  return `<ul>${files.map((f) => `<li><a href="${escapeHtml(f)}">${escapeHtml(f)}</a></li>`).join('')}</ul>`;
}
