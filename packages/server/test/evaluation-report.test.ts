/**
 * Comparing models on a benchmark and the reports made from a comparison (#14): deltas with seeded
 * paired bootstrap intervals and verdicts, won / lost classification, and Markdown, HTML, CSV and
 * JSON output (HTML self-contained and escaped, CSV parsing back to the same fields).
 */
import type { EvalResult } from '@qlora-studio/engine';
import { describe, expect, it } from 'vitest';
import { classifyOutcome, compareModels, outcomeCounts, type ComparisonBenchmark, type ModelResult } from '../src/evaluation/compare.js';
import { csvField } from '../src/evaluation/report-format.js';
import { renderReport, reportCsv, reportHtml, reportJson, reportMarkdown, type ReportOptions } from '../src/evaluation/report.js';

const TRICKY = '<script>alert(1)</script> & "quotes"';

/** A multiple-choice result: item i is right where `right(i)`; choices A and B with log-likelihoods. */
function mcResult(n: number, right: (i: number) => boolean): EvalResult {
  const items = Array.from({ length: n }, (_, index) => {
    const correct = right(index);
    return {
      index,
      target: 'A',
      prediction: correct ? 'A' : 'B',
      correct,
      choices: [
        { text: 'A', logprob: correct ? -0.5 : -2 },
        { text: 'B', logprob: correct ? -2 : -0.5 },
      ],
    };
  });
  const accuracy = items.filter((i) => i.correct).length / n;
  return { metrics: { accuracy, accuracy_norm: accuracy }, items };
}

/** 100 items; the base is right on 40 (i % 5 < 2), the tuned model on 70 (i % 10 < 7): clearly better. */
const N = 100;
const benchmark: ComparisonBenchmark = {
  name: 'Tiny "MC" <bench>',
  task: 'multiple-choice',
  version: 2,
  items: Array.from({ length: N }, (_, i) => ({ prompt: i === 0 ? TRICKY : `Question ${i}, with a comma\nand a line`, reference: 'A' })),
};
const base: ModelResult = { label: 'base', quant: 'nf4', kernels: 'fast', settings: { model: 'SmolLM-135M' }, result: mcResult(N, (i) => i % 5 < 2) };
const tuned: ModelResult = {
  label: 'base + adapter step 200',
  quant: 'nf4',
  kernels: 'fast',
  settings: { model: 'SmolLM-135M', adapter: 'runs/a/step-200' },
  result: mcResult(N, (i) => i % 10 < 7),
};
const options: ReportOptions = { generatedAt: '2025-01-01T00:00:00.000Z', versions: { 'QLoRA Studio': '0.1.0' } };

