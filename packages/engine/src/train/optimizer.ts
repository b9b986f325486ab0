/**
 * AdamW and SGD over named float32 parameters, following torch.optim's single-tensor CPU path
 * (`_single_tensor_adamw`, `_single_tensor_sgd`) operation by operation. Every element op is
 * rounded to float32 with `Math.fround`, and scalars are computed in float64 and rounded once,
 * as torch does with Python-float hyperparameters, so a run is reproducible bit for bit.
 *
 * Bit-equality with torch itself is not promised: torch's vectorised CPU kernels fuse some
 * multiply-adds (lerp, add with alpha) into FMAs, and Python's `pow` may differ from V8's in
 * the last ulp. Differences are at float32 rounding level.
 *
 * State is exported as `{ header, tensors }`: a JSON-safe header and named Float32Arrays, so a
 * checkpoint can store it (e.g. as safetensors) and resume exactly.
 */
import { EngineError } from '../errors.js';

const f = Math.fround;

/** Named parameters or gradients; a gradient may be missing, and then that parameter is skipped as torch skips `grad is None`. */
export type NamedTensors = ReadonlyMap<string, Float32Array>;

/** torch.optim.AdamW hyperparameters (torch's defaults). */
export interface AdamWOptions {
  kind: 'adamw';
  /** 0.9 */
  beta1: number;
  /** 0.999 */
  beta2: number;
  /** 1e-8 */
  eps: number;
  /** Decoupled: p ← p·(1 − lr·wd) before the Adam update. torch's default 0.01. */
  weightDecay: number;
}

/** torch.optim.SGD hyperparameters. */
export interface SgdOptions {
  kind: 'sgd';
  momentum: number;
  dampening: number;
  /** Coupled, as torch SGD: g ← g + wd·p. */
  weightDecay: number;
  nesterov: boolean;
}

export type OptimizerOptions = AdamWOptions | SgdOptions;

/** JSON-safe part of an optimizer checkpoint. */
export interface OptimizerStateHeader {
  format: 'qlora-studio-optimizer';
  version: 1;
  options: OptimizerOptions;
  /** Per-parameter update count (torch keeps one per parameter too). */
  steps: Record<string, number>;
}

/**
 * Optimizer state for a checkpoint. Tensor names: `{param}.exp_avg`, `{param}.exp_avg_sq`
 * (AdamW) or `{param}.momentum_buffer` (SGD, once created).
 */
export interface OptimizerState {
  header: OptimizerStateHeader;
  tensors: Map<string, Float32Array>;
}

/** torch's defaults, with `overrides` applied and checked. */
export function adamWOptions(overrides: Partial<Omit<AdamWOptions, 'kind'>> = {}): AdamWOptions {
  const o: AdamWOptions = { kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, ...overrides };
  checkRange('beta1', o.beta1, 0, 1, false);
  checkRange('beta2', o.beta2, 0, 1, false);
  checkRange('eps', o.eps, 0, Infinity, true);
  checkRange('weightDecay', o.weightDecay, 0, Infinity, true);
  return o;
}

/** torch's defaults (plain SGD), with `overrides` applied and checked as torch does. */
export function sgdOptions(overrides: Partial<Omit<SgdOptions, 'kind'>> = {}): SgdOptions {
  const o: SgdOptions = { kind: 'sgd', momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...overrides };
  checkRange('momentum', o.momentum, 0, Infinity, true);
  checkRange('dampening', o.dampening, 0, Infinity, true);
  checkRange('weightDecay', o.weightDecay, 0, Infinity, true);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new EngineError('INVALID_ARGUMENT', 'nesterov needs momentum > 0 and dampening 0 (as torch.optim.SGD).');
  }
  return o;
}

function checkRange(name: string, value: number, lo: number, hi: number, hiInclusive: boolean): void {
  const ok = typeof value === 'number' && value >= lo && (hiInclusive ? value <= hi : value < hi);
  if (!ok) throw new EngineError('INVALID_ARGUMENT', `${name} must be in [${lo}, ${hi}${hiInclusive ? ']' : ')'}, not ${JSON.stringify(value)}.`);
}

/** An optimizer that updates parameters in place. */
export class Optimizer {
  readonly options: OptimizerOptions;
  private readonly steps = new Map<string, number>();
  /** exp_avg / exp_avg_sq (AdamW) or momentum_buffer (SGD), keyed `{param}.{slot}`. */
  private readonly slots = new Map<string, Float32Array>();

  constructor(options: OptimizerOptions) {
    this.options = options.kind === 'adamw' ? adamWOptions(options) : sgdOptions(options);
  }

