/**
 * Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_) and gradient
 * accumulation over micro-batches.
 */
import { EngineError } from '../errors.js';

const f = Math.fround;

/**
 * The L2 norm over all gradients together. Squares are summed in float64 (torch sums per
 * tensor in float32, then takes the norm of the norms), so this is the more accurate value;
 * it is the same on every run because the sum visits tensors in map order.
 */
export function globalGradNorm(grads: Iterable<Float32Array>): number {
  let sum = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sum += g[i]! * g[i]!;
  return Math.sqrt(sum);
}

/**
 * Scale all gradients in place so their global norm is at most `maxNorm`, as
 * clip_grad_norm_: coef = maxNorm / (norm + 1e-6) in float32 (torch's norm is a float32
 * tensor), applied only when coef < 1. `maxNorm` 0 disables clipping, as HF Trainer's
 * `max_grad_norm` does. A non-finite norm is returned and, as torch without
 * `error_if_nonfinite`, the gradients are scaled by the resulting coef (0 or NaN): the caller
 * should check the returned norm and skip the update.
 *
 * @returns the norm before clipping (float64).
 */
export function clipGradNorm(grads: Iterable<Float32Array>, maxNorm: number): number {
  if (!(maxNorm >= 0)) throw new EngineError('INVALID_ARGUMENT', `maxGradNorm must be ≥ 0 (0 disables clipping), not ${JSON.stringify(maxNorm)}.`);
  const list = [...grads];
  const norm = globalGradNorm(list);
  if (maxNorm === 0) return norm;
  const coef = f(f(maxNorm) / f(f(norm) + f(1e-6)));
  if (!(coef < 1) && !Number.isNaN(coef)) return norm;
  for (const g of list) for (let i = 0; i < g.length; i++) g[i] = f(g[i]! * coef);
  return norm;
}

/**
 * Sums micro-batch gradients and normalises by trained tokens, matching HF Trainer's default
 * for causal LMs since transformers 4.46: the loss of each micro-batch is the *sum* of its
 * token losses divided by `num_items_in_batch`, the trained-token count of the whole
 * accumulated batch. The result is the mean over all trained tokens of the optimizer step, so
 * a micro-batch with more tokens weighs more, and the gradient equals that of one big batch.
 * (Dividing each micro-batch mean by the number of micro-batches, the pre-4.46 behaviour,
 * over-weights short micro-batches.)
 *
 * `add` takes gradients of the micro-batch's summed token loss (not its mean) and its trained
 * token count. Sums are kept in float64 and rounded to float32 once, in `finish`; their buffers
 * are zeroed and reused from one optimizer step to the next (tens of MB at the 135M shape).
 */
export class GradAccumulator {
  private readonly sums = new Map<string, Float64Array>();
  /** Names added since the last `finish` (reused buffers of others are not part of this step). */
  private readonly added = new Set<string>();
  private tokenCount = 0;
  private microBatchCount = 0;

  /** Add one micro-batch: `grads` of its summed token loss, `tokens` trained tokens in it. */
  add(grads: ReadonlyMap<string, Float32Array>, tokens: number): void {
    if (!Number.isInteger(tokens) || tokens < 0)
      throw new EngineError('INVALID_ARGUMENT', `Trained-token count must be a whole number ≥ 0, not ${JSON.stringify(tokens)}.`);
    for (const [name, g] of grads) {
      let sum = this.sums.get(name);
      if (!sum) {
        sum = new Float64Array(g.length);
        this.sums.set(name, sum);
      } else if (sum.length !== g.length) {
        throw new EngineError('INVALID_ARGUMENT', `Gradient of ${name} has ${g.length} elements; earlier micro-batches had ${sum.length}.`);
      }
      for (let i = 0; i < g.length; i++) sum[i]! += g[i]!;
      this.added.add(name);
    }
    this.tokenCount += tokens;
    this.microBatchCount++;
  }

  /** Trained tokens added since the last `finish`. */
  get tokens(): number {
    return this.tokenCount;
  }

  /** Micro-batches added since the last `finish`. */
  get microBatches(): number {
    return this.microBatchCount;
  }

  /**
   * The mean-over-tokens gradients, and a reset for the next optimizer step. With no trained
   * tokens (every label masked) the gradients are zero, as HF's loss is then 0.
   */
  finish(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    const n = this.tokenCount;
    for (const name of this.added) {
      const sum = this.sums.get(name)!;
      const g = new Float32Array(sum.length);
      if (n > 0) for (let i = 0; i < sum.length; i++) g[i] = sum[i]! / n;
      out.set(name, g);
      sum.fill(0);
    }
    this.added.clear();
    this.tokenCount = 0;
    this.microBatchCount = 0;
    return out;
  }
}
