/**
 * The report generator (issue #14): a comparison as Markdown, a self-contained HTML file (inline
 * CSS and SVG charts, no script and no external request, print styles for PDF), CSV (one row per
 * example and model) and JSON (everything). The user picks the sections of Markdown and HTML;
 * CSV is the per-example table and JSON holds everything whatever the sections.
 *
 * Pure: the time and versions come in with the options, so the same inputs give the same bytes.
 */
import { outcomeCounts, type Comparison, type ExampleModelCell, type MetricComparison } from './compare.js';
import { csvRow, escapeHtml, escapeMarkdown, formatChoices, formatDelta, formatValue, slug } from './report-format.js';
import { comparisonCharts } from './report-svg.js';
import { REPORT_CSS } from './report-style.js';

/** The sections a user can pick, in the order a report shows them. */
export const REPORT_SECTIONS = ['summary', 'metrics', 'charts', 'examples', 'settings'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export const REPORT_FORMATS = ['markdown', 'html', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  /** The sections of Markdown and HTML; default all. */
  sections?: readonly ReportSection[];
  /** The report's title; default "Evaluation: <benchmark>". */
  title?: string;
  /** When the report was made (ISO 8601); given rather than read so output is reproducible. */
  generatedAt: string;
  /** Versions of what computed the results, e.g. { 'QLoRA Studio': '0.1.0' }. */
  versions: Record<string, string>;
}

/** A rendered report, ready to download. */
export interface RenderedReport {
  filename: string;
  contentType: string;
  body: string;
}

/** The sections asked for, in the report's order, defaulting to all. */
function chosen(options: ReportOptions): Set<ReportSection> {
  return new Set(options.sections ?? REPORT_SECTIONS);
}

function titleOf(comparison: Comparison, options: ReportOptions): string {
  return options.title ?? `Evaluation: ${comparison.benchmark.name}`;
}

/** The metrics with per-item scores: the ones with verdicts. */
function verdictMetrics(comparison: Comparison): MetricComparison[] {
  return comparison.metrics.filter((m) => m.perItem);
}

/** "won 20, lost 9, both right 32, both wrong 39" for model i against the base. */
function outcomeLine(comparison: Comparison, modelIndex: number): string {
  const counts = outcomeCounts(comparison, modelIndex);
  return `won ${counts.won}, lost ${counts.lost}, both right ${counts['both right']}, both wrong ${counts['both wrong']}`;
}

/** One summary line per model after the base and per-item metric: "accuracy: 0.41 → 0.52; better on …". */
function summaryLines(comparison: Comparison): { model: string; lines: string[]; outcomes: string }[] {
  return comparison.models.slice(1).map((model, k) => ({
    model: model.label,
    lines: verdictMetrics(comparison).map((metric) => {
      const delta = metric.deltas[k]!;
      return `${metric.name}: ${formatValue(metric.values[0])} → ${formatValue(metric.values[k + 1])}; ${delta.verdict ?? formatDelta(delta, metric)}`;
    }),
    outcomes: outcomeLine(comparison, k + 1),
  }));
}

/** The header cells of the metrics table: the metric, each model's value, each delta. */
function metricsHeader(comparison: Comparison): string[] {
  return ['Metric', ...comparison.models.map((m) => m.label), ...comparison.models.slice(1).map((m) => `Δ ${m.label}`)];
}

/** A metrics-table row as plain strings (escaped by the caller). */
function metricsRow(metric: MetricComparison): string[] {
  const name = metric.lowerIsBetter ? `${metric.name} (lower is better)` : metric.name;
  return [name, ...metric.values.map(formatValue), ...metric.deltas.map((d) => formatDelta(d, metric))];
}

/** The settings of each model, one "key: value" list per model, plus the bootstrap and versions. */
function settingsLines(comparison: Comparison, options: ReportOptions): { heading: string; lines: string[] }[] {
  const b = comparison.bootstrap;
  const models = comparison.models.map((m) => ({
    heading: m.label,
    lines: [
      `quant: ${m.quant}`,
      `kernels: ${m.kernels}`,
      ...Object.entries(m.settings).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`),
    ],
  }));
  const benchmark = comparison.benchmark;
  return [
    {
      heading: 'Benchmark',
      lines: [
        `name: ${benchmark.name}`,
        `task: ${benchmark.task}`,
        ...(benchmark.version !== undefined ? [`version: ${benchmark.version}`] : []),
        `items: ${benchmark.items}`,
      ],
    },
    ...models,
    { heading: 'Bootstrap', lines: [`resamples: ${b.resamples}`, `confidence: ${b.confidence}`, `seed: ${b.seed}`] },
    { heading: 'Versions', lines: [...Object.entries(options.versions).map(([k, v]) => `${k}: ${v}`), `generated: ${options.generatedAt}`] },
  ];
}

/** What one model answered on an example, as one line of text. */
function answerText(cell: ExampleModelCell): string {
  const parts = [cell.prediction];
  if (cell.outcome) parts.push(`(${cell.outcome})`);
  else parts.push(cell.correct ? '(right)' : '(wrong)');
  if (cell.choices) parts.push(`[${formatChoices(cell.choices)}]`);
  return parts.join(' ');
}

// ---------------------------------------------------------------- Markdown

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

/** A tight bullet list (one block, so no blank lines between the items). */
function markdownList(lines: readonly string[]): string {
  return lines.map((l) => `- ${escapeMarkdown(l)}`).join('\n');
}

/** The comparison as Markdown with the chosen sections (charts are HTML only; Markdown says so). */
export function reportMarkdown(comparison: Comparison, options: ReportOptions): string {
  const sections = chosen(options);
  const out: string[] = [`# ${escapeMarkdown(titleOf(comparison, options))}`];
  out.push(
    `${escapeMarkdown(comparison.benchmark.name)} (${comparison.benchmark.task}, ${comparison.benchmark.items} items). Base: ${escapeMarkdown(comparison.models[0]!.label)}.`,
  );
  if (sections.has('summary')) {
    out.push('## Summary');
    for (const s of summaryLines(comparison)) out.push(`### ${escapeMarkdown(s.model)} vs base`, markdownList([...s.lines, `examples: ${s.outcomes}`]));
  }
  if (sections.has('metrics')) out.push('## Metrics', markdownTable(metricsHeader(comparison), comparison.metrics.map(metricsRow)));
  if (sections.has('charts')) out.push('## Charts', 'The charts are in the HTML report.');
  if (sections.has('examples')) {
    const header = ['#', 'Prompt', 'Reference', ...comparison.models.map((m) => m.label)];
    const rows = comparison.examples.map((row) => [String(row.index), row.prompt, row.reference, ...row.models.map(answerText)]);
    out.push('## Examples', markdownTable(header, rows));
  }
  if (sections.has('settings')) {
    out.push('## Settings and versions');
    for (const group of settingsLines(comparison, options)) out.push(`### ${escapeMarkdown(group.heading)}`, markdownList(group.lines));
  }
  return `${out.join('\n\n')}\n`;
}

// ---------------------------------------------------------------- HTML

function htmlTable(header: string[], rows: string[][], className = ''): string {
  const head = `<thead><tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table${className ? ` class="${className}"` : ''}>${head}<tbody>${body}</tbody></table></div>`;
}

function htmlSummary(comparison: Comparison): string {
  const blocks = summaryLines(comparison).map(
    (s) => `<h3>${escapeHtml(s.model)} vs base</h3><ul>${[...s.lines, `examples: ${s.outcomes}`].map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
  );
  return `<section id="summary"><h2>Summary</h2>${blocks.join('')}</section>`;
}

function htmlCharts(comparison: Comparison): string {
  const figures = comparisonCharts(comparison).map(
    (c) =>
      `<figure><figcaption>${escapeHtml(c.metric)}</figcaption>${c.values}${c.deltas ? `<figcaption>Change against the base</figcaption>${c.deltas}` : ''}</figure>`,
  );
  return `<section id="charts"><h2>Charts</h2><div class="charts">${figures.join('')}</div></section>`;
}

/** One model's cell of the examples table: prediction, outcome badge, output and choice scores. */
function htmlAnswer(cell: ExampleModelCell): string {
  const outcome = cell.outcome ?? (cell.correct ? 'right' : 'wrong');
  const parts = [`<div>${escapeHtml(cell.prediction)} <span class="badge ${slug(outcome)}">${escapeHtml(outcome)}</span></div>`];
  if (cell.output !== undefined && cell.output !== cell.prediction) parts.push(`<div class="muted pre">${escapeHtml(cell.output)}</div>`);
  if (cell.choices) parts.push(`<ul class="choices">${cell.choices.map((c) => `<li>${escapeHtml(c.text)}: ${c.logprob.toFixed(2)}</li>`).join('')}</ul>`);
  return parts.join('');
}

function htmlExamples(comparison: Comparison): string {
  const head = ['#', 'Prompt', 'Reference', ...comparison.models.map((m) => m.label)].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = comparison.examples.map((row) => {
    const cells = [escapeHtml(String(row.index)), `<div class="pre">${escapeHtml(row.prompt)}</div>`, escapeHtml(row.reference), ...row.models.map(htmlAnswer)];
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  });
  return `<section id="examples"><h2>Examples</h2><div class="scroll"><table class="examples"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

function htmlSettings(comparison: Comparison, options: ReportOptions): string {
  const groups = settingsLines(comparison, options).map(
    (g) => `<h3>${escapeHtml(g.heading)}</h3><ul>${g.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
  );
  return `<section id="settings"><h2>Settings and versions</h2>${groups.join('')}</section>`;
}

/**
 * The comparison as one self-contained HTML file with the chosen sections: inline CSS (light,
 * dark and print), inline SVG charts, no script and no external reference, every user string escaped.
 */
export function reportHtml(comparison: Comparison, options: ReportOptions): string {
  const sections = chosen(options);
  const title = titleOf(comparison, options);
  const body: string[] = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">${escapeHtml(`${comparison.benchmark.name} (${comparison.benchmark.task}, ${comparison.benchmark.items} items). Base: ${comparison.models[0]!.label}. Generated ${options.generatedAt}.`)}</p>`,
  ];
  if (sections.has('summary')) body.push(htmlSummary(comparison));
  if (sections.has('metrics'))
    body.push(`<section id="metrics"><h2>Metrics</h2>${htmlTable(metricsHeader(comparison), comparison.metrics.map(metricsRow), 'metrics')}</section>`);
  if (sections.has('charts')) body.push(htmlCharts(comparison));
  if (sections.has('examples')) body.push(htmlExamples(comparison));
  if (sections.has('settings')) body.push(htmlSettings(comparison, options));
  return [
    '<!doctype html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head>`,
    `<body><main>${body.join('\n')}</main></body>`,
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- CSV and JSON

/** The names of the per-item scores in the examples, in first-seen order (CSV columns). */
function scoreNames(comparison: Comparison): string[] {
  const names = new Set<string>();
  for (const row of comparison.examples) for (const cell of row.models) for (const name of Object.keys(cell.scores)) names.add(name);
  return [...names];
}

/**
 * One row per example and model (RFC 4180, CRLF line ends): the item, the model and its settings,
 * its answer, whether it was right, its outcome against the base, its choice scores and per-item scores.
 */
export function reportCsv(comparison: Comparison): string {
  const scores = scoreNames(comparison);
  const header = ['index', 'prompt', 'reference', 'model', 'quant', 'kernels', 'prediction', 'output', 'correct', 'outcome', 'choices', ...scores];
  const lines = [csvRow(header)];
  for (const row of comparison.examples) {
    row.models.forEach((cell, m) => {
      const model = comparison.models[m]!;
      const choices = cell.choices ? JSON.stringify(cell.choices) : '';
      lines.push(
        csvRow([
          row.index,
          row.prompt,
          row.reference,
          model.label,
          model.quant,
          model.kernels,
          cell.prediction,
          cell.output,
          cell.correct,
          cell.outcome ?? 'base',
          choices,
          ...scores.map((s) => cell.scores[s]),
        ]),
      );
    });
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Everything: the comparison (values, intervals, verdicts, examples, settings) with the versions and time. */
export function reportJson(comparison: Comparison, options: ReportOptions): string {
  const report = {
    kind: 'qlora-studio-evaluation-report',
    formatVersion: 1,
    title: titleOf(comparison, options),
    generatedAt: options.generatedAt,
    versions: options.versions,
    sections: [...chosen(options)],
    comparison,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A report in one format, with a file name and content type to download it by. */
export function renderReport(comparison: Comparison, format: ReportFormat, options: ReportOptions): RenderedReport {
  const base = `${slug(comparison.benchmark.name)}-report`;
  switch (format) {
    case 'markdown':
      return { filename: `${base}.md`, contentType: 'text/markdown; charset=utf-8', body: reportMarkdown(comparison, options) };
    case 'html':
      return { filename: `${base}.html`, contentType: 'text/html; charset=utf-8', body: reportHtml(comparison, options) };
    case 'csv':
      return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: reportCsv(comparison) };
    case 'json':
      return { filename: `${base}.json`, contentType: 'application/json; charset=utf-8', body: reportJson(comparison, options) };
  }
}
