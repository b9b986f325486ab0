import { describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.js';
import { clipGradNorm, globalGradNorm, GradAccumulator } from '../src/train/clip.js';
import { adamWOptions, Optimizer, sgdOptions, type OptimizerState } from '../src/train/optimizer.js';
import { lrMultiplier, lrSchedule, scheduledLr, warmupStepsFor } from '../src/train/schedule.js';
import { randomUniform, seededRng } from '../src/util/random.js';

const f = Math.fround;
const one = (name: string, values: number[]): Map<string, Float32Array> => new Map([[name, new Float32Array(values)]]);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('AdamW (torch.optim.AdamW)', () => {
  it('takes the hand-computed first two steps', () => {
    // lr 0.1, wd 0.01, β 0.9/0.999, eps 1e-8, p0 = 1.
    // Step 1, g = 0.5: p ← 1·(1 − 0.001) = 0.999; m = 0.05, v = 0.00025;
    //   m̂ = 0.05/0.1 = 0.5, √v̂ = √(0.00025/0.001) = 0.5; p ← 0.999 − 0.1·0.5/(0.5 + 1e-8) ≈ 0.899.
    // Step 2, g = −0.25: p ← 0.899·0.999 = 0.898101; m = 0.045 − 0.025 = 0.02;
    //   v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225; bc1 = 0.19, bc2 = 0.001999;
    //   m̂ = 0.1052632, √v̂ = √0.1562031 = 0.3952254; p ← 0.898101 − 0.1·0.1052632/0.3952254 = 0.8714673.
    const params = one('w', [1]);
    const opt = new Optimizer(adamWOptions({ weightDecay: 0.01 }));
    opt.step(params, one('w', [0.5]), 0.1);
    expect(params.get('w')![0]).toBeCloseTo(0.899, 6);
    const state = opt.state();
    expect(state.tensors.get('w.exp_avg')![0]).toBeCloseTo(0.05, 8);
    expect(state.tensors.get('w.exp_avg_sq')![0]).toBeCloseTo(0.00025, 10);
    opt.step(params, one('w', [-0.25]), 0.1);
    expect(params.get('w')![0]).toBeCloseTo(0.8714673, 6);
    expect(opt.state().header.steps).toEqual({ w: 2 });
  });

  it('moves every element by about lr on the first step, whatever the gradient size', () => {
    const params = one('w', [1, 1, 1]);
    new Optimizer(adamWOptions({ weightDecay: 0 })).step(params, one('w', [0.5, 1000, -1e-3]), 0.01);
    expect(Array.from(params.get('w')!)).toEqual([f(0.99), f(0.99), f(1.01)].map((x) => expect.closeTo(x, 6)));
  });

  it('decays weights decoupled from the gradient, scaled by lr', () => {
    // g = 0 leaves m = v = 0, so only p·(1 − lr·wd) acts: 2·(1 − 0.1·0.5) = 1.9.
    const params = one('w', [2, -4]);
    const opt = new Optimizer(adamWOptions({ weightDecay: 0.5 }));
    opt.step(params, one('w', [0, 0]), 0.1);
    expect(Array.from(params.get('w')!)).toEqual([f(2 * f(0.95)), f(-4 * f(0.95))]);
    opt.step(params, one('w', [0, 0]), 0); // lr 0: no decay either
    expect(Array.from(params.get('w')!)).toEqual([f(2 * f(0.95)), f(-4 * f(0.95))]);
  });

  it('skips parameters without a gradient and keeps their step count', () => {
    const params = new Map([
      ['a', new Float32Array([1])],
      ['b', new Float32Array([1])],
    ]);
    const opt = new Optimizer(adamWOptions());
    opt.step(params, one('a', [1]), 0.1);
    expect(params.get('b')![0]).toBe(1);
    expect(opt.state().header.steps).toEqual({ a: 1 });
  });

  it('refuses bad hyperparameters and mismatched gradients', () => {
    expect(codeOf(() => adamWOptions({ beta1: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => adamWOptions({ eps: -1 }))).toBe('INVALID_ARGUMENT');
    expect(() => new Optimizer(adamWOptions()).step(one('w', [1, 2]), one('w', [1]), 0.1)).toThrow(/has 1 elements; the parameter has 2/);
  });
});

describe('SGD (torch.optim.SGD)', () => {
  it('takes the hand-computed steps with momentum and coupled weight decay', () => {
    // lr 0.1, momentum 0.9, wd 0.1, p0 = 1, g = 0.5 twice.
    // Step 1: g' = 0.5 + 0.1·1 = 0.6; buf = g' = 0.6; p = 1 − 0.06 = 0.94.
    // Step 2: g' = 0.5 + 0.094 = 0.594; buf = 0.9·0.6 + 0.594 = 1.134; p = 0.94 − 0.1134 = 0.8266.
    const params = one('w', [1]);
    const opt = new Optimizer(sgdOptions({ momentum: 0.9, weightDecay: 0.1 }));
    opt.step(params, one('w', [0.5]), 0.1);
    expect(params.get('w')![0]).toBeCloseTo(0.94, 6);
    opt.step(params, one('w', [0.5]), 0.1);
    expect(params.get('w')![0]).toBeCloseTo(0.8266, 6);
    expect(opt.state().tensors.get('w.momentum_buffer')![0]).toBeCloseTo(1.134, 6);
  });

  it('looks ahead with nesterov and is plain p − lr·g without momentum', () => {
    // Nesterov step 1: buf = 0.5; g'' = 0.5 + 0.9·0.5 = 0.95; p = 1 − 0.095 = 0.905.
    const p1 = one('w', [1]);
    new Optimizer(sgdOptions({ momentum: 0.9, nesterov: true })).step(p1, one('w', [0.5]), 0.1);
    expect(p1.get('w')![0]).toBeCloseTo(0.905, 6);
    const p2 = one('w', [1]);
    new Optimizer(sgdOptions()).step(p2, one('w', [0.5]), 0.1);
    expect(p2.get('w')![0]).toBe(f(1 + f(f(-0.1) * 0.5)));
    expect(codeOf(() => sgdOptions({ nesterov: true }))).toBe('INVALID_ARGUMENT');
  });
});

describe('optimizer state', () => {
  const shapes = { a: 37, b: 5 };
  function run(options: ReturnType<typeof adamWOptions> | ReturnType<typeof sgdOptions>, steps: number, resumeAt?: number): Float32Array[] {
    const rng = seededRng(7);
    const params = new Map(Object.entries(shapes).map(([k, n]) => [k, randomUniform(n, rng)]));
    let opt = new Optimizer(options);
    for (let s = 0; s < steps; s++) {
      if (s === resumeAt) {
        // Round-trip the state through JSON and fresh buffers, as a checkpoint would.
        const saved = opt.state();
        const header = JSON.parse(JSON.stringify(saved.header)) as OptimizerState['header'];
        const tensors = new Map([...saved.tensors].map(([k, v]) => [k, new Float32Array(Array.from(v))]));
        opt = Optimizer.fromState({ header, tensors });
      }
      const grads = new Map(Object.entries(shapes).map(([k, n]) => [k, randomUniform(n, rng, -2, 2)]));
      opt.step(params, grads, 1e-2 * (1 + s));
    }
    return [...params.values()];
  }

  it.each([
    ['adamw', adamWOptions({ weightDecay: 0.1 })],
    ['sgd', sgdOptions({ momentum: 0.9, weightDecay: 0.01, nesterov: true })],
  ] as const)('%s: save, load and continue equals an uninterrupted run, bit for bit', (_, options) => {
    const straight = run(options, 6);
    expect(run(options, 6)).toEqual(straight);
    expect(run(options, 6, 3)).toEqual(straight);
    expect(run(options, 6, 1)).toEqual(straight);
  });

  it('is a copy, not a view', () => {
    const params = one('w', [1]);
    const opt = new Optimizer(adamWOptions());
    opt.step(params, one('w', [1]), 0.1);
    const saved = opt.state();
    opt.step(params, one('w', [1]), 0.1);
    expect(saved.header.steps.w).toBe(1);
    expect(saved.tensors.get('w.exp_avg')![0]).toBe(f(0.1));
  });

  it('refuses a damaged state', () => {
    const opt = new Optimizer(adamWOptions());
    opt.step(one('w', [1]), one('w', [1]), 0.1);
    const { header, tensors } = opt.state();
    tensors.delete('w.exp_avg_sq');
    expect(() => Optimizer.fromState({ header, tensors })).toThrow(/lacks tensor w.exp_avg_sq/);
    expect(() => Optimizer.fromState({ header: { ...header, version: 2 as 1 }, tensors })).toThrow(EngineError);
    const extra = new Map([...opt.state().tensors, ['x.exp_avg', new Float32Array(1)]]);
    expect(() => Optimizer.fromState({ header, tensors: extra })).toThrow(/x.exp_avg belongs to no stepped parameter/);
  });
});

describe('LR schedules (transformers optimization.py)', () => {
  it('constant with warmup: 0 at step 0, linear rise, 1 from the end of warmup', () => {
    const s = lrSchedule('constant', 4, 10);
    expect([0, 1, 2, 3, 4, 9, 50].map((k) => lrMultiplier(s, k))).toEqual([0, 0.25, 0.5, 0.75, 1, 1, 1]);
    expect(lrMultiplier(lrSchedule('constant', 0, 1), 0)).toBe(1);
  });

  it('linear: warmup, then down to 0 at totalSteps and clamped after', () => {
    const s = lrSchedule('linear', 2, 10);
    // after warmup: (10 − k) / (10 − 2)
    expect([0, 1, 2, 3, 6, 9, 10, 11].map((k) => lrMultiplier(s, k))).toEqual([0, 0.5, 1, 7 / 8, 4 / 8, 1 / 8, 0, 0]);
    expect(lrMultiplier(lrSchedule('linear', 0, 4), 0)).toBe(1);
  });

  it('cosine: half a cosine from 1 to 0, 0 at the end and beyond', () => {
    const s = lrSchedule('cosine', 2, 10);
    expect(lrMultiplier(s, 1)).toBe(0.5);
    expect(lrMultiplier(s, 2)).toBe(1);
    // progress (6 − 2)/8 = 0.5 → 0.5·(1 + cos(π/2)) = 0.5
    expect(lrMultiplier(s, 6)).toBeCloseTo(0.5, 15);
    // progress 0.25 → 0.5·(1 + cos(π/4)) = 0.853553…
    expect(lrMultiplier(s, 4)).toBeCloseTo(0.5 * (1 + Math.SQRT1_2), 15);
    expect(lrMultiplier(s, 10)).toBe(0);
    // progress 1.25: cos(1.25π) < 0, yet the multiplier rises again (HF does not clamp the step)
    expect(lrMultiplier(s, 12)).toBeCloseTo(0.5 * (1 - Math.SQRT1_2), 15);
  });

  it('scales the base lr, derives warmup from a ratio as HF, and refuses bad schedules', () => {
    expect(scheduledLr(2e-4, lrSchedule('linear', 0, 4), 1)).toBe(2e-4 * 0.75);
    expect(warmupStepsFor(100, 0.03)).toBe(3);
    expect(warmupStepsFor(10, 0.05)).toBe(1); // ⌈0.5⌉
    expect(warmupStepsFor(10, 0.5, 7)).toBe(7);
    expect(codeOf(() => lrSchedule('cosine', -1, 10))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => lrSchedule('cosine', 0, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => lrSchedule('step' as 'cosine', 0, 10))).toBe('INVALID_ARGUMENT');
  });
});

describe('gradient clipping (clip_grad_norm_)', () => {
  it('computes the global norm over all tensors', () => {
    expect(globalGradNorm([new Float32Array([3]), new Float32Array([4, 0])])).toBe(5);
  });

  it('scales by maxNorm/(norm + 1e-6) above maxNorm and returns the norm before clipping', () => {
    const a = new Float32Array([3]);
    const b = new Float32Array([4, 0]);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    const coef = f(1 / f(5 + f(1e-6)));
    expect([a[0], b[0], b[1]]).toEqual([f(3 * coef), f(4 * coef), 0]);
    expect(globalGradNorm([a, b])).toBeCloseTo(1, 6);
  });

  it('leaves gradients alone below maxNorm and when maxNorm is 0', () => {
    const a = new Float32Array([3, 4]);
    expect(clipGradNorm([a], 10)).toBe(5);
    expect(clipGradNorm([a], 0)).toBe(5);
    expect(Array.from(a)).toEqual([3, 4]);
    expect(codeOf(() => clipGradNorm([a], -1))).toBe('INVALID_ARGUMENT');
  });
});

describe('gradient accumulation', () => {
  it('averages over trained tokens, not micro-batches (HF ≥ 4.46)', () => {
    // Summed-loss grads 6 (3 tokens) and 2 (1 token): mean over 4 tokens = 2, not (2 + 2)/2.
    const acc = new GradAccumulator();
    acc.add(one('w', [6, 0]), 3);
    acc.add(one('w', [2, 4]), 1);
    expect([acc.tokens, acc.microBatches]).toEqual([4, 2]);
    expect(Array.from(acc.finish().get('w')!)).toEqual([2, 1]);
    expect([acc.tokens, acc.microBatches]).toEqual([0, 0]);
  });

  it('gives zero gradients when no token was trained, and refuses mismatched shapes', () => {
    const acc = new GradAccumulator();
    acc.add(one('w', [1]), 0);
    expect(Array.from(acc.finish().get('w')!)).toEqual([0]);
    acc.add(one('w', [1]), 1);
    expect(() => acc.add(one('w', [1, 2]), 1)).toThrow(/earlier micro-batches had 1/);
  });
});
