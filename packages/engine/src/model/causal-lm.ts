/**
 * A Llama-layout causal LM on ONNX Runtime (CPU), with a KV cache and unmerged LoRA adapters.
 *
 * Design, from measurements on the 2-core dev machine (AMD EPYC, AVX-512 VNNI; SmolLM-135M
 * shape, random weights; `node --import tsx packages/engine/bench/inference.ts`; details and
 * the kernel trials in packages/engine/bench/README.md):
 *
 * - ONE graph holds the whole decoder (every layer, final norm, lm_head), ONE `session.run` per
 *   forward (prefill or decode step). A run costs ~1.5–4 µs per node and ~3–5 µs per input on
 *   top of the kernels, so per-layer runs and needless nodes/inputs show at decode.
 * - KV cache: past_key/past_value (1, Hkv, S, D) per layer in, present out, kept as the output
 *   tensors and fed back as the next inputs (no copy in). Sharing one max-length buffer
 *   (GroupQueryAttention's past/present share mode) was O(max length) per step through the
 *   Node binding's output handling: slower.
 * - Attention: `com.microsoft.GroupQueryAttention` (rotary, GQA, causal mask, cache append in
 *   one op) when head_dim % 16 == 0, which its CPU kernel needs; else standard ops.
 * - Linears (see linear.ts), per `quant` / `kernels`:
 *   · none: fp32 `Gemm(transB)`, weights as graph inputs (zero-copy, no duplicate for the
 *     LoRA graph). Prefill ≈ 530 tok/s, decode ≈ 24 tok/s: decode streams 540 MB of weights per
 *     token and is memory-bound (~16 GB/s reached). As initializers (ORT-prepacked) decode was
 *     ≈ 35 tok/s, at 2–3× the load memory and a 2 GB protobuf cap; 60 tok/s would need ≥ 32 GB/s.
 *   · nf4 + kernels 'exact': `MatMulBnb4` on bitsandbytes NF4, bit-exact with what QLoRA trains
 *     against; decode ≈ 11 tok/s, prefill ≈ 450 tok/s (MatMulBnb4 at M = 1 is ~8 GFLOP/s).
 *   · nf4 + kernels 'fast' (default): the NF4 weights dequantized and re-quantized to int8
 *     blocks of 64 for `MatMulNBits` (accuracy_level 4: int8 activations, VNNI), initializers so
 *     ORT prepacks them (as inputs MatMulNBits is 10–100× slower); lm_head int8 from the float
 *     head. Prefill ≈ 800–840 tok/s (TTFT ≈ 155 ms for 128 tokens), decode ≈ 83–87 tok/s,
 *     with a rank-16 adapter on every linear ≈ 66 tok/s. Accuracy on stories260K (25 positions):
 *     logits differ from exact NF4 by 0.11 rms, while NF4 itself differs from fp32 by 1.10 rms
 *     (fast vs fp32: 1.10) — ~10% of NF4's own error. int4 (MatMulNBits 4-bit) decodes at ≈ 100
 *     tok/s but differs from NF4 by 1.28 rms (more than NF4's own error): not the default.
 *     Blocks of 64 ran 15–20% faster than 32 (M = 1 and 128).
 * - LoRA: unmerged, as a second graph with (x·A)·B branches fed per adapter (lora.ts); built
 *   when the first adapter is loaded. Rank-0 branches in one shared graph cost ~7 ms per decode
 *   step, so the base graph has none.
 * - Embedding rows are copied in TypeScript; the lm_head runs only on the rows asked for.
 * - Token trees (`forwardTree`, batched log-likelihood scoring): one run of the composed-attention
 *   graph with no past, fed per-token RoPE rows and a tree mask (token-tree.ts). A model whose own
 *   graph is GroupQueryAttention (no mask input) builds the composed variant on first use, from
 *   the same prepared weights: fp32 / nf4 weights are graph inputs and shared with the base graph
 *   (no copy); int8 / int4 ones are initializers, so that session holds its own prepacked copy.
 */
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import { readModelConfig } from '../io/model-folder.js';
import { ModelWeights } from '../io/weights.js';
import type { CacheState, CausalLM } from '../infer/causal-lm.js';
import type { TensorValue } from '../onnx/model.js';
import { ropeInvFreq, ropeTables } from './rope.js';
import { createSession, loadOrt, type OrtModule, type OrtSession, type OrtTensor } from '../runtime/session.js';
import { ATTENTION_INPUTS, attentionKindFor, causalMaskBias, localRopeDiffers, type AttentionKind } from './attention.js';
import { buildDecoderGraph, GRAPH_NAMES } from './graph.js';
import { treeAttentionInputs, treePositions } from './token-tree.js';
import { packLora, type LoraWeights } from './lora.js';
import { prepareDecoderWeights, type LinearKernels } from './prepare.js';
import { embedRows, globalWeightNames, type GetWeight } from './weight-names.js';

