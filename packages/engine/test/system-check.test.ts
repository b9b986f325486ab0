import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemCheckMetricNames, systemCheckResultSchema, type LogLevel } from '@qlora-studio/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobProgress, JobReporter } from '../src/jobs/reporter.js';
import { checkEngine } from '../src/system/engine-availability.js';
import { runSystemCheck } from '../src/system/system-check.js';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'qlora-engine-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** A reporter that keeps everything it is told. */
function recorder() {
  const events = {
    progress: [] as JobProgress[],
    metrics: [] as { name: string; value: number; step: number }[],
    logs: [] as { level: LogLevel; message: string }[],
  };
  const report: JobReporter = {
    progress: (p) => events.progress.push(p),
    metric: (name, value, step) => events.metrics.push({ name, value, step }),
    log: (level, message) => events.logs.push({ level, message }),
    artifact: () => {
      throw new Error('the system check writes no artifacts');
    },
  };
  return { events, report };
}

describe('runSystemCheck', () => {
  it('reports the machine and a MatMul benchmark that validate against the contract', async () => {
    const { events, report } = recorder();
    const config = { benchmarkSeconds: 0.2, matrixSize: 128 };
    const result = await runSystemCheck(config, { workspace, signal: new AbortController().signal, report });

    expect(() => systemCheckResultSchema.parse(result)).not.toThrow();
    expect(result.node).toBe(process.versions.node);
    expect(result.onnxruntime).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.cpuCores).toBe(os.availableParallelism());
    expect(result.diskTotalBytes).toBeGreaterThan(0);
    expect(result.diskFreeBytes).toBeLessThanOrEqual(result.diskTotalBytes);
    expect(result.workspace).toBe(workspace);

    const threads = result.matmul.map((m) => m.threads);
    expect(threads).toEqual([...new Set([1, os.availableParallelism()])]);
    for (const m of result.matmul) {
      expect([m.m, m.n, m.k]).toEqual([128, 128, 128]);
      expect(m.runs).toBeGreaterThanOrEqual(1);
      expect(m.seconds).toBeGreaterThanOrEqual(0.2);
      expect(m.gflops).toBeCloseTo((2 * 128 ** 3 * m.runs) / m.seconds / 1e9, 6);
      expect(m.gflops).toBeGreaterThan(0);
    }
    expect(result.bestGflops).toBe(Math.max(...result.matmul.map((m) => m.gflops)));

    const last = events.progress.at(-1);
    expect(last).toMatchObject({ step: last?.total, etaSeconds: 0 });
    const steps = events.progress.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(events.progress.every((p) => Number.isInteger(p.step) && (p.etaSeconds === null || p.etaSeconds >= 0))).toBe(true);

    const metricNames = events.metrics.map((m) => m.name);
    expect(metricNames).toContain(systemCheckMetricNames.oneThread);
    expect(metricNames).toContain(systemCheckMetricNames.allThreads);
    expect(events.metrics.every((m) => m.value > 0)).toBe(true);
    expect(events.logs.some((l) => /matches the reference/.test(l.message))).toBe(true);
    expect(events.logs.some((l) => /GFLOP\/s/.test(l.message))).toBe(true);
  });

  it('rejects with an AbortError at once when the signal is already aborted', async () => {
    const { events, report } = recorder();
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    const run = runSystemCheck({ benchmarkSeconds: 30, matrixSize: 1024 }, { workspace, signal: controller.signal, report });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(500);
    expect(events.metrics).toEqual([]);
  });

  it('stops a running benchmark soon after the signal is aborted', async () => {
    const controller = new AbortController();
    const { report } = recorder();
    const reporter: JobReporter = {
      ...report,
      progress: (p) => {
        if (p.message?.startsWith('Timing')) controller.abort();
      },
    };
    const started = performance.now();
    const run = runSystemCheck({ benchmarkSeconds: 10, matrixSize: 128 }, { workspace, signal: controller.signal, report: reporter });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('checkEngine', () => {
  it('runs a tiny model and caches the answer', async () => {
    const first = await checkEngine();
    expect(first).toMatchObject({ ok: true, onnxruntime: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(await checkEngine()).toBe(first);
  });
});
