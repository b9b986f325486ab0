/** The inference pool with stand-in workers: order, bounds, affinity, stop, crashes, idle exit and priority. */
import os from 'node:os';
import { defaultGenerationSettings } from '@qlora-studio/contracts';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { InferencePool, type TaskEvent } from '../src/playground/inference-pool.js';
import { loadedModelKey, type GenerateTask } from '../src/playground/inference-protocol.js';
import { fixture } from './helpers.js';

const pools: InferencePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop()));
});

function makePool(size: number, idleMs?: number, silenceMs?: number): InferencePool {
  const pool = new InferencePool({
    logger: Fastify().log,
    size: () => size,
    workerPath: fixture('echo-inference-worker.ts'),
    ...(idleMs ? { idleMs } : {}),
    ...(silenceMs ? { silenceMs } : {}),
  });
  pools.push(pool);
  return pool;
}

const task = (taskId: string, text: string, modelDir = '/models/a'): GenerateTask => ({
  taskId,
  modelDir,
  quant: 'nf4',
  kernels: 'fast',
  adapterDir: null,
  prompt: { kind: 'text', text },
  settings: defaultGenerationSettings,
});

/** Submit and collect events; resolves with them when the task is done or failed. */
function run(pool: InferencePool, t: GenerateTask, log: string[] = [], owner = 'me'): Promise<TaskEvent[]> {
  return new Promise((resolve) => {
    const events: TaskEvent[] = [];
    pool.submit(t, owner, (event) => {
      events.push(event);
      if (event.type === 'started') log.push(`start ${t.taskId}`);
      if (event.type === 'done' || event.type === 'failed') {
        log.push(`end ${t.taskId}`);
        resolve(events);
      }
    });
  });
}