/** How to load a model. */
export interface LoadCausalLMOptions {
  /** Weight format: `nf4` (QLoRA's 4-bit base) or `none` (float32). */
  quant: 'nf4' | 'none';
  /** Threads per operator (ORT intra-op); default one per core. */
  threads?: number;
  /** nf4 only: `fast` (default) runs int8 kernels built from the NF4 weights; `exact` runs MatMulBnb4. */
  kernels?: 'fast' | 'exact' | LinearKernels;
  /**
   * Whether adapters can be loaded (default true). The LoRA variant of the graph is built when
   * the first adapter is loaded, so the converted weights are kept until then; false drops them
   * after loading (less memory when no adapter will be used).
   */
  adapters?: boolean;
  /**
   * Whether `forwardTree` (batched scoring) can be used (default true). For a GroupQueryAttention
   * model it runs a second graph built on first use, so the converted weights are kept until then
   * (int8 / int4 ones cost memory; fp32 / nf4 ones are the graph's inputs anyway).
   */
  tree?: boolean;
}

/** Which variant of the decoder graph a session runs. */
export interface GraphVariant {
  attention: AttentionKind;
  lora: boolean;
}

function variantKey(variant: GraphVariant): string {
  return `${variant.attention}${variant.lora ? '+lora' : ''}`;
}

/** The kernels `options` selects. */
export function kernelsFor(options: LoadCausalLMOptions): LinearKernels {
  if (typeof options.kernels === 'object') return options.kernels;
  if (options.quant === 'none') return { layers: 'fp32', lmHead: 'fp32' };
  return options.kernels === 'exact' ? { layers: 'nf4', lmHead: 'fp32' } : { layers: 'int8', lmHead: 'int8' };
}

function tensorOf(ort: OrtModule, t: TensorValue): OrtTensor {
  return new ort.Tensor(t.type as 'float32', t.data as Float32Array, [...t.dims]);
}

/** What `OrtCausalLM.saveCache` returns. */
interface OrtCacheState extends CacheState {
  past: OrtTensor[];
  model: OrtCausalLM;
}

/** A causal LM running one ONNX Runtime session; see the file comment for the design. */
export class OrtCausalLM implements CausalLM {
  private past: OrtTensor[] = [];
  private length = 0;
  private busy = false;
  /** Bumped by resetCache, so a forward that was running then does not write its cache back. */
  private epoch = 0;
  private ropeCapacity = 0;
  private ropeFeeds: Record<string, OrtTensor> = {};
  /** Inverse frequencies of the full layers' RoPE, and of the sliding layers' when it differs. */
  private readonly invFreq: { global: Float32Array; local: Float32Array | null };
  private readonly adapters = new Map<string, Record<string, OrtTensor>>();
  /** Inputs of the active adapter, or null to run the base graph. */
  private activeLora: Record<string, OrtTensor> | null = null;
  /**
   * The feeds object handed to `session.run`, reused across runs: weights and adapter inputs are
   * set once per adapter switch, the per-run inputs overwritten each time (rebuilding a few
   * hundred entries per decode step cost milliseconds).
   */
  private runFeeds: Record<string, OrtTensor> = {};
  private runFeedsLora: Record<string, OrtTensor> | null = null;
  /** Sessions by `variantKey`: the base graph, and the variants built on first use. */
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  /** Variants that may still be asked for and are not built yet; when none are left, `makeSession` (and the weights it holds) goes. */
  private readonly unbuilt = new Set<string>();

