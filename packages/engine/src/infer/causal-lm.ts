import type { ModelConfig } from '../io/config.js';
import type { LoraWeights } from '../model/lora.js';

/**
 * A causal language model with a KV cache: what generation and scoring need, whatever runs it
 * (ONNX Runtime graphs, or the plain TypeScript reference in tests).
 */
export interface CausalLM {
  readonly config: ModelConfig;
  /** Feed tokens after what the cache holds; returns logits (V) of the last position, or (T, V) when `allLogits`. */
  forward(ids: readonly number[], options?: { allLogits?: boolean }): Promise<Float32Array>;
  readonly cacheLength: number;
  resetCache(): void;
  /**
   * The cache as it is now, to come back to with `restoreCache` (e.g. to score several
   * continuations of one prompt with the prompt computed once). Cheap: nothing is copied.
   */
  saveCache(): CacheState;
  /** Puts back a cache `saveCache` returned (of this model); later forwards continue from it. */
  restoreCache(state: CacheState): void;
  /**
   * Optional: logits (rows.length, V) at `rows` of a token tree (several sequences sharing
   * prefixes, in one run; see model/token-tree.ts), the KV cache untouched. Batched scoring
   * (eval/packing.ts) uses it when present and scores item by item otherwise.
   */
  forwardTree?(ids: readonly number[], parents: readonly number[], rows: readonly number[]): Promise<Float32Array>;
  /** Unmerged LoRA: y = x·Wᵀ + scaling·(x·Aᵀ)·Bᵀ on the targeted linears. Several may be loaded; one (or none) is active. */
  loadAdapter(name: string, adapter: LoraWeights): void;
  setActiveAdapter(name: string | null): void;
  /** Forget a loaded adapter and its memory; if it was active, none is. */
  unloadAdapter(name: string): void;
  dispose(): Promise<void>;
}

/** A saved KV cache: opaque, only its length is readable. */
export interface CacheState {
  readonly length: number;
}

/** What generation and scoring need of a tokenizer. */
export interface TextCodec {
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
}
