/**
 * One whole-model (Q)LoRA training step on ONNX Runtime, for a batch of B sequences of T
 * positions (flattened to N = B·T rows; packed examples and padding kept apart by segment ids):
 *
 *   embedding rows → block forward per layer → head backward on the TRAINED rows only, in
 *   chunks of rows (loss_sum, tokens, dh) → block backward in reverse order (dy = the dx of the block above)
 *   → LoRA dA, dB per module.
 *
 * Activations: when the saved activations of the whole batch fit `activationBudgetBytes`, the
 * forward keeps them and the backward reads them; otherwise each block keeps only its input and
 * the backward recomputes its forward (per-block checkpointing). Same results either way.
 *
 * Families (model/architecture.ts): embedding rows are scaled by `embeddingScale`; norms are
 * fed as their effective weights (`readLayerNorm` / `readFinalNorm`); each layer gets the RoPE
 * tables of its own RoPE (`ropeOf`: sliding layers may rotate with another base); the block
 * graphs carry the rest (activation, q/k and sandwich norms, attention scale and soft-cap,
 * sliding window) and the head the final logit soft-cap.
 *
 * One block graph pair serves every layer with the same set of adapted linears and the same
 * attention window (full, or sliding) (weights are graph inputs). Frozen weights are loaded once: fp32 for method 'lora'; for 'qlora' NF4
 * (packed + absmax, quantized here with `quantizeNf4`), which the forward multiplies by with
 * MatMulBnb4 and the backward as float32 values dequantized in JS into one reused buffer set
 * (one layer's worth, ~5 ms a layer at the 135M shape; ORT's Node binding runs a session on
 * the calling thread, so this cannot overlap a run). Norms, embeddings and the lm_head stay
 * fp32 in both methods.
 *
 * LoRA dropout (p > 0): keep-masks are drawn per layer and linear from `dropoutSeed` (seeded,
 * so a step is reproducible and a resumed run draws the same masks), redrawn identically for
 * the backward instead of being stored. Evaluation runs without dropout.
 *
 * Gradients returned by `step` are those of the SUMMED token loss (`lossSum`), with the
 * trained-token count, as `GradAccumulator.add` expects; `applyUpdate` then divides by the
 * tokens of the whole optimizer step, clips and steps the optimizer, updating the adapter's
 * A / B Float32Arrays in place (they are re-fed as they are at the next step).
 *
 * Not here: per-module rank / scaling differences, o/mlp biases.
 */
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import type { LoraAdapter } from '../io/peft.js';
import { ropeOf, windowOf, type RopeSpec } from '../model/architecture.js';
import {
  embedRows,
  globalWeightNames,
  layerNorms,
  linearModule,
  LAYER_LINEARS,
  readFinalNorm,
  readLayerNorm,
  type LayerLinear,
  type LayerNorm,
} from '../model/weight-names.js';
import { dequantizeNf4, dequantizeNf4Into, quantizeNf4, type Nf4Tensor } from '../quant/index.js';
import { ropeInvFreq, ropeTables } from '../model/rope.js';
import { createSession, loadOrt, type OrtModule, type OrtSession, type OrtTensor } from '../runtime/session.js';
import { Mulberry32 } from './rng-state.js';
import {
  BLOCK_NAMES,
  blockLinearShape,
  buildBlockBackwardGraph,
  buildBlockForwardGraph,
  FROZEN_GROUPS,
  frozenGroupShape,
  savedBytesPerRow,
  savedInputs,
  type BlockGraphSpec,
  type FrozenGroup,
} from './block-graphs.js';
import { clipGradNorm, type GradAccumulator } from './clip.js';
import { buildHeadBackwardGraph, buildHeadForwardGraph, HEAD_NAMES } from './head-graph.js';
import { IGNORE_INDEX } from './labels.js';
import type { Optimizer } from './optimizer.js';

/** 'lora': fp32 frozen linears; 'qlora': NF4 frozen linears. */
export type TrainMethod = 'lora' | 'qlora';

/** Default `headChunkRows`: bounds the (rows, V) logits and their gradient (25 MB each at a 49k vocabulary). */
export const DEFAULT_HEAD_CHUNK_ROWS = 128;