  /** @internal use `loadCausalLM`. */
  constructor(
    readonly config: ModelConfig,
    private readonly ort: OrtModule,
    private readonly base: OrtSession,
    private readonly embedTable: Float32Array,
    private readonly weightFeeds: Record<string, OrtTensor>,
    readonly attention: AttentionKind,
    /** Builds another variant of the graph (LoRA inputs, composed attention); each is built once, on first use. */
    private makeSession: ((variant: GraphVariant) => Promise<OrtSession>) | null,
    private readonly uses: { adapters: boolean; tree: boolean } = { adapters: true, tree: true },
  ) {
    this.invFreq = { global: ropeInvFreq(config.headDim, config.rope), local: localRopeDiffers(config) ? ropeInvFreq(config.headDim, config.localRope) : null };
    this.runFeeds = { ...weightFeeds };
    this.sessions.set(variantKey({ attention, lora: false }), Promise.resolve(base));
    const wanted: GraphVariant[] = [];
    if (uses.adapters) wanted.push({ attention, lora: true });
    if (uses.tree) wanted.push({ attention: 'composed', lora: false }, ...(uses.adapters ? [{ attention: 'composed' as const, lora: true }] : []));
    for (const variant of wanted) if (!this.sessions.has(variantKey(variant))) this.unbuilt.add(variantKey(variant));
    if (this.unbuilt.size === 0) this.makeSession = null;
    this.resetCache();
  }

  /** Positions the KV cache holds. */
  get cacheLength(): number {
    return this.length;
  }

  /** Empties the KV cache. A forward still running then leaves the cache empty too. */
  resetCache(): void {
    const { numKvHeads: Hkv, headDim: D, numLayers } = this.config;
    const empty = new this.ort.Tensor('float32', new Float32Array(0), [1, Hkv, 0, D]);
    this.past = Array.from({ length: 2 * numLayers }, () => empty);
    this.length = 0;
    this.epoch++;
  }

  saveCache(): CacheState {
    // The past tensors are ONNX Runtime outputs no run writes into again: keeping them is enough.
    return { length: this.length, past: this.past, model: this } as OrtCacheState;
  }

  restoreCache(state: CacheState): void {
    const saved = state as OrtCacheState;
    if (saved.model !== this) throw new EngineError('INVALID_ARGUMENT', 'restoreCache was given the cache of another model.');
    if (this.busy) throw new EngineError('INVALID_ARGUMENT', 'restoreCache was called while a forward of this model is running; await it first.');
    this.past = saved.past;
    this.length = saved.length;
    this.epoch++;
  }

