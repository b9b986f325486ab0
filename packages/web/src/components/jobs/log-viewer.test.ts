import type { LogLevel } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../lib/jobs/job-stream';
import { toJsonl, toLogText } from './log-export';
import { followReducer, initialFollow, isAtBottom, newLinesAnnouncement, unseenLines, type FollowState } from './log-follow';
import { countLevels, filterByLevel, firstErrorIndex, mergeLines, recordStatus, type StatusChange } from './log-lines';
import { findMatches, highlightSegments, matchSummary, searchPattern, stepMatch } from './log-search';

const levels: LogLevel[] = ['info', 'info', 'warn', 'info', 'error'];
function makeLines(n: number): LogLine[] {
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    at: new Date(base + i * 1000).toISOString(),
    level: levels[i % levels.length]!,
    message: i % 5 === 4 ? `Step ${i} failed: CUDA out of memory` : `step ${i} loss=${(1 / (i + 1)).toFixed(4)} tokens/s=1234`,
  }));
}

describe('log lines', () => {
  it('merges status changes in by time and keeps row objects stable as lines are appended', () => {
    const logs = makeLines(3);
    const statuses: StatusChange[] = [
      { status: 'running', at: logs[0]!.at },
      { status: 'succeeded', at: '2026-01-01T00:00:01.500Z' },
    ];
    const rows = mergeLines(logs, statuses);
    expect(rows.map((r) => r.kind + ':' + r.message.slice(0, 14))).toEqual([
      'status:Job status: ru',
      'log:step 0 loss=1.',
      'log:step 1 loss=0.',
      'status:Job status: su',
      'log:step 2 loss=0.',
    ]);
    const more = mergeLines([...logs, ...makeLines(4).slice(3)]);
    expect(more[0]).toBe(mergeLines(logs)[0]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('records a status only when it changes; a failed status is an error line', () => {
    let seen: readonly StatusChange[] = [];
    seen = recordStatus(seen, 'running', 'a');
    const same = recordStatus(seen, 'running', 'a');
    expect(same).toBe(seen);
    expect(recordStatus(seen, null, null)).toBe(seen);
    seen = recordStatus(seen, 'failed', 'b');
    expect(seen.map((s) => s.status)).toEqual(['running', 'failed']);
    expect(mergeLines([], seen)[1]!.level).toBe('error');
  });

  it('filters by level, counts levels, finds the first error', () => {
    const rows = mergeLines(makeLines(10));
    expect(filterByLevel(rows, new Set<LogLevel>(['debug', 'info', 'warn', 'error']))).toBe(rows);
    expect(filterByLevel(rows, new Set<LogLevel>(['warn', 'error'])).map((r) => r.level)).toEqual(['warn', 'error', 'warn', 'error']);
    expect(filterByLevel(rows, new Set<LogLevel>())).toEqual([]);
    expect(countLevels(rows)).toEqual({ debug: 0, info: 6, warn: 2, error: 2 });
    expect(firstErrorIndex(rows)).toBe(4);
    expect(firstErrorIndex(filterByLevel(rows, new Set<LogLevel>(['info'])))).toBe(-1);
  });
});

describe('log search', () => {
  it('finds every occurrence, case-insensitively and literally', () => {
    const rows = [{ message: 'Loss went DOWN, loss is low' }, { message: 'nothing' }, { message: 'a.b (loss)' }];
    expect(findMatches(rows, 'LOSS')).toEqual([
      { row: 0, start: 0, end: 4 },
      { row: 0, start: 16, end: 20 },
      { row: 2, start: 5, end: 9 },
    ]);
    expect(findMatches(rows, 'a.b (')).toEqual([{ row: 2, start: 0, end: 5 }]);
    expect(findMatches(rows, '.*')).toEqual([]);
    expect(findMatches(rows, '   ')).toEqual([]);
  });

  it('cuts a message into plain and highlighted parts', () => {
    const segments = highlightSegments('Error: error again', searchPattern('error'));
    expect(segments).toEqual([
      { text: 'Error', start: 0, match: true },
      { text: ': ', start: 5, match: false },
      { text: 'error', start: 7, match: true },
      { text: ' again', start: 12, match: false },
    ]);
    expect(highlightSegments('plain', null)).toEqual([{ text: 'plain', start: 0, match: false }]);
    expect(highlightSegments('', searchPattern('x'))).toEqual([{ text: '', start: 0, match: false }]);
  });

  it('steps through matches, wrapping, and summarises them', () => {
    expect(stepMatch(-1, 3)).toBe(0);
    expect(stepMatch(-1, 3, true)).toBe(2);
    expect(stepMatch(2, 3)).toBe(0);
    expect(stepMatch(0, 3, true)).toBe(2);
    expect(stepMatch(0, 0)).toBe(-1);
    expect(matchSummary(1, 12, true)).toBe('2 of 12 matches');
    expect(matchSummary(-1, 1, true)).toBe('1 match');
    expect(matchSummary(-1, 0, true)).toBe('No matches');
    expect(matchSummary(-1, 0, false)).toBe('');
  });

  it('filters and searches 100,000 lines well under a second', () => {
    const rows = mergeLines(makeLines(100_000), [{ status: 'running', at: '2026-01-01T00:00:00.000Z' }]);
    const started = performance.now();
    const shown = filterByLevel(rows, new Set<LogLevel>(['info', 'error']));
    const matches = findMatches(shown, 'CUDA OUT');
    const common = findMatches(rows, 'loss');
    const elapsed = performance.now() - started;
    expect(shown.length).toBe(80_001);
    expect(matches.length).toBe(20_000);
    expect(common.length).toBe(80_000);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('log export', () => {
  const rows = mergeLines(makeLines(2), [{ status: 'running', at: '2026-01-01T00:00:00.000Z' }]);
  it('writes plain "ISO-time LEVEL message" lines', () => {
    expect(toLogText(rows)).toBe(
      '2026-01-01T00:00:00.000Z INFO Job status: running\n' +
        '2026-01-01T00:00:00.000Z INFO step 0 loss=1.0000 tokens/s=1234\n' +
        '2026-01-01T00:00:01.000Z INFO step 1 loss=0.5000 tokens/s=1234\n',
    );
  });
  it('writes one JSON event per line', () => {
    const events = toJsonl(rows)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(events).toEqual([
      { kind: 'status', at: '2026-01-01T00:00:00.000Z', status: 'running' },
      { kind: 'log', id: 1, at: '2026-01-01T00:00:00.000Z', level: 'info', message: 'step 0 loss=1.0000 tokens/s=1234' },
      { kind: 'log', id: 2, at: '2026-01-01T00:00:01.000Z', level: 'info', message: 'step 1 loss=0.5000 tokens/s=1234' },
    ]);
    expect(toJsonl([])).toBe('');
  });
});

describe('follow state', () => {
  const run = (state: FollowState, ...actions: Parameters<typeof followReducer>[1][]) => actions.reduce(followReducer, state);
  it('follows new lines until the reader scrolls up, then counts what arrives', () => {
    let s = run(initialFollow, { type: 'rows', total: 10 }, { type: 'scroll', scrollTop: 500, atBottom: true });
    expect(s.following).toBe(true);
    s = run(s, { type: 'rows', total: 12 }, { type: 'scroll', scrollTop: 548, atBottom: false });
    expect(s.following).toBe(true); // following scrolls down only: not a pause
    s = run(s, { type: 'scroll', scrollTop: 300, atBottom: false });
    expect(s.following).toBe(false);
    s = run(s, { type: 'rows', total: 20 });
    expect(unseenLines(s)).toBe(8);
    s = run(s, { type: 'scroll', scrollTop: 400, atBottom: false });
    expect(s.following).toBe(false);
    s = run(s, { type: 'resume' });
    expect(s.following).toBe(true);
    expect(unseenLines(s)).toBe(0);
  });
  it('resumes when the reader scrolls back to the bottom; pause and resume are idempotent', () => {
    let s = run(initialFollow, { type: 'rows', total: 5 }, { type: 'pause' }, { type: 'rows', total: 9 });
    expect(unseenLines(s)).toBe(4);
    expect(run(s, { type: 'pause' })).toBe(s);
    s = run(s, { type: 'scroll', scrollTop: 900, atBottom: true });
    expect(s.following).toBe(true);
    expect(run(s, { type: 'resume' })).toBe(s);
    expect(run(s, { type: 'rows', total: 9 })).toBe(s);
  });
  it('stays paused when a scroll up from the bottom is still within the slack', () => {
    // A wheel turned up pauses first; its first scroll event is a few pixels up, still "at the bottom".
    let s = run(initialFollow, { type: 'rows', total: 50 }, { type: 'scroll', scrollTop: 900, atBottom: true }, { type: 'pause' });
    s = run(s, { type: 'scroll', scrollTop: 890, atBottom: true });
    expect(s.following).toBe(false);
    // Scrolling back down to the bottom resumes.
    s = run(s, { type: 'scroll', scrollTop: 900, atBottom: true });
    expect(s.following).toBe(true);
    // While following, the bottom moving up under it (rows measured smaller) is not a pause.
    s = run(s, { type: 'scroll', scrollTop: 880, atBottom: true });
    expect(s.following).toBe(true);
  });
  it('tells the bottom within a small slack', () => {
    expect(isAtBottom({ scrollTop: 580, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isAtBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });
  it('announces new lines briefly, with the errors among them', () => {
    expect(newLinesAnnouncement([])).toBeNull();
    expect(newLinesAnnouncement([{ level: 'info' }])).toBe('1 new line');
    expect(newLinesAnnouncement([{ level: 'info' }, { level: 'error' }, { level: 'error' }])).toBe('3 new lines, 2 errors');
  });
});
