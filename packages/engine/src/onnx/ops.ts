/**
 * Small helpers over a GraphBuilder for graphs written by hand (the training block and head
 * graphs, the inference graph): constants made once per value, one-line elementwise / matmul /
 * shape ops, and the emitters several graphs share (RMSNorm with its rstd, RoPE rotation,
 * tanh-GELU, soft-capping). Each emitter is the ONNX form of a reference op in reference/.
 */
import type { GraphBuilder, NodeOptions } from './graph-builder.js';
import { attr, makeTensor, type AttrValue } from './model.js';

/** Options of `Ops.op`: a node's domain / name, and its output's name. */
export type OpOptions = Omit<NodeOptions, 'outputs'> & { output?: string };

/** int64 / float constants made once per value, and one-line ops over a GraphBuilder. */
export class Ops {
  private readonly consts = new Map<string, string>();
  constructor(readonly g: GraphBuilder) {}

  /** An int64 (n) constant. */
  ints(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.consts.get(key);
    if (!name)
      this.consts.set(
        key,
        (name = this.g.initializer(`const.i64.${this.consts.size}`, makeTensor('int64', [values.length], BigInt64Array.from(values.map(BigInt))))),
      );
    return name;
  }

  /** An int64 scalar (shape []) constant. */
  scalarInt(value: number): string {
    const key = `i64s:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.g.initializer(`const.i64s.${this.consts.size}`, makeTensor('int64', [], BigInt64Array.of(BigInt(value))))));
    return name;
  }

  /** A float32 scalar (shape []) constant. */
  float(value: number): string {
    const key = `f32:${value}`;
    let name = this.consts.get(key);
    if (!name) this.consts.set(key, (name = this.g.initializer(`const.f32.${this.consts.size}`, makeTensor('float32', [], Float32Array.of(value)))));
    return name;
  }

  op(type: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, options: OpOptions = {}): string {
    return this.g.op(type, inputs, attrs, options);
  }
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm: attr.ints(perm) });
  }
  reshape(x: string, dims: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(dims)]);
  }
  /** Sum over `axes`, kept as size-1 dims. */
  sum(x: string, axes: readonly number[]): string {
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims: attr.int(1) });
  }
  mean(x: string, axes: readonly number[]): string {
    return this.op('ReduceMean', [x, this.ints(axes)], { keepdims: attr.int(1) });
  }
  /** a · bᵀ for 2-D a, b. */
  matmulBt(a: string, b: string): string {
    return this.op('Gemm', [a, b], { transB: attr.int(1) });
  }
  /** aᵀ · b for 2-D a, b. */
  matmulAt(a: string, b: string): string {
    return this.op('Gemm', [a, b], { transA: attr.int(1) });
  }
}

/**
 * RMSNorm over the last axis: y = x·rstd·w, rstd = 1/√(mean(x²) + eps) (…, 1). `w` is the
 * effective weight (Gemma's 1 + w already added by the caller). Returns y and rstd (the
 * backward's input).
 */
export function rmsNorm(o: Ops, x: string, w: string, eps: number): { y: string; rstd: string } {
  const ms = o.mean(o.mul(x, x), [-1]);
  const rstd = o.op('Reciprocal', [o.op('Sqrt', [o.add(ms, o.float(eps))])]);
  return { y: o.mul(o.mul(x, rstd), w), rstd };
}

/** RMSNorm's dx = rstd·(g − x̂·mean(g·x̂)), g = dy·w, x̂ = x·rstd (over the last axis). */
export function rmsNormBackward(o: Ops, dy: string, x: string, w: string, rstd: string): string {
  const gw = o.mul(dy, w);
  const xhat = o.mul(x, rstd);
  return o.mul(o.sub(gw, o.mul(xhat, o.mean(o.mul(gw, xhat), [-1]))), rstd);
}

/**
 * Rotates the last axis (D) of x by cos/sin (broadcastable to (…, D/2)), rotate-half layout:
 * [x1, x2] → [x1·cos − x2·sin, x2·cos + x1·sin]. `sign` −1 rotates back (the transpose, which
 * is the backward of the rotation).
 */
export function ropeRotate(o: Ops, x: string, cos: string, sin: string, headDim: number, sign: 1 | -1 = 1): string {
  const half = headDim / 2;
  const axis = o.ints([-1]);
  const x1 = o.op('Slice', [x, o.ints([0]), o.ints([half]), axis]);
  const x2 = o.op('Slice', [x, o.ints([half]), o.ints([headDim]), axis]);
  const r1 = sign === 1 ? o.sub(o.mul(x1, cos), o.mul(x2, sin)) : o.add(o.mul(x1, cos), o.mul(x2, sin));
  const r2 = sign === 1 ? o.add(o.mul(x2, cos), o.mul(x1, sin)) : o.sub(o.mul(x2, cos), o.mul(x1, sin));
  return o.op('Concat', [r1, r2], { axis: attr.int(-1) });
}

/** √(2/π), the tanh-GELU constant. */
export const GELU_TANH_C = Math.sqrt(2 / Math.PI);

/**
 * tanh-GELU (PyTorch approximate='tanh'): 0.5·x·(1 + t), t = tanh(c·(x + 0.044715·x³)).
 * Returns the value and t (the derivative reads it).
 */
export function geluTanh(o: Ops, x: string): { y: string; t: string } {
  const inner = o.mul(o.float(GELU_TANH_C), o.add(x, o.mul(o.float(0.044715), o.mul(x, o.mul(x, x)))));
  const t = o.op('Tanh', [inner]);
  return { y: o.mul(o.mul(o.float(0.5), x), o.add(o.float(1), t)), t };
}

/** Soft-capping: cap·tanh(x / cap). Returns the value and t = tanh(x / cap). */
export function softcap(o: Ops, x: string, cap: number): { y: string; t: string } {
  const t = o.op('Tanh', [o.mul(x, o.float(1 / cap))]);
  return { y: o.mul(t, o.float(cap)), t };
}