  /**
   * Feeds `ids` after the cached positions; returns the logits of the last position (V), or of
   * every new position (T, V) with `allLogits`. The cache is only extended when the run succeeds.
   * One forward at a time per model: a second call while one runs is rejected.
   */
  async forward(ids: readonly number[], options: { allLogits?: boolean } = {}): Promise<Float32Array> {
    const T = ids.length;
    if (T === 0) throw new EngineError('INVALID_ARGUMENT', 'forward needs at least one token id.');
    if (this.length + T > this.config.maxPositionEmbeddings) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `${this.length + T} positions exceed this model's max_position_embeddings (${this.config.maxPositionEmbeddings}).`,
      );
    }
    if (this.busy) throw new EngineError('INVALID_ARGUMENT', 'forward was called while another forward of this model is running; await it first.');
    const embeds = this.embed(ids);
    this.busy = true;
    try {
      const lora = this.activeLora;
      const session = lora ? await this.sessionFor({ attention: this.attention, lora: true }) : this.base;
      const epoch = this.epoch;
      const out = await session.run(this.feeds(embeds, T, lora, options.allLogits === true));
      if (epoch === this.epoch) {
        this.past = Array.from({ length: this.config.numLayers }, (_, layer) => [
          out[GRAPH_NAMES.presentKey(layer)],
          out[GRAPH_NAMES.presentValue(layer)],
        ]).flat() as OrtTensor[];
        this.length += T;
      }
      return out[GRAPH_NAMES.logits]!.data as Float32Array;
    } finally {
      this.busy = false;
    }
  }

  /** Embedding rows of `ids` (scaled as the family scales them): (T, C). */
  private embed(ids: readonly number[]): Float32Array {
    return embedRows(this.config, this.embedTable, ids, (id) => {
      throw new EngineError('INVALID_ARGUMENT', `Token id ${id} is outside the vocabulary [0, ${this.config.vocabSize}).`);
    });
  }

  private feeds(embeds: Float32Array, T: number, lora: Record<string, OrtTensor> | null, allLogits: boolean): Record<string, OrtTensor> {
    const rows = allLogits ? Array.from({ length: T }, (_, t) => BigInt(t)) : [BigInt(T - 1)];
    if (this.runFeedsLora !== lora) {
      this.runFeeds = { ...this.weightFeeds, ...lora };
      this.runFeedsLora = lora;
    }
    const feeds = this.runFeeds;
    Object.assign(feeds, this.attentionFeeds(T));
    feeds[GRAPH_NAMES.inputsEmbeds] = new this.ort.Tensor('float32', embeds, [T, this.config.hiddenSize]);
    feeds[GRAPH_NAMES.logitRows] = new this.ort.Tensor('int64', BigInt64Array.from(rows), [rows.length]);
    for (let layer = 0; layer < this.config.numLayers; layer++) {
      feeds[GRAPH_NAMES.pastKey(layer)] = this.past[2 * layer] as OrtTensor;
      feeds[GRAPH_NAMES.pastValue(layer)] = this.past[2 * layer + 1] as OrtTensor;
    }
    return feeds;
  }

  /**
   * Registers an adapter (validated and packed now); replaces one of the same name. The first
   * one also starts building the LoRA variant of the graph (see the file comment).
   */
  loadAdapter(name: string, adapter: LoraWeights): void {
    const tensors = this.loraTensors(adapter);
    void this.sessionFor({ attention: this.attention, lora: true }).catch(() => undefined); // a failed build surfaces on the next forward
    this.adapters.set(name, tensors);
  }

  /** Makes `name` the adapter applied by later forwards, or none with null. The cache is kept. */
  setActiveAdapter(name: string | null): void {
    if (name === null) {
      this.activeLora = null;
      return;
    }
    const tensors = this.adapters.get(name);
    if (!tensors)
      throw new EngineError('INVALID_ARGUMENT', `No adapter named "${name}" is loaded (loaded: ${[...this.adapters.keys()].join(', ') || 'none'}).`);
    this.activeLora = tensors;
  }

  unloadAdapter(name: string): void {
    const tensors = this.adapters.get(name);
    if (tensors && this.activeLora === tensors) this.activeLora = null;
    this.adapters.delete(name);
  }

  async dispose(): Promise<void> {
    this.adapters.clear();
    this.activeLora = null;
    this.makeSession = null;
    this.unbuilt.clear();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of await Promise.allSettled(sessions)) if (session.status === 'fulfilled') await session.value.release();
  }

  /** The session of `variant`, built on first use (a failed build is tried again next time). */
  private sessionFor(variant: GraphVariant): Promise<OrtSession> {
    const key = variantKey(variant);
    const existing = this.sessions.get(key);
    if (existing) return existing;
    const make = this.makeSession;
    if (!make || !this.unbuilt.has(key)) {
      const why = variant.lora ? 'adapters: false' : 'tree: false';
      throw new EngineError('INVALID_ARGUMENT', `This model was loaded with ${why}, or has been disposed.`);
    }
    const session = make(variant);
    this.sessions.set(key, session);
    session.then(
      () => {
        this.unbuilt.delete(key);
        if (this.unbuilt.size === 0) this.makeSession = null; // the closure holds the prepared weights: let them go
      },
      () => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      },
    );
    return session;
  }

  /**
   * Logits (rows.length, V) at `rows` of a token tree: token t is `ids[t]`, following token
   * `parents[t]` (−1: it starts a sequence); positions and the mask follow (token-tree.ts). One
   * run of the composed-attention graph with no past, the active adapter applied; the KV cache is
   * neither read nor changed. One forward at a time per model, as with `forward`.
   */
  async forwardTree(ids: readonly number[], parents: readonly number[], rows: readonly number[]): Promise<Float32Array> {
    const T = ids.length;
    if (T === 0 || parents.length !== T)
      throw new EngineError('INVALID_ARGUMENT', `forwardTree needs one parent per token id (${T} ids, ${parents.length} parents) and at least one token.`);
    if (rows.length === 0 || rows.some((row) => !Number.isInteger(row) || row < 0 || row >= T))
      throw new EngineError('INVALID_ARGUMENT', `forwardTree needs at least one logit row, each in [0, ${T}).`);
    const positions = treePositions(parents);
    const deepest = positions.reduce((a, b) => Math.max(a, b), 0);
    if (deepest >= this.config.maxPositionEmbeddings)
      throw new EngineError('INVALID_ARGUMENT', `${deepest + 1} positions exceed this model's max_position_embeddings (${this.config.maxPositionEmbeddings}).`);
    if (this.busy) throw new EngineError('INVALID_ARGUMENT', 'forwardTree was called while another forward of this model is running; await it first.');
    const embeds = this.embed(ids);
    this.busy = true;
    try {
      const lora = this.activeLora;
      const session = await this.sessionFor({ attention: 'composed', lora: lora !== null });
      const { numKvHeads: Hkv, headDim: D, hiddenSize: C } = this.config;
      const empty = new this.ort.Tensor('float32', new Float32Array(0), [1, Hkv, 0, D]);
      const feeds: Record<string, OrtTensor> = { ...this.weightFeeds, ...lora };
      for (const [name, t] of Object.entries(treeAttentionInputs(this.config, this.invFreq, parents, positions))) feeds[name] = tensorOf(this.ort, t);
      feeds[GRAPH_NAMES.inputsEmbeds] = new this.ort.Tensor('float32', embeds, [T, C]);
      feeds[GRAPH_NAMES.logitRows] = new this.ort.Tensor('int64', BigInt64Array.from(rows, BigInt), [rows.length]);
      for (let layer = 0; layer < this.config.numLayers; layer++) {
        feeds[GRAPH_NAMES.pastKey(layer)] = empty;
        feeds[GRAPH_NAMES.pastValue(layer)] = empty;
      }
      // Fetching only the logits spares the binding the present key/value outputs.
      const out = await session.run(feeds, [GRAPH_NAMES.logits]);
      return out[GRAPH_NAMES.logits]!.data as Float32Array;
    } finally {
      this.busy = false;
    }
  }

  private loraTensors(adapter: LoraWeights | null): Record<string, OrtTensor> {
    const packed = packLora(this.config, adapter);
    return Object.fromEntries([...packed].map(([input, t]) => [input, new this.ort.Tensor('float32', t.data, t.dims)]));
  }

  private attentionFeeds(T: number): Record<string, OrtTensor> {
    const { numHeads: H, numKvHeads: Hkv } = this.config;
    const start = this.length;
    const S = start + T;
    if (this.attention === 'gqa') {
      if (S > this.ropeCapacity) this.growRopeCache(S);
      return {
        ...this.ropeFeeds,
        [ATTENTION_INPUTS.seqlensK]: new this.ort.Tensor('int32', Int32Array.of(S - 1), [1]),
        [ATTENTION_INPUTS.totalLength]: new this.ort.Tensor('int32', Int32Array.of(S), []),
      };
    }
    const group = H / Hkv;
    const feeds = this.ropeTensors(start, T);
    const { layerTypes, slidingWindow } = this.config;
    const mask = (window: number | null): OrtTensor => new this.ort.Tensor('float32', causalMaskBias(T, start, group, window), [group * T, S]);
    if (layerTypes.includes('full')) feeds[ATTENTION_INPUTS.mask] = mask(null);
    if (layerTypes.includes('sliding')) feeds[ATTENTION_INPUTS.maskSliding] = mask(slidingWindow);
    return feeds;
  }

  /** cos/sin (T, D/2) of positions start… for every RoPE the layers use. */
  private ropeTensors(start: number, T: number): Record<string, OrtTensor> {
    const half = this.config.headDim / 2;
    const tables = (invFreq: Float32Array, cos: string, sin: string): Record<string, OrtTensor> => {
      const t = ropeTables(invFreq, start, T);
      return { [cos]: new this.ort.Tensor('float32', t.cos, [T, half]), [sin]: new this.ort.Tensor('float32', t.sin, [T, half]) };
    };
    const local = this.invFreq.local ? tables(this.invFreq.local, ATTENTION_INPUTS.cosLocal, ATTENTION_INPUTS.sinLocal) : {};
    return { ...tables(this.invFreq.global, ATTENTION_INPUTS.cos, ATTENTION_INPUTS.sin), ...local };
  }

  /** GroupQueryAttention reads cos/sin tables by absolute position: keep them ahead of the cache. */
  private growRopeCache(needed: number): void {
    const capacity = Math.min(this.config.maxPositionEmbeddings, Math.max(256, 2 ** Math.ceil(Math.log2(needed))));
    this.ropeFeeds = this.ropeTensors(0, capacity);
    this.ropeCapacity = capacity;
  }
}

