import { describe, expect, it } from 'vitest';
import { applyRunStreamEvents, initialRunStreamState, isRunActive, parseRunStreamEvent, type RunStreamState } from './run-stream';
import { testPane, testRun } from './test-run';

const started: RunStreamState = { ...initialRunStreamState, run: testRun({ panes: [testPane(), testPane({ index: 1, status: 'queued' })] }) };

describe('applyRunStreamEvents', () => {
  it('takes the snapshot as the run', () => {
    const run = testRun();
    expect(applyRunStreamEvents(initialRunStreamState, { type: 'snapshot', run })).toEqual({ run, ended: false, gap: false });
  });

  it('treats a snapshot in which every pane has finished as the end', () => {
    const run = testRun({ panes: [testPane({ status: 'done', text: 'Hi' }), testPane({ index: 1, status: 'failed' })] });
    expect(applyRunStreamEvents(started, { type: 'snapshot', run }).ended).toBe(true);
  });

  it('appends a token whose offset is the pane length', () => {
    const s = applyRunStreamEvents(started, [
      { type: 'token', pane: 0, offset: 0, text: 'Hel' },
      { type: 'token', pane: 0, offset: 3, text: 'lo' },
    ]);
    expect(s.run?.panes[0]?.text).toBe('Hello');
    expect(s.run?.panes[1]?.text).toBe('');
  });

  it('ignores a token it already has and keeps only the new end of one that overlaps', () => {
    let s = applyRunStreamEvents(started, { type: 'token', pane: 0, offset: 0, text: 'Hello' });
    s = applyRunStreamEvents(s, { type: 'token', pane: 0, offset: 0, text: 'Hel' });
    expect(s.run?.panes[0]?.text).toBe('Hello');
    s = applyRunStreamEvents(s, { type: 'token', pane: 0, offset: 3, text: 'lo world' });
    expect(s.run?.panes[0]?.text).toBe('Hello world');
  });

  it('marks a gap when a token starts past the end, ignores tokens until a snapshot', () => {
    let s = applyRunStreamEvents(started, { type: 'token', pane: 0, offset: 5, text: 'late' });
    expect(s.gap).toBe(true);
    expect(s.run?.panes[0]?.text).toBe('');
    s = applyRunStreamEvents(s, { type: 'token', pane: 0, offset: 0, text: 'x' });
    expect(s.run?.panes[0]?.text).toBe('');
    s = applyRunStreamEvents(s, { type: 'snapshot', run: testRun({ panes: [testPane({ text: 'Hello late' })] }) });
    expect(s.gap).toBe(false);
    expect(s.run?.panes[0]?.text).toBe('Hello late');
  });

  it('replaces a generating pane on a pane event but never shortens its text', () => {
    let s = applyRunStreamEvents(started, { type: 'token', pane: 1, offset: 0, text: 'abc' });
    s = applyRunStreamEvents(s, { type: 'pane', pane: testPane({ index: 1, status: 'running', text: 'ab' }) });
    expect(s.run?.panes[1]).toMatchObject({ status: 'running', text: 'abc' });
  });

  it('takes a finished pane as the server sends it, even with shorter text', () => {
    // A stop string may cut text the tokens already showed: the final text is the server's.
    let s = applyRunStreamEvents(started, { type: 'token', pane: 1, offset: 0, text: 'abc###' });
    s = applyRunStreamEvents(s, { type: 'pane', pane: testPane({ index: 1, status: 'done', text: 'abc', finishReason: 'stop', completionTokens: 3 }) });
    expect(s.run?.panes[1]).toMatchObject({ status: 'done', text: 'abc', finishReason: 'stop', completionTokens: 3 });
  });

  it('ends with the final run', () => {
    const final = testRun({ panes: [testPane({ status: 'done', text: 'Hi' })] });
    const s = applyRunStreamEvents(started, { type: 'end', run: final });
    expect(s).toEqual({ run: final, ended: true, gap: false });
    expect(isRunActive(s.run)).toBe(false);
  });

  it('ignores events for another run or an unknown pane', () => {
    expect(applyRunStreamEvents(started, { type: 'snapshot', run: testRun({ id: 'other' }) })).toBe(started);
    expect(applyRunStreamEvents(started, { type: 'token', pane: 3, offset: 0, text: 'x' })).toBe(started);
    expect(applyRunStreamEvents(started, { type: 'pane', pane: testPane({ index: 2 }) })).toBe(started);
  });
});

describe('parseRunStreamEvent', () => {
  it('validates the data of each event', () => {
    expect(parseRunStreamEvent('token', { pane: 0, offset: 2, text: 'a' })).toEqual({ type: 'token', pane: 0, offset: 2, text: 'a' });
    expect(parseRunStreamEvent('token', { pane: 0, offset: -1, text: 'a' })).toBeNull();
    expect(parseRunStreamEvent('snapshot', testRun())).toMatchObject({ type: 'snapshot' });
    expect(parseRunStreamEvent('end', { id: 1 })).toBeNull();
    expect(parseRunStreamEvent('pane', testPane())).toMatchObject({ type: 'pane' });
    expect(parseRunStreamEvent('ready', {})).toBeNull();
  });
});

describe('isRunActive', () => {
  it('is true while a pane is queued or running', () => {
    expect(isRunActive(started.run)).toBe(true);
    expect(isRunActive(null)).toBe(false);
  });
});