/** Default `activationBudgetBytes`: keeps activations for batch 1 × 256 of a 135M model (~270 MB). */
export const DEFAULT_ACTIVATION_BUDGET_BYTES = 512 * 2 ** 20;

/** Options of `LoraTrainer.create`. */
export interface LoraTrainerOptions {
  config: ModelConfig;
  /** A frozen base tensor by Hugging Face name, float32. Read once, at `create`. */
  getWeight: (name: string) => Float32Array;
  /** The adapter trained; its A / B arrays are fed as they are and updated in place. */
  adapter: LoraAdapter;
  method: TrainMethod;
  /** NF4 block size for 'qlora' (default 64). */
  nf4BlockSize?: number;
  /** LoRA dropout probability p, 0 ≤ p < 1 (default 0). */
  dropout?: number;
  /** Most bytes a batch's saved activations may take before blocks recompute instead (0: always recompute). */
  activationBudgetBytes?: number;
  /** Trained rows per head run (default DEFAULT_HEAD_CHUNK_ROWS). */
  headChunkRows?: number;
  /** ORT threads per op (default: ORT's). */
  intraOpNumThreads?: number;
}

/** B sequences of T positions; every array holds B·T values, row-major. */
export interface StepBatch {
  batchSize: number;
  seqLen: number;
  inputIds: ArrayLike<number>;
  /** Shifted labels: labels[i] is the token row i predicts; −100 where nothing is trained. */
  labels: ArrayLike<number>;
  /** RoPE position of each row (restarting at 0 for each packed example). */
  positionIds: ArrayLike<number>;
  /** Example id of each row: a row attends only to earlier rows with its id (padding: −1). */
  segmentIds: ArrayLike<number>;
}

/** One sequence as a batch: positions 0…T−1, one segment. `labels` already shifted. */
export function sequenceBatch(ids: readonly number[], labels: readonly number[]): StepBatch {
  return { batchSize: 1, seqLen: ids.length, inputIds: ids, labels, positionIds: ids.map((_, t) => t), segmentIds: ids.map(() => 0) };
}

/** What one `step` gives. */
export interface TrainStepResult {
  /** Σ of the trained rows' token losses. */
  lossSum: number;
  /** Trained rows (labels ≠ −100). */
  tokens: number;
  /** lossSum / max(tokens, 1). */
  loss: number;
  /** d lossSum / d param, keyed by `loraParamName` (the adapter's A and B). */
  grads: Map<string, Float32Array>;
  /** Milliseconds in the block forwards, the head, and the block backwards. */
  timing: { forwardMs: number; headMs: number; backwardMs: number };
  /** Whether this step kept activations (true) or recomputed them in the backward. */
  savedActivations: boolean;
}

/** What `applyUpdate` did. */
export interface UpdateResult {
  /** Global L2 norm of the mean-over-tokens gradients, before clipping. */
  gradNorm: number;
  /** Trained tokens of the update. */
  tokens: number;
  /** False when the norm was not finite and the update was skipped. */
  applied: boolean;
}

/** Name of a LoRA parameter in `params()` / `grads`: `${module}.lora_A.weight` or `.lora_B.weight`. */
export function loraParamName(module: string, which: 'A' | 'B'): string {
  return `${module}.lora_${which}.weight`;
}

/** The graphs of one set of adapted linears; the saved-activation pair is built on first use. */
interface GraphSet {
  spec: BlockGraphSpec;
  forward: OrtSession;
  backward: OrtSession;
  saved?: Promise<{ forward: OrtSession; backward: OrtSession }>;
}

interface Layer {
  graphs: GraphSet;
  lora: LayerLinear[];
  /** Key of this layer's RoPE in `Prepared.rope` (layers of one RoPE share tables). */
  rope: string;
  /** Forward feeds that never change: norms, weights (fp32 or NF4 bytes + absmax), biases, scaling. */
  forward: Record<string, OrtTensor>;
  /** Backward feeds that never change (fp32 weights for 'lora'; 'qlora' adds dequantized ones per step). */
  backward: Record<string, OrtTensor>;
  /** 'qlora': the frozen NF4 weights, by group (FROZEN_GROUPS). */
  nf4: Map<FrozenGroup, Nf4Tensor>;
}