/** Where a model's weights come from: an HF folder, or a config with a weight reader. */
export type CausalLMSource = string | { config: ModelConfig; getWeight: GetWeight };

/**
 * Loads a Llama-layout model into ONNX Runtime: reads and converts the weights (see
 * `LoadCausalLMOptions.kernels`), builds the decoder graph and opens its session.
 */
export async function loadCausalLM(source: CausalLMSource, options: LoadCausalLMOptions): Promise<OrtCausalLM> {
  const { config, getWeight: read, close } = typeof source === 'string' ? openFolder(source) : { ...source, close: () => undefined };
  try {
    const ort = await loadOrt();
    const kernels = kernelsFor(options);
    if ((options.quant === 'none') !== (kernels.layers === 'fp32')) {
      throw new EngineError('INVALID_ARGUMENT', `quant '${options.quant}' cannot run ${kernels.layers} layer kernels (none: fp32; nf4: nf4, int8 or int4).`);
    }
    const attention = attentionKindFor(config);
    // Read the embedding table once: JS looks rows up in it, and a tied lm_head is the same array.
    const embedName = globalWeightNames(config).embed;
    const embed = read(embedName);
    const getWeight: GetWeight = (name) => (name === embedName ? embed : read(name));
    const weights = prepareDecoderWeights(config, getWeight, kernels);
    const sessionOptions = options.threads === undefined ? {} : { intraOpNumThreads: options.threads };
    const base = buildDecoderGraph(config, weights, { attention, lora: false });
    const session = await createSession(base.bytes, sessionOptions);
    const feeds = Object.fromEntries([...base.weightFeeds].map(([name, t]) => [name, tensorOf(ort, t)]));
    const makeSession = (variant: GraphVariant): Promise<OrtSession> => createSession(buildDecoderGraph(config, weights, variant).bytes, sessionOptions);
    const uses = { adapters: options.adapters !== false, tree: options.tree !== false };
    return new OrtCausalLM(config, ort, session, embed, feeds, attention, makeSession, uses);
  } finally {
    close();
  }
}

function openFolder(dir: string): { config: ModelConfig; getWeight: GetWeight; close: () => void } {
  const weights = ModelWeights.open(dir);
  return { config: readModelConfig(dir), getWeight: (name) => weights.readFloat32(name), close: () => weights.close() };
}