  /**
   * One update at learning rate `lr` (the scheduled value, base lr × multiplier). Parameters
   * are visited in map order; each is independent, so order does not change results.
   */
  step(params: NamedTensors, grads: NamedTensors, lr: number): void {
    checkRange('lr', lr, 0, Infinity, true);
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) continue;
      if (g.length !== p.length) {
        throw new EngineError('INVALID_ARGUMENT', `Gradient of ${name} has ${g.length} elements; the parameter has ${p.length}.`);
      }
      const step = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, step);
      if (this.options.kind === 'adamw') this.adamw(name, p, g, lr, step, this.options);
      else this.sgd(name, p, g, lr, this.options);
    }
  }

  private slot(name: string, length: number): Float32Array {
    let s = this.slots.get(name);
    if (!s) {
      s = new Float32Array(length);
      this.slots.set(name, s);
    } else if (s.length !== length) {
      throw new EngineError('INVALID_ARGUMENT', `Optimizer state ${name} has ${s.length} elements; the parameter has ${length}.`);
    }
    return s;
  }

  // p: (N,), g: (N,), m, v: (N,) — torch `_single_tensor_adamw`, non-amsgrad, non-capturable.
  private adamw(name: string, p: Float32Array, g: Float32Array, lr: number, step: number, o: AdamWOptions): void {
    const m = this.slot(`${name}.exp_avg`, p.length);
    const v = this.slot(`${name}.exp_avg_sq`, p.length);
    const decay = f(1 - lr * o.weightDecay);
    const w1 = f(1 - o.beta1);
    const small = w1 < 0.5; // torch's lerp picks its formula by |weight| < 0.5
    const w1c = f(1 - w1);
    const b2 = f(o.beta2);
    const c2 = f(1 - o.beta2);
    const bc1 = 1 - o.beta1 ** step;
    const bc2Sqrt = f(Math.sqrt(1 - o.beta2 ** step)); // Python's `** 0.5`, correctly rounded
    const negStepSize = f(-(lr / bc1));
    const eps = f(o.eps);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      let pi = o.weightDecay !== 0 ? f(p[i]! * decay) : p[i]!;
      const mi = m[i]!;
      const mNew = small ? f(mi + f(w1 * f(gi - mi))) : f(gi - f(f(gi - mi) * w1c));
      const vNew = f(f(v[i]! * b2) + f(f(c2 * gi) * gi));
      const denom = f(f(f(Math.sqrt(vNew)) / bc2Sqrt) + eps);
      pi = f(pi + f(f(negStepSize * mNew) / denom));
      m[i] = mNew;
      v[i] = vNew;
      p[i] = pi;
    }
  }

  // torch `_single_tensor_sgd`: the first momentum buffer is a copy of the (decayed) gradient.
  private sgd(name: string, p: Float32Array, g: Float32Array, lr: number, o: SgdOptions): void {
    const wd = f(o.weightDecay);
    const negLr = f(-lr);
    const mom = f(o.momentum);
    const keep = f(1 - o.dampening);
    const key = `${name}.momentum_buffer`;
    const existing = this.slots.get(key);
    const buf = o.momentum !== 0 ? this.slot(key, p.length) : undefined;
    for (let i = 0; i < p.length; i++) {
      let gi = o.weightDecay !== 0 ? f(g[i]! + f(wd * p[i]!)) : g[i]!;
      if (buf) {
        const b = existing ? f(f(buf[i]! * mom) + f(keep * gi)) : gi;
        buf[i] = b;
        gi = o.nesterov ? f(gi + f(mom * b)) : b;
      }
      p[i] = f(p[i]! + f(negLr * gi));
    }
  }

  /** A copy of the state (later steps do not change it). */
  state(): OptimizerState {
    const tensors = new Map<string, Float32Array>();
    for (const [key, value] of this.slots) tensors.set(key, value.slice());
    return {
      header: { format: 'qlora-studio-optimizer', version: 1, options: { ...this.options }, steps: Object.fromEntries(this.steps) },
      tensors,
    };
  }

  /** An optimizer that continues exactly as the one whose `state()` this was. Tensors are copied. */
  static fromState(state: OptimizerState): Optimizer {
    const h = state.header as Partial<OptimizerStateHeader> | undefined;
    if (h?.format !== 'qlora-studio-optimizer' || h.version !== 1 || !h.options || !h.steps) {
      throw new EngineError('INVALID_ARGUMENT', 'Optimizer state header is not a qlora-studio-optimizer v1 header.');
    }
    const opt = new Optimizer(h.options);
    const o = opt.options;
    // Slots every stepped parameter must have: SGD's buffer exists only with momentum.
    const slotNames = o.kind === 'adamw' ? ['exp_avg', 'exp_avg_sq'] : o.momentum !== 0 ? ['momentum_buffer'] : [];
    const known = new Set<string>();
    for (const [name, step] of Object.entries(h.steps)) {
      if (!Number.isInteger(step) || step < 1)
        throw new EngineError('INVALID_ARGUMENT', `Optimizer step of ${name} must be a whole number ≥ 1, not ${JSON.stringify(step)}.`);
      opt.steps.set(name, step);
      for (const slot of slotNames) known.add(`${name}.${slot}`);
    }
    for (const [key, value] of state.tensors) {
      if (!known.has(key))
        throw new EngineError('INVALID_ARGUMENT', `Optimizer state tensor ${key} belongs to no stepped parameter of this ${opt.options.kind} optimizer.`);
      opt.slots.set(key, value.slice());
    }
    for (const key of known) {
      if (!opt.slots.has(key)) throw new EngineError('INVALID_ARGUMENT', `Optimizer state lacks tensor ${key}.`);
    }
    return opt;
  }
}
