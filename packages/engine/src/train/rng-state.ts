/**
 * A Mulberry32 generator whose state can be saved and restored, so a checkpoint can resume
 * dropout masks and data shuffles exactly where they stopped. It yields the same sequence as
 * `seededRng` in `util/random.ts` (which hides its state in a closure and cannot be saved).
 */
import { EngineError } from '../errors.js';

/** Mulberry32 with an inspectable 32-bit state. */
export class Mulberry32 {
  private s: number;

  /** `seed` is taken modulo 2³², as `seededRng` does. */
  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A uniform float in [0, 1), with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** 32 uniform random bits as an unsigned integer (the value `next` divides by 2³²). */
  nextUint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The whole state: one unsigned 32-bit integer, safe in JSON. */
  get state(): number {
    return this.s;
  }

  /** A generator that continues exactly where the one that reported `state` was. */
  static fromState(state: number): Mulberry32 {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new EngineError('INVALID_ARGUMENT', `RNG state must be an unsigned 32-bit integer, not ${JSON.stringify(state)}.`);
    }
    return new Mulberry32(state);
  }
}