/** A batch checked and turned into feeds. */
interface Prepared {
  B: number;
  T: number;
  N: number;
  x: Float32Array;
  /** Feeds every layer shares (segment ids). */
  shared: Record<string, OrtTensor>;
  /** cos / sin feeds of each RoPE, by `Layer.rope`. */
  rope: Map<string, Record<string, OrtTensor>>;
  /** Rows whose label trains, and their labels. */
  trained: number[];
  trainedLabels: BigInt64Array;
}

/** The block graph input of each layer norm. */
const NORM_INPUTS: Record<LayerNorm, string> = {
  input: BLOCK_NAMES.inputNorm,
  postAttention: BLOCK_NAMES.postNorm,
  preFeedforward: BLOCK_NAMES.preFeedforwardNorm,
  postFeedforward: BLOCK_NAMES.postFeedforwardNorm,
  q: BLOCK_NAMES.qNorm,
  k: BLOCK_NAMES.kNorm,
};

/** murmur3's 32-bit finalizer: spreads seeds that differ in a few bits over the whole range. */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Runs (Q)LoRA training steps of one model and adapter on ONNX Runtime. */
export class LoraTrainer {
  /** Per RoPE (by key): its inverse frequencies and a cos / sin table grown as longer positions appear. */
  private readonly ropes = new Map<string, { invFreq: Float32Array; positions: number; cos: Float32Array; sin: Float32Array }>();
  private ones = new Uint8Array(0);
  /** 'qlora': one layer's dequantized weights by group, refilled per layer in the backward. */
  private readonly dequantized = new Map<FrozenGroup, Float32Array>();

  private constructor(
    readonly config: ModelConfig,
    readonly adapter: LoraAdapter,
    readonly method: TrainMethod,
    private readonly ort: OrtModule,
    private readonly layers: Layer[],
    private readonly graphSets: GraphSet[],
    private readonly head: { forward: OrtSession; backward: OrtSession; norm: OrtTensor; lmHead: OrtTensor },
    private readonly embed: Float32Array,
    ropes: Map<string, RopeSpec>,
    private readonly dropout: number,
    private readonly activationBudgetBytes: number,
    private readonly headChunkRows: number,
    private readonly sessionOptions: { intraOpNumThreads?: number },
  ) {
    for (const [key, rope] of ropes)
      this.ropes.set(key, { invFreq: ropeInvFreq(config.headDim, rope), positions: 0, cos: new Float32Array(0), sin: new Float32Array(0) });
    if (method === 'qlora')
      for (const { name } of FROZEN_GROUPS)
        this.dequantized.set(name, new Float32Array(frozenGroupShape(layers[0]!.graphs.spec, name).reduce((a, b) => a * b, 1)));
  }