describe('the inference pool', () => {
  it('runs tasks first come first served, one at a time with one stream allowed', async () => {
    const pool = makePool(1);
    const log: string[] = [];
    const [a, b] = await Promise.all([run(pool, task('a', 'abc'), log), run(pool, task('b', 'de'), log)]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(
      a
        .filter((e) => e.type === 'token')
        .map((e) => (e as { text: string }).text)
        .join(''),
    ).toBe('abc');
    expect(b.at(-1)).toMatchObject({ type: 'done', stats: { text: 'de', finishReason: 'length' } });
  });

  it('runs two at once when two streams are allowed', async () => {
    const pool = makePool(2);
    const held = run(pool, task('a', 'hold'));
    // b finishes while a is still generating: they ran at the same time.
    expect((await run(pool, task('b', 'gh', '/models/b'))).at(-1)).toMatchObject({ type: 'done', stats: { text: 'gh' } });
    pool.abort('a');
    expect((await held).at(-1)).toMatchObject({ type: 'done', stats: { text: 'h', finishReason: 'aborted' } });
  });

  it('starts waiting tasks fairly between callers, and says how many replies are ahead', async () => {
    const pool = makePool(1);
    const log: string[] = [];
    const held = run(pool, task('a1', 'hold'), log, 'alice');
    const waiting = [run(pool, task('a2', 'x'), log, 'alice'), run(pool, task('a3', 'x'), log, 'alice'), run(pool, task('b1', 'x'), log, 'bob')];
    // Positions follow the order they will start in: Bob's is next, behind the one generating.
    expect([pool.position('a2'), pool.position('a3'), pool.position('b1')]).toEqual([2, 3, 1]);
    pool.abort('a1');
    await Promise.all([held, ...waiting]);
    // Alice's reply was generating when Bob's came: Bob goes before Alice's second.
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a1', 'start b1', 'start a2', 'start a3']);
  });

  it('predicts the start order with one place free at a time', async () => {
    const pool = makePool(1);
    const log: string[] = [];
    const held = run(pool, task('a1', 'hold'), log, 'a');
    const waiting = [
      ['b1', 'b'],
      ['c1', 'c'],
      ['b2', 'b'],
      ['c2', 'c'],
      ['d1', 'd'],
    ].map(([id, owner]) => run(pool, task(id!, 'x'), log, owner));
    const positions = ['b1', 'c1', 'b2', 'c2', 'd1'].map((id) => pool.position(id));
    pool.abort('a1');
    await Promise.all([held, ...waiting]);
    const started = log.filter((l) => l.startsWith('start ') && l !== 'start a1').map((l) => l.slice(6));
    expect(started).toEqual(['b1', 'c1', 'b2', 'c2', 'd1']);
    expect(positions).toEqual([1, 2, 3, 4, 5]);
  });

  it('never runs more at once than allowed now, and starts waiting ones once more are allowed again', async () => {
    let size = 2;
    const pool = new InferencePool({ logger: Fastify().log, size: () => size, workerPath: fixture('echo-inference-worker.ts') });
    pools.push(pool);
    const log: string[] = [];
    const until = async (entry: string) => {
      for (let i = 0; i < 500 && !log.includes(entry); i++) await new Promise((r) => setTimeout(r, 10));
      expect(log).toContain(entry);
    };
    const a = run(pool, task('a', 'hold'), log);
    const b = run(pool, task('b', 'hold', '/models/b'), log);
    await until('start a');
    await until('start b');
    size = 1; // a fine-tune started
    const c = run(pool, task('c', 'x'), log);
    pool.abort('a');
    await a;
    await new Promise((r) => setTimeout(r, 300));
    expect(log).not.toContain('start c'); // b still generates, and only one is allowed
    size = 2; // the fine-tune ended
    pool.pump();
    await c;
    expect(log).not.toContain('end b');
    pool.abort('b');
    await b;
  });

  it('drops a waiting task on abort, and stops a running one at its next token', async () => {
    const pool = makePool(1);
    const first = run(pool, task('a', 'x'.repeat(200)));
    const events: TaskEvent[] = [];
    pool.submit(task('b', 'never'), 'me', (e) => events.push(e));
    expect(pool.position('b')).toBe(1); // one reply ahead: a, generating
    expect(pool.abort('b')).toBe(true);
    expect(pool.position('b')).toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.abort('a')).toBe(false); // running: it ends itself
    const done = (await first).at(-1) as Extract<TaskEvent, { type: 'done' }>;
    expect(done.stats.finishReason).toBe('aborted');
    expect(done.stats.text.length).toBeGreaterThan(0);
    expect(done.stats.text.length).toBeLessThan(200);
    expect(events).toEqual([]);
  });

  it('fails the task of a worker that dies, with the reason, and goes on with the next', async () => {
    const pool = makePool(1);
    const [crashed, next] = await Promise.all([run(pool, task('a', 'crash')), run(pool, task('b', 'ok'))]);
    expect(crashed.at(-1)).toMatchObject({ type: 'failed', error: { message: expect.stringMatching(/memory|killed/i) } });
    expect(next.at(-1)).toMatchObject({ type: 'done', stats: { text: 'ok' } });
  });

  it('stops a worker that goes silent, failing its task with the reason, and goes on with the next', async () => {
    const pool = makePool(1, undefined, 5000);
    const [hung, next] = await Promise.all([run(pool, task('a', 'hang')), run(pool, task('b', 'ok'))]);
    expect(hung.at(-1)).toMatchObject({ type: 'failed', error: { message: expect.stringMatching(/no sign of progress/) } });
    expect(next.at(-1)).toMatchObject({ type: 'done', stats: { text: 'ok' } });
  });

  it('starts a worker ahead of the first request, below normal priority, and lets it exit when idle', async () => {
    const pool = makePool(1, 1500);
    pool.warm();
    pool.warm();
    const [pid] = pool.workerPids();
    expect(pool.workerPids()).toHaveLength(1);
    expect(os.getPriority(pid)).toBe(10);
    const events = await run(pool, task('a', 'hi'));
    expect(pool.workerPids()).toEqual([pid]); // the warm worker took it
    expect(events.at(-1)).toMatchObject({ type: 'done' });
    await expect.poll(() => pool.workerPids(), { timeout: 5000 }).toEqual([]);
  });
});

describe('loadedModelKey', () => {
  it('tells NF4 kernels apart (a worker holding the fast model does not answer an exact request), full precision has one', () => {
    const dir = '/models/a';
    expect(loadedModelKey({ quant: 'nf4', kernels: 'fast', modelDir: dir })).not.toBe(loadedModelKey({ quant: 'nf4', kernels: 'exact', modelDir: dir }));
    expect(loadedModelKey({ quant: 'none', kernels: 'fast', modelDir: dir })).toBe(loadedModelKey({ quant: 'none', kernels: 'exact', modelDir: dir }));
  });
});
