import type { JobEvent } from '@qlora-studio/contracts';
import { describe, expect, it } from 'vitest';
import { applyJobEvents, initialJobStreamState, streamLimits } from './job-stream';

const at = '2025-01-01T00:00:00.000Z';
const log = (id: number, message = `line ${id}`): JobEvent => ({ id, jobId: 'j', at, kind: 'log', level: 'info', message });

describe('applyJobEvents', () => {
  it('folds status, progress, logs, metrics, artifacts and the result', () => {
    const events: JobEvent[] = [
      { id: 1, jobId: 'j', at, kind: 'status', status: 'running', error: null },
      { id: 2, jobId: 'j', at, kind: 'progress', step: 1, total: 4, etaSeconds: 3 },
      log(3),
      { id: 4, jobId: 'j', at, kind: 'metric', name: 'gflops', value: 100, step: 1 },
      { id: 5, jobId: 'j', at, kind: 'artifact', artifactKind: 'report', path: 'r.json' },
      { id: 6, jobId: 'j', at, kind: 'result', data: { bestGflops: 100 } },
      { id: 7, jobId: 'j', at, kind: 'status', status: 'succeeded', error: null },
    ];
    const state = applyJobEvents(initialJobStreamState, events);
    expect(state.status).toBe('succeeded');
    expect(state.progress).toMatchObject({ step: 1, total: 4 });
    expect(state.progressSamples).toEqual([{ step: 1, t: Date.parse(at) }]);
    expect(state.logs.map((l) => l.message)).toEqual(['line 3']);
    expect(state.metrics.gflops).toEqual([{ step: 1, value: 100, at }]);
    expect(state.artifacts).toHaveLength(1);
    expect(state.result).toEqual({ data: { bestGflops: 100 } });
    expect(state.lastId).toBe(7);
  });

  it('ignores events it has already applied (a replay after reconnecting)', () => {
    const once = applyJobEvents(initialJobStreamState, [log(1), log(2)]);
    const twice = applyJobEvents(once, [log(1), log(2)]);
    expect(twice).toBe(once);
    expect(applyJobEvents(once, [log(2), log(3)]).logs.map((l) => l.id)).toEqual([1, 2, 3]);
  });

  it('applies out-of-order events in id order', () => {
    const state = applyJobEvents(initialJobStreamState, [log(2), log(1)]);
    expect(state.logs.map((l) => l.id)).toEqual([1, 2]);
  });

  it('keeps a bounded number of log lines and counts what it dropped', () => {
    const many = Array.from({ length: streamLimits.logs + 10 }, (_, i) => log(i + 1));
    const state = applyJobEvents(initialJobStreamState, many);
    expect(state.logs).toHaveLength(streamLimits.logs);
    expect(state.droppedLogs).toBe(10);
    expect(state.logs[0]!.id).toBe(11);
  });

  it('carries the failure reason of a failed job', () => {
    const state = applyJobEvents(initialJobStreamState, [
      { id: 1, jobId: 'j', at, kind: 'status', status: 'failed', error: { message: 'Out of memory', hint: 'Use a smaller batch.' } },
    ]);
    expect(state.error).toEqual({ message: 'Out of memory', hint: 'Use a smaller batch.' });
  });
});