  /** Loads the frozen weights once and builds the graphs. */
  static async create(options: LoraTrainerOptions): Promise<LoraTrainer> {
    const { config, adapter, method, getWeight } = options;
    const blockSize = options.nf4BlockSize ?? 64;
    const dropout = options.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw new EngineError('INVALID_ARGUMENT', `LoRA dropout must be ≥ 0 and < 1, not ${dropout}.`);
    if (config.oBias || config.mlpBias) throw new EngineError('INVALID_ARGUMENT', 'Training supports q/k/v biases only (no o_proj or MLP biases).');
    const modules = [...adapter.weights.values()];
    const rank = modules[0]?.r ?? 1;
    const scaling = modules[0]?.scaling ?? 1;
    for (const [name, m] of adapter.weights) {
      if (m.r !== rank || m.scaling !== scaling)
        throw new EngineError(
          'INVALID_ARGUMENT',
          `LoRA module ${name} has rank ${m.r} / scaling ${m.scaling}; training needs one rank and scaling for all modules.`,
        );
    }
    const known = new Set<string>();
    for (let layer = 0; layer < config.numLayers; layer++) for (const l of LAYER_LINEARS) known.add(linearModule(layer, l));
    for (const name of adapter.weights.keys())
      if (!known.has(name)) throw new EngineError('INVALID_ARGUMENT', `LoRA module ${name} is not a layer linear of this model.`);

    const ort = await loadOrt();
    const sessionOptions = options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads };
    const f32 = (data: Float32Array, dims: number[]): OrtTensor => new ort.Tensor('float32', data, dims);
    const setsByKey = new Map<string, GraphSet>();
    const ropes = new Map<string, RopeSpec>();
    const layers: Layer[] = [];
    for (let layer = 0; layer < config.numLayers; layer++) {
      const lora = LAYER_LINEARS.filter((l) => adapter.weights.has(linearModule(layer, l)));
      const window = windowOf(config, layer);
      const key = `${lora.join(',')}|${window ?? 'full'}`;
      const rope = JSON.stringify(ropeOf(config, layer));
      ropes.set(rope, ropeOf(config, layer));
      let graphs = setsByKey.get(key);
      if (!graphs) {
        const spec: BlockGraphSpec = {
          hiddenSize: config.hiddenSize,
          numHeads: config.numHeads,
          numKvHeads: config.numKvHeads,
          headDim: config.headDim,
          intermediateSize: config.intermediateSize,
          rmsNormEps: config.rmsNormEps,
          format: method === 'qlora' ? 'nf4' : 'fp32',
          nf4BlockSize: blockSize,
          qkvBias: config.qkvBias,
          lora,
          rank,
          dropout: dropout > 0 && lora.length > 0,
          activation: config.activation,
          qkNorm: config.qkNorm,
          sandwichNorms: config.sandwichNorms,
          attentionScale: config.attentionScale,
          attnSoftcap: config.attnSoftcap,
          window,
        };
        const forward = await createSession(buildBlockForwardGraph(spec), sessionOptions);
        const backward = await createSession(buildBlockBackwardGraph(spec), sessionOptions);
        setsByKey.set(key, (graphs = { spec, forward, backward }));
      }
      const common: Record<string, OrtTensor> = {};
      for (const norm of layerNorms(config)) {
        const w = readLayerNorm(config, getWeight, layer, norm);
        common[NORM_INPUTS[norm]] = f32(w, [w.length]);
      }
      if (lora.length > 0) common[BLOCK_NAMES.scaling] = f32(Float32Array.of(scaling), []);
      const entry: Layer = { graphs, lora, rope, forward: { ...common }, backward: { ...common }, nf4: new Map() };
      for (const { name: group, linears } of FROZEN_GROUPS) {
        // The members' rows stacked: one matmul for the group (see FROZEN_GROUPS).
        const [N, K] = frozenGroupShape(graphs.spec, group);
        const stacked = (suffix: string): Float32Array => {
          const parts = linears.map((l) => getWeight(`${linearModule(layer, l)}.${suffix}`));
          if (parts.length === 1) return parts[0]!;
          const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          for (const part of parts) out.set(part, (at += part.length) - part.length);
          return out;
        };
        if (group === 'qkv' && config.qkvBias) entry.forward[BLOCK_NAMES.bias(group)] = entry.backward[BLOCK_NAMES.bias(group)] = f32(stacked('bias'), [N]);
        if (method === 'qlora') {
          const t = quantizeNf4(stacked('weight'), blockSize);
          entry.nf4.set(group, t);
          entry.forward[BLOCK_NAMES.nf4(group)] = new ort.Tensor('uint8', t.packed, [t.packed.length]);
          entry.forward[BLOCK_NAMES.absmax(group)] = f32(t.absmax, [t.absmax.length]);
        } else entry.forward[BLOCK_NAMES.weight(group)] = entry.backward[BLOCK_NAMES.weight(group)] = f32(stacked('weight'), [N, K]);
      }
      layers.push(entry);
    }
    const names = globalWeightNames(config);
    const headSpec = { hiddenSize: config.hiddenSize, vocabSize: config.vocabSize, rmsNormEps: config.rmsNormEps, finalSoftcap: config.finalSoftcap };
    const embed = getWeight(names.embed);
    const head = {
      forward: await createSession(buildHeadForwardGraph(headSpec), sessionOptions),
      backward: await createSession(buildHeadBackwardGraph(headSpec), sessionOptions),
      norm: f32(readFinalNorm(config, getWeight), [config.hiddenSize]),
      lmHead: f32(names.lmHead === names.embed ? embed : getWeight(names.lmHead), [config.vocabSize, config.hiddenSize]),
    };
    const budget = options.activationBudgetBytes ?? DEFAULT_ACTIVATION_BUDGET_BYTES;
    const headChunkRows = options.headChunkRows ?? DEFAULT_HEAD_CHUNK_ROWS;
    if (!(Number.isInteger(headChunkRows) && headChunkRows > 0))
      throw new EngineError('INVALID_ARGUMENT', `headChunkRows must be a whole number ≥ 1, not ${headChunkRows}.`);
    return new LoraTrainer(config, adapter, method, ort, layers, [...setsByKey.values()], head, embed, ropes, dropout, budget, headChunkRows, sessionOptions);
  }

  /**
   * The frozen weight the graphs multiply by: for 'qlora' a linear's dequantized NF4 values,
   * otherwise `undefined` (the caller's own fp32 tensor is used as it is).
   */
  quantizedWeight(name: string): Float32Array | undefined {
    for (let layer = 0; layer < this.layers.length; layer++) {
      const entry = this.layers[layer]!;
      for (const { name: group, linears } of FROZEN_GROUPS) {
        const t = entry.nf4.get(group);
        if (!t) continue;
        let row = 0;
        for (const l of linears) {
          const [N, K] = blockLinearShape(entry.graphs.spec, l);
          if (`${linearModule(layer, l)}.weight` === name) return dequantizeNf4(t).slice(row * K, (row + N) * K);
          row += N;
        }
      }
    }
    return undefined;
  }

  /** The trainable parameters by `loraParamName`: the adapter's own A / B arrays (not copies). */
  params(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [module, m] of this.adapter.weights) {
      out.set(loraParamName(module, 'A'), m.A);
      out.set(loraParamName(module, 'B'), m.B);
    }
    return out;
  }

  /** Bytes the saved activations of a batch of B × T take. */
  savedActivationBytes(B: number, T: number): number {
    return this.layers.reduce((sum, layer) => sum + savedBytesPerRow(layer.graphs.spec, T) * B * T, 0);
  }

  private checkBatch(b: StepBatch): void {
    const V = this.config.vocabSize;
    const N = b.batchSize * b.seqLen;
    const bad = (message: string): EngineError => new EngineError('INVALID_ARGUMENT', message);
    if (!(Number.isInteger(b.batchSize) && b.batchSize > 0 && Number.isInteger(b.seqLen) && b.seqLen > 0))
      throw bad(`A training batch needs ≥ 1 sequence of ≥ 1 position, not ${b.batchSize} × ${b.seqLen}.`);
    for (const [name, values] of Object.entries({ inputIds: b.inputIds, labels: b.labels, positionIds: b.positionIds, segmentIds: b.segmentIds })) {
      if (values.length !== N) throw bad(`A batch of ${b.batchSize} × ${b.seqLen} needs ${N} ${name}, not ${values.length}.`);
    }
    for (let i = 0; i < N; i++) {
      const id = b.inputIds[i]!;
      const label = b.labels[i]!;
      const position = b.positionIds[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= V) throw bad(`Token id ${id} is outside [0, ${V}).`);
      if (label !== IGNORE_INDEX && !(Number.isInteger(label) && label >= 0 && label < V))
        throw bad(`Label ${label} is outside [0, ${V}) and not ${IGNORE_INDEX}.`);
      if (!Number.isInteger(position) || position < 0 || position >= this.config.maxPositionEmbeddings)
        throw bad(`Position ${position} is outside [0, ${this.config.maxPositionEmbeddings}).`);
      if (!Number.isInteger(b.segmentIds[i])) throw bad(`Segment id ${b.segmentIds[i]} is not a whole number.`);
    }
  }

  /** cos / sin rows of one RoPE for the given positions, from its table grown as longer positions appear. */
  private ropeRows(key: string, positions: ArrayLike<number>): { cos: Float32Array; sin: Float32Array } {
    const half = this.config.headDim / 2;
    const rope = this.ropes.get(key)!;
    let max = 0;
    for (let i = 0; i < positions.length; i++) max = Math.max(max, positions[i]!);
    if (max >= rope.positions) {
      const n = Math.max(max + 1, 2 * rope.positions);
      Object.assign(rope, { positions: n, ...ropeTables(rope.invFreq, 0, n) });
    }
    const cos = new Float32Array(positions.length * half);
    const sin = new Float32Array(positions.length * half);
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      cos.set(rope.cos.subarray(p * half, (p + 1) * half), i * half);
      sin.set(rope.sin.subarray(p * half, (p + 1) * half), i * half);
    }
    return { cos, sin };
  }

  /** The residual stream after the embedding, and the feeds every layer shares. */
  private prepare(batch: StepBatch): Prepared {
    this.checkBatch(batch);
    const D = this.config.headDim;
    const B = batch.batchSize;
    const T = batch.seqLen;
    const N = B * T;
    // Ids were checked above; rows scaled by the family's embedding scale.
    const x = embedRows(this.config, this.embed, batch.inputIds, (id) => {
      throw new EngineError('INVALID_ARGUMENT', `Token id ${id} is outside [0, ${this.config.vocabSize}).`);
    });
    const rope = new Map<string, Record<string, OrtTensor>>();
    for (const key of this.ropes.keys()) {
      const { cos, sin } = this.ropeRows(key, batch.positionIds);
      rope.set(key, { [BLOCK_NAMES.cos]: new this.ort.Tensor('float32', cos, [N, D / 2]), [BLOCK_NAMES.sin]: new this.ort.Tensor('float32', sin, [N, D / 2]) });
    }
    const segments = new BigInt64Array(N);
    for (let i = 0; i < N; i++) segments[i] = BigInt(batch.segmentIds[i]!);
    const shared: Record<string, OrtTensor> = { [BLOCK_NAMES.segments]: new this.ort.Tensor('int64', segments, [B, T]) };
    const trained: number[] = [];
    for (let i = 0; i < N; i++) if (batch.labels[i] !== IGNORE_INDEX) trained.push(i);
    const trainedLabels = BigInt64Array.from(trained, (i) => BigInt(batch.labels[i]!));
    return { B, T, N, x, shared, rope, trained, trainedLabels };
  }

  /**
   * The dropout feeds of a layer: keep-masks drawn from (`seed`, layer) — the same masks every
   * time for the same seed — or, with `seed` null (evaluation), all-ones masks at scale 1.
   */
  private dropoutFeeds(layer: number, N: number, seed: number | null): Record<string, OrtTensor> {
    const { graphs, lora } = this.layers[layer]!;
    if (!graphs.spec.dropout) return {};
    const feeds: Record<string, OrtTensor> = {
      [BLOCK_NAMES.dropoutScale]: new this.ort.Tensor('float32', Float32Array.of(seed === null ? 1 : 1 / (1 - this.dropout)), []),
    };
    const threshold = Math.round(this.dropout * 65536); // a 16-bit draw below it drops
    lora.forEach((l, index) => {
      const n = N * blockLinearShape(graphs.spec, l)[1];
      let mask: Uint8Array;
      if (seed === null) {
        if (this.ones.length < n) this.ones = new Uint8Array(n).fill(1);
        mask = this.ones.subarray(0, n);
      } else {
        mask = new Uint8Array(n);
        const rng = new Mulberry32(mix32(seed ^ mix32(layer * 8 + index + 1)));
        for (let i = 0; i < n; i += 2) {
          const bits = rng.nextUint32();
          mask[i] = (bits & 0xffff) >= threshold ? 1 : 0;
          if (i + 1 < n) mask[i + 1] = bits >>> 16 >= threshold ? 1 : 0;
        }
      }
      feeds[BLOCK_NAMES.dropoutMask(l)] = new this.ort.Tensor('uint8', mask, [N, n / N]);
    });
    return feeds;
  }

  private loraFeeds(layer: number): Record<string, OrtTensor> {
    const feeds: Record<string, OrtTensor> = {};
    for (const l of this.layers[layer]!.lora) {
      const m = this.adapter.weights.get(linearModule(layer, l))!;
      feeds[BLOCK_NAMES.loraA(l)] = new this.ort.Tensor('float32', m.A, [m.r, m.inFeatures]);
      feeds[BLOCK_NAMES.loraB(l)] = new this.ort.Tensor('float32', m.B, [m.outFeatures, m.r]);
    }
    return feeds;
  }

  private forwardFeeds(layer: number, x: Float32Array, p: Prepared, dropoutSeed: number | null): Record<string, OrtTensor> {
    const entry = this.layers[layer]!;
    return {
      ...entry.forward,
      ...p.shared,
      ...p.rope.get(entry.rope),
      ...this.loraFeeds(layer),
      ...this.dropoutFeeds(layer, p.N, dropoutSeed),
      [BLOCK_NAMES.x]: new this.ort.Tensor('float32', x, [p.N, this.config.hiddenSize]),
    };
  }

  /** 'qlora': dequantizes a layer's seven NF4 weights into the shared buffers. */
  private dequantizeLayer(layer: number): void {
    for (const [group, t] of this.layers[layer]!.nf4) dequantizeNf4Into(t, this.dequantized.get(group)!);
  }

  private savedGraphs(set: GraphSet): Promise<{ forward: OrtSession; backward: OrtSession }> {
    set.saved ??= (async () => ({
      forward: await createSession(buildBlockForwardGraph(set.spec, { saved: true }), this.sessionOptions),
      backward: await createSession(buildBlockBackwardGraph(set.spec, { saved: true }), this.sessionOptions),
    }))();
    return set.saved;
  }

  /**
   * Runs a head graph over the trained rows of `h` (N, C), `headChunkRows` rows at a time (the
   * (rows, V) logits and their gradient stay a few tens of MB at a 49k vocabulary), scattering
   * each chunk's `dh` into `dy` when given. Returns the summed loss and trained tokens.
   */
  private async runHead(session: OrtSession, h: Float32Array, p: Prepared, dy?: Float32Array): Promise<{ lossSum: number; tokens: number }> {
    const C = this.config.hiddenSize;
    let lossSum = 0;
    let tokens = 0;
    for (let start = 0; start < p.trained.length; start += this.headChunkRows) {
      const rows = p.trained.slice(start, start + this.headChunkRows);
      const hRows = new Float32Array(rows.length * C);
      rows.forEach((row, i) => hRows.set(h.subarray(row * C, (row + 1) * C), i * C));
      const out = await session.run({
        [HEAD_NAMES.h]: new this.ort.Tensor('float32', hRows, [rows.length, C]),
        [HEAD_NAMES.norm]: this.head.norm,
        [HEAD_NAMES.lmHead]: this.head.lmHead,
        [HEAD_NAMES.labels]: new this.ort.Tensor('int64', p.trainedLabels.subarray(start, start + rows.length), [rows.length]),
      });
      lossSum += Number(out[HEAD_NAMES.lossSum]!.data[0]);
      tokens += Number(out[HEAD_NAMES.tokens]!.data[0]);
      if (dy) {
        const dh = out[HEAD_NAMES.dh]!.data as Float32Array;
        rows.forEach((row, i) => dy.set(dh.subarray(i * C, (i + 1) * C), row * C));
      }
    }
    return { lossSum, tokens };
  }

  /** Forward only, without dropout: the loss of a batch (no gradients). */
  async evaluate(batch: StepBatch): Promise<{ loss: number; lossSum: number; tokens: number }> {
    const p = this.prepare(batch);
    if (p.trained.length === 0) return { loss: 0, lossSum: 0, tokens: 0 };
    let x = p.x;
    for (let layer = 0; layer < this.layers.length; layer++) {
      const out = await this.layers[layer]!.graphs.forward.run(this.forwardFeeds(layer, x, p, null));
      x = out[BLOCK_NAMES.y]!.data as Float32Array;
    }
    const { lossSum, tokens } = await this.runHead(this.head.forward, x, p);
    return { loss: lossSum / Math.max(tokens, 1), lossSum, tokens };
  }

  /**
   * Forward and backward of a batch; gradients of the summed token loss. `dropoutSeed` draws
   * the LoRA dropout masks (required when dropout > 0).
   */
  async step(batch: StepBatch, options: { dropoutSeed?: number } = {}): Promise<TrainStepResult> {
    const p = this.prepare(batch);
    const C = this.config.hiddenSize;
    const seed = options.dropoutSeed ?? null;
    if (this.dropout > 0 && seed === null) throw new EngineError('INVALID_ARGUMENT', 'A training step with LoRA dropout needs a dropoutSeed.');
    const grads = new Map<string, Float32Array>();
    const timing = { forwardMs: 0, headMs: 0, backwardMs: 0 };
    const saved = this.savedActivationBytes(p.B, p.T) <= this.activationBudgetBytes;
    if (p.trained.length === 0) {
      for (const [name, param] of this.params()) grads.set(name, new Float32Array(param.length));
      return { lossSum: 0, tokens: 0, loss: 0, grads, timing, savedActivations: saved };
    }
    let t0 = performance.now();
    const inputs: Float32Array[] = [];
    const activations: Record<string, OrtTensor>[] = [];
    let x = p.x;
    for (let layer = 0; layer < this.layers.length; layer++) {
      inputs.push(x);
      const { graphs } = this.layers[layer]!;
      const session = saved ? (await this.savedGraphs(graphs)).forward : graphs.forward;
      const out = await session.run(this.forwardFeeds(layer, x, p, seed));
      x = out[BLOCK_NAMES.y]!.data as Float32Array;
      if (saved) activations.push(Object.fromEntries(savedInputs(graphs.spec).map((s) => [s.name, out[s.name]!])));
    }
    timing.forwardMs = performance.now() - t0;
    t0 = performance.now();
    let dy: Float32Array = new Float32Array(p.N * C);
    const { lossSum, tokens } = await this.runHead(this.head.backward, x, p, dy);
    timing.headMs = performance.now() - t0;
    t0 = performance.now();
    for (let layer = this.layers.length - 1; layer >= 0; layer--) {
      const entry = this.layers[layer]!;
      const feeds: Record<string, OrtTensor> = {
        ...this.forwardFeeds(layer, inputs[layer]!, p, seed),
        ...entry.backward,
        ...activations[layer],
        [BLOCK_NAMES.dy]: new this.ort.Tensor('float32', dy, [p.N, C]),
      };
      if (this.method === 'qlora') {
        this.dequantizeLayer(layer);
        for (const [group, w] of this.dequantized) {
          feeds[BLOCK_NAMES.weight(group)] = new this.ort.Tensor('float32', w, frozenGroupShape(entry.graphs.spec, group));
          delete feeds[BLOCK_NAMES.nf4(group)];
          delete feeds[BLOCK_NAMES.absmax(group)];
        }
      }
      const session = saved ? (await this.savedGraphs(entry.graphs)).backward : entry.graphs.backward;
      const out = await session.run(feeds);
      for (const l of entry.lora) {
        const module = linearModule(layer, l);
        // ORT's outputs are fresh arrays each run: kept as they are, no copy.
        grads.set(loraParamName(module, 'A'), out[BLOCK_NAMES.gradA(l)]!.data as Float32Array);
        grads.set(loraParamName(module, 'B'), out[BLOCK_NAMES.gradB(l)]!.data as Float32Array);
      }
      dy = out[BLOCK_NAMES.dx]!.data as Float32Array;
    }
    timing.backwardMs = performance.now() - t0;
    return { lossSum, tokens, loss: lossSum / Math.max(tokens, 1), grads, timing, savedActivations: saved };
  }

  /**
   * One optimizer update from the micro-batches added to `accumulator` since its last finish:
   * mean over their trained tokens → clip to `maxGradNorm` (0: no clipping) → `optimizer.step`
   * at `lr` (the scheduled value) on the adapter's A / B in place. A non-finite norm skips it.
   */
  applyUpdate(accumulator: GradAccumulator, optimizer: Optimizer, lr: number, maxGradNorm: number): UpdateResult {
    const tokens = accumulator.tokens;
    const grads = accumulator.finish();
    const gradNorm = clipGradNorm(grads.values(), maxGradNorm);
    if (!Number.isFinite(gradNorm)) return { gradNorm, tokens, applied: false };
    optimizer.step(this.params(), grads, lr);
    return { gradNorm, tokens, applied: true };
  }

  /** Releases every ORT session. */
  async release(): Promise<void> {
    for (const set of this.graphSets) {
      await set.forward.release();
      await set.backward.release();
      if (set.saved) {
        const saved = await set.saved;
        await saved.forward.release();
        await saved.backward.release();
      }
    }
    await this.head.forward.release();
    await this.head.backward.release();
  }
}
