import type { ModelConfig } from '../src/io/config.js';
import type { CacheState, CausalLM, TextCodec } from '../src/infer/causal-lm.js';
import type { LoraWeights } from '../src/model/lora.js';
import { testModelConfig } from '../src/model/random-weights.js';

/**
 * A bigram language model for testing generation and scoring logic: the next-token logits are a
 * row of a table chosen by the current token. Real models are tested against the reference elsewhere.
 */
export class TableLM implements CausalLM {
  readonly config: ModelConfig;
  private cache: number[] = [];
  readonly calls: number[][] = [];

  constructor(
    private readonly table: (token: number) => Float32Array,
    vocabSize: number,
    maxPositionEmbeddings = 512,
  ) {
    this.config = testModelConfig({
      hiddenSize: 4,
      intermediateSize: 8,
      numLayers: 1,
      numHeads: 1,
      numKvHeads: 1,
      headDim: 4,
      vocabSize,
      maxPositionEmbeddings,
      rmsNormEps: 1e-6,
      tieWordEmbeddings: true,
      bosTokenId: null,
      eosTokenIds: [],
    });
  }

  get cacheLength(): number {
    return this.cache.length;
  }

  saveCache(): CacheState & { ids: number[] } {
    return { length: this.cache.length, ids: [...this.cache] };
  }

  restoreCache(state: CacheState): void {
    this.cache = [...(state as CacheState & { ids: number[] }).ids];
  }

  async forward(ids: readonly number[], options: { allLogits?: boolean } = {}): Promise<Float32Array> {
    this.calls.push([...ids]);
    if (this.cache.length + ids.length > this.config.maxPositionEmbeddings) throw new Error('past the context window');
    this.cache.push(...ids);
    if (!options.allLogits) return Float32Array.from(this.table(ids[ids.length - 1]!));
    const V = this.config.vocabSize;
    const out = new Float32Array(ids.length * V);
    ids.forEach((id, t) => out.set(this.table(id), t * V));
    return out;
  }

  resetCache(): void {
    this.cache = [];
  }

  loadAdapter(_name: string, _adapter: LoraWeights): void {}
  setActiveAdapter(_name: string | null): void {}
  unloadAdapter(_name: string): void {}
  async dispose(): Promise<void> {}
}

/** A byte-level codec: token i is byte i; decoding is UTF-8, so split characters show as U+FFFD. */
export const bytesCodec: TextCodec = {
  encode: (text) => [...new TextEncoder().encode(text)],
  decode: (ids) => new TextDecoder().decode(Uint8Array.from(ids)),
};

/** Logits that make `text` the greedy continuation, byte after byte, then `end`. */
export function scriptedTable(text: string, end: number, vocabSize = 256): (token: number) => Float32Array {
  const bytes = [...new TextEncoder().encode(text)];
  const next = new Map<number, number>();
  // Each byte must have one successor: tests use texts without repeated bytes, or accept loops.
  bytes.forEach((b, i) => next.set(b, bytes[i + 1] ?? end));
  return (token) => {
    const row = new Float32Array(vocabSize).fill(-5);
    row[next.get(token) ?? bytes[0]!] = 5;
    return row;
  };
}