/** A tiny RFC 4180 parser (the server does not depend on papaparse): quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

describe('compareModels', () => {
  const comparison = compareModels(benchmark, [base, tuned], { seed: 7 });
  const accuracy = comparison.metrics.find((m) => m.name === 'accuracy')!;

  it('gives each model its value, and the delta, counts and interval against the base', () => {
    expect(accuracy.values).toEqual([0.4, 0.7]);
    expect(accuracy.perItem).toBe(true);
    const d = accuracy.deltas[0]!;
    expect(d.delta).toBeCloseTo(0.3, 12);
    // Per ten items the base is right on {0,1,5,6} and the tuned model on {0..6}: it wins {2,3,4}, loses none.
    expect(d.bootstrap).toMatchObject({ better: 30, worse: 0, ties: 70, n: 100 });
    expect(d.bootstrap!.low).toBeGreaterThan(0);
    expect(d.verdict).toMatch(/^better on 30 items, worse on 0, same on 70, 95% CI \+\d+\.\d to \+\d+\.\d points$/);
  });

  it('is deterministic for a seed', () => {
    const again = compareModels(benchmark, [base, tuned], { seed: 7 });
    expect(again).toEqual(comparison);
    const other = compareModels(benchmark, [base, tuned], { seed: 8 }).metrics[0]!.deltas[0]!.bootstrap!;
    expect(other.delta).toBe(accuracy.deltas[0]!.bootstrap!.delta);
  });

  it('shows a metric without per-item scores by value only', () => {
    const norm = comparison.metrics.find((m) => m.name === 'accuracy_norm')!;
    expect(norm.perItem).toBe(false);
    expect(norm.deltas[0]!.bootstrap).toBeUndefined();
    expect(norm.deltas[0]!.delta).toBeCloseTo(0.3, 12);
  });

  it('classifies each example against the base', () => {
    expect(classifyOutcome(false, true)).toBe('won');
    expect(classifyOutcome(true, false)).toBe('lost');
    expect(classifyOutcome(true, true)).toBe('both right');
    expect(classifyOutcome(false, false)).toBe('both wrong');
    expect(outcomeCounts(comparison, 1)).toEqual({ won: 30, lost: 0, 'both right': 40, 'both wrong': 30 });
    const row = comparison.examples[2]!;
    expect(row.models[0]).toMatchObject({ label: 'base', correct: false, scores: { accuracy: 0 } });
    expect(row.models[0]!.outcome).toBeUndefined();
    expect(row.models[1]).toMatchObject({ correct: true, outcome: 'won', choices: [{ text: 'A', logprob: -0.5 }, { text: 'B' }] });
  });

  it('scores generation by exact match and token F1, and loss per token with lower better', () => {
    const gen = (predictions: string[]): EvalResult => ({
      metrics: { exact_match: 0, f1: 0 },
      items: predictions.map((prediction, index) => ({
        index,
        target: 'the cat sat',
        prediction,
        correct: prediction === 'the cat sat',
        output: `#### ${prediction}`,
      })),
    });
    const genBench: ComparisonBenchmark = { name: 'g', task: 'generate', items: [0, 1].map(() => ({ prompt: 'p', reference: 'the cat sat' })) };
    const g = compareModels(genBench, [
      { label: 'a', quant: 'nf4', kernels: 'exact', result: gen(['the dog', 'x']) },
      { label: 'b', quant: 'nf4', kernels: 'exact', result: gen(['the cat sat', 'cat']) },
    ]);
    // SQuAD F1 drops "the": a: "dog" vs "cat sat" = 0, "x" = 0; b: 1 and "cat" vs "cat sat" = 2·1·0.5/1.5.
    expect(g.examples.map((r) => r.models[1]!.scores.f1)).toEqual([1, 2 / 3]);
    expect(g.metrics.find((m) => m.name === 'f1')!.deltas[0]!.delta).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(g.examples[0]!.models[1]!.output).toBe('#### the cat sat');

    const loss = (nll: number[]): EvalResult => ({
      metrics: { loss: 0, perplexity: 1 },
      items: nll.map((v, index) => ({ index, target: 'r', prediction: 'r', correct: false, nll: v, tokens: 2 })),
    });
    const lossBench: ComparisonBenchmark = { name: 'l', task: 'loss', items: [0, 1, 2].map(() => ({ prompt: 'p', reference: 'r' })) };
    const l = compareModels(lossBench, [
      { label: 'a', quant: 'nf4', kernels: 'fast', result: loss([4, 4, 4]) },
      { label: 'b', quant: 'nf4', kernels: 'fast', result: loss([2, 2, 6]) },
    ]);
    const item = l.metrics.find((m) => m.name === 'item_loss')!;
    expect(item.values).toEqual([2, 5 / 3]);
    expect(item.lowerIsBetter).toBe(true);
    expect(item.deltas[0]!.bootstrap).toMatchObject({ better: 2, worse: 1, ties: 0 });
    expect(item.deltas[0]!.verdict).toMatch(/nats\/token$/);
  });

  it('rejects results that do not cover the benchmark', () => {
    expect(() => compareModels(benchmark, [base])).toThrow(/at least two/);
    const short = { ...tuned, result: mcResult(N - 1, () => true) };
    expect(() => compareModels(benchmark, [base, short])).toThrow(/99 items/);
  });
});

describe('reports', () => {
  const comparison = compareModels(benchmark, [base, tuned], { seed: 7 });
  const verdict = comparison.metrics[0]!.deltas[0]!.verdict!;

  it('HTML is self-contained, escapes user text and has only the chosen sections', () => {
    const html = reportHtml(comparison, { ...options, sections: ['summary', 'charts', 'examples'] });
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/src=/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(TRICKY);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('Tiny &quot;MC&quot; &lt;bench&gt;');
    expect(html).toContain('id="summary"');
    expect(html).toContain('id="charts"');
    expect(html).toContain('<svg');
    expect(html).toContain('id="examples"');
    expect(html).not.toContain('id="metrics"');
    expect(html).not.toContain('id="settings"');
    expect(html).toContain('@media print');
    expect(html).toContain(verdict);
  });

  it('HTML with only settings shows the quant, kernels and versions and nothing else', () => {
    const html = reportHtml(comparison, { ...options, sections: ['settings'] });
    expect(html).toContain('id="settings"');
    expect(html).toContain('kernels: fast');
    expect(html).toContain('QLoRA Studio: 0.1.0');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('id="summary"');
    expect(html).not.toContain('alert(1)');
  });

  it('Markdown has the verdict lines and escapes user text', () => {
    const md = reportMarkdown(comparison, options);
    expect(md).toContain(verdict);
    expect(md).toContain('## Metrics');
    expect(md).toContain('won 30, lost 0, both right 40, both wrong 30');
    expect(md).not.toContain('<script>');
    const summaryOnly = reportMarkdown(comparison, { ...options, sections: ['summary'] });
    expect(summaryOnly).toContain(verdict);
    expect(summaryOnly).not.toContain('## Examples');
  });

  it('CSV has one row per example and model and parses back to the same fields', () => {
    const rows = parseCsv(reportCsv(comparison));
    const [header, ...body] = rows;
    expect(header).toEqual(['index', 'prompt', 'reference', 'model', 'quant', 'kernels', 'prediction', 'output', 'correct', 'outcome', 'choices', 'accuracy']);
    expect(body).toHaveLength(N * 2);
    expect(body.every((r) => r.length === header!.length)).toBe(true);
    expect(body[0]!.slice(0, 4)).toEqual(['0', TRICKY, 'A', 'base']);
    expect(body[3]!.slice(1, 4)).toEqual(['Question 1, with a comma\nand a line', 'A', 'base + adapter step 200']);
    expect(JSON.parse(body[1]![10]!)).toEqual(comparison.examples[0]!.models[1]!.choices);
    expect(body[5]![9]).toBe('won');
    expect(csvField(' lead')).toBe('" lead"');
    // A spreadsheet must not run a model's output as a formula; numbers stay numbers.
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-0.25)).toBe('-0.25');
  });

  it('JSON holds everything, including settings and versions', () => {
    const json = JSON.parse(reportJson(comparison, { ...options, sections: ['summary'] })) as Record<string, unknown>;
    expect(json).toMatchObject({ generatedAt: options.generatedAt, versions: { 'QLoRA Studio': '0.1.0' }, sections: ['summary'] });
    expect(json.comparison).toEqual(JSON.parse(JSON.stringify(comparison)));
  });

  it('names each format for download', () => {
    expect(renderReport(comparison, 'html', options)).toMatchObject({ filename: 'tiny-mc-bench-report.html', contentType: 'text/html; charset=utf-8' });
    expect(renderReport(comparison, 'csv', options).filename).toBe('tiny-mc-bench-report.csv');
  });
});
