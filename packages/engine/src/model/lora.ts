/**
 * Unmerged LoRA for the decoder graph. PEFT adapts each HF linear separately
 * (y += s · (x·Aᵀ)·Bᵀ, A (r, in), B (out, r)); the graph runs fused linears (q|k|v, gate|up), so
 * the adapters of one fused linear are packed into a single low-rank pair:
 *
 *   A' (K, Σr) = [A_q; A_k; A_v]ᵀ          B' (Σr, N_q + N_k + N_v) block-diagonal, s·B_mᵀ
 *
 * and x·A'·B' equals the per-module deltas side by side (zero where a module has no adapter).
 * A fused linear with no adapted module gets rank 0 (empty tensors), which adds zeros.
 */
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import { FUSED_LINEAR_NAMES, FUSED_LINEARS, GRAPH_NAMES } from './graph.js';
import { linearModule, linearShape } from './weight-names.js';

/**
 * One adapted linear, `y += scaling · (x·Aᵀ)·Bᵀ`: the engine's one LoRA-module type (the graph
 * packs it, the reference merges it, io/peft.ts reads and writes it with its shape spelled out).
 */
export interface LoraModule {
  /** (r, in), row-major. */
  A: Float32Array;
  /** (out, r), row-major. */
  B: Float32Array;
  r: number;
  /** This module's own scaling (PEFT rank_pattern / alpha_pattern); the adapter's when absent. */
  scaling?: number;
}

/** The LoRA weights of one adapter, ready to feed a model unmerged. */
export interface LoraWeights {
  /** alpha / r, or alpha / √r with rsLoRA. */
  scaling: number;
  /** Keyed by module path, e.g. 'model.layers.0.self_attn.q_proj'. */
  modules: Map<string, LoraModule>;
}

/** A packed graph input: data and dims. */
export interface PackedTensor {
  data: Float32Array;
  dims: [number, number];
}

/** Checks module names and shapes against the config; throws ADAPTER_INVALID naming the first problem. */
function validate(config: ModelConfig, adapter: LoraWeights): void {
  const known = new Map<string, [number, number]>();
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const fused of FUSED_LINEAR_NAMES) for (const linear of FUSED_LINEARS[fused]) known.set(linearModule(layer, linear), linearShape(config, linear));
  }
  if (!Number.isFinite(adapter.scaling)) throw new EngineError('ADAPTER_INVALID', `The adapter's scaling is ${adapter.scaling}.`);
  for (const [name, m] of adapter.modules) {
    const shape = known.get(name);
    if (!shape) throw new EngineError('ADAPTER_INVALID', `The adapter targets "${name}", which is not a linear layer of this ${config.numLayers}-layer model.`);
    const [N, K] = shape;
    if (!Number.isInteger(m.r) || m.r <= 0 || m.A.length !== m.r * K || m.B.length !== N * m.r) {
      throw new EngineError('ADAPTER_INVALID', `"${name}": expected A (${m.r}, ${K}) and B (${N}, ${m.r}), got ${m.A.length} and ${m.B.length} values.`);
    }
  }
}

/**
 * The graph inputs (`lora.i.NAME.A` / `.B`) for an adapter, or for none (`adapter` null: every
 * rank 0).
 */
export function packLora(config: ModelConfig, adapter: LoraWeights | null): Map<string, PackedTensor> {
  if (adapter) validate(config, adapter);
  const out = new Map<string, PackedTensor>();
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const fused of FUSED_LINEAR_NAMES) {
      const members = FUSED_LINEARS[fused].map((linear) => ({ shape: linearShape(config, linear), m: adapter?.modules.get(linearModule(layer, linear)) }));
      const K = members[0]!.shape[1];
      const N = members.reduce((n, { shape }) => n + shape[0], 0);
      const R = members.reduce((r, { m }) => r + (m?.r ?? 0), 0);
      const a = new Float32Array(K * R); // (K, R)
      const b = new Float32Array(R * N); // (R, N)
      let r0 = 0;
      let n0 = 0;
      for (const { shape, m } of members) {
        const Nm = shape[0];
        if (m) {
          const s = m.scaling ?? adapter!.scaling;
          for (let r = 0; r < m.r; r++) {
            for (let k = 0; k < K; k++) a[k * R + r0 + r] = m.A[r * K + k] as number;
            for (let n = 0; n < Nm; n++) b[(r0 + r) * N + n0 + n] = s * (m.B[n * m.r + r] as number);
          }
          r0 += m.r;
        }
        n0 += Nm;
      }
      out.set(GRAPH_NAMES.loraA(layer, fused), { data: a, dims: [K, R] });
      out.set(GRAPH_NAMES.loraB(layer, fused), { data: b, dims: [R, N] });
    }
  }
  return out;
}
