import { describe, expect, it } from 'vitest';
import { paneNames, fileSlug, finishReasonText, formatMs, paneStats, paneStatusText, paneToJson, paneToMarkdown } from './output-format';
import { testPane, testRun } from './test-run';

describe('finishReasonText', () => {
  it('explains each finish reason in words', () => {
    expect(finishReasonText('eos')).toBe('Stopped at the end-of-text token');
    expect(finishReasonText('length')).toBe('Reached max new tokens');
    expect(finishReasonText('stop')).toBe('Stopped at a stop string');
    expect(finishReasonText('aborted')).toBe('Stopped by you');
    expect(finishReasonText(null)).toBeNull();
  });
});

describe('paneStatusText', () => {
  it('says when a pane waits, works and finishes', () => {
    expect(paneStatusText(testPane({ status: 'queued' }))).toBe('Waiting: another reply is being generated');
    expect(paneStatusText(testPane({ status: 'running', text: '' }))).toBe('Reading the prompt…');
    expect(paneStatusText(testPane({ status: 'running', text: 'x' }))).toBe('Generating…');
    expect(paneStatusText(testPane({ status: 'queued', statusText: 'Waiting for 1 reply ahead' }))).toBe('Waiting for 1 reply ahead');
    expect(paneStatusText(testPane({ status: 'running', statusText: 'Loading the model…' }))).toBe('Loading the model…');
    expect(paneStatusText(testPane({ status: 'done', completionTokens: 42 }))).toBe('Done, 42 tokens');
    expect(paneStatusText(testPane({ status: 'stopped', completionTokens: 1 }))).toBe('Stopped by you, 1 token');
  });
});

describe('figures', () => {
  it('formats times and lists the known figures only', () => {
    expect(formatMs(85.2)).toBe('85 ms');
    expect(formatMs(1234.5)).toBe('1.23 s');
    expect(paneStats(testPane({ tokensPerSecond: 12.345, timeToFirstTokenMs: 40 }))).toEqual([
      { label: 'Speed', value: '12.3 tokens/s' },
      { label: 'Time to first token', value: '40 ms' },
    ]);
  });
});

describe('exports', () => {
  const run = testRun({ panes: [testPane({ status: 'done', text: 'Hello **Ada**', finishReason: 'eos', note: 'good' })] });
  it('writes Markdown with the prompt, the output and the note', () => {
    const md = paneToMarkdown(run, run.panes[0]!);
    expect(md).toContain('# Demo model');
    expect(md).toContain('## Prompt\n\nHello {{name}}');
    expect(md).toContain('- name: Ada');
    expect(md).toContain('## Output\n\nHello **Ada**');
    expect(md).toContain('- Finish: Stopped at the end-of-text token');
    expect(md).toContain('## Note\n\ngood');
  });
  it('writes JSON with the run and the pane', () => {
    expect(JSON.parse(paneToJson(run, run.panes[0]!))).toMatchObject({ runId: 'r1', output: { text: 'Hello **Ada**' }, prompt: { mode: 'text' } });
  });
  it('makes file names from labels', () => {
    expect(fileSlug('SmolLM 135M + My adapter!')).toBe('smollm-135m-my-adapter');
    expect(fileSlug('…')).toBe('output');
  });
});

describe('paneNames', () => {
  it('keeps unique labels and numbers repeated ones', () => {
    expect(paneNames([{ label: 'A' }, { label: 'B' }])).toEqual(['A', 'B']);
    expect(paneNames([{ label: 'A' }, { label: 'A' }, { label: 'B' }])).toEqual(['A (pane 1)', 'A (pane 2)', 'B']);
  });
});
