/**
 * One whole-model (Q)LoRA training step on ONNX Runtime, for one sequence (batch 1):
 *
 *   embedding rows (TS) → block forward per layer, keeping only each block's INPUT →
 *   head backward (loss_sum, tokens, dh) → block backward in reverse order (dy = the dx of
 *   the block above; each recomputes its own activations) → LoRA dA, dB per module.
 *
 * One block graph pair serves every layer with the same set of adapted linears (weights are
 * graph inputs). Frozen weights are loaded once as ORT tensors: fp32 for method 'lora', NF4
 * (packed + absmax, quantized here with `quantizeNf4`) for 'qlora'; norms, embeddings and the
 * lm_head stay fp32 in both.
 *
 * Gradients returned by `step` are those of the SUMMED token loss (`lossSum`), with the
 * trained-token count, as `GradAccumulator.add` expects; `applyUpdate` then divides by the
 * tokens of the whole optimizer step, clips and steps the optimizer, updating the adapter's
 * A / B Float32Arrays in place (they are re-fed as they are at the next step).
 *
 * Not here yet: batches of several rows, packed rows (block-causal mask), LoRA dropout,
 * per-module rank / scaling differences, o/mlp biases.
 */
import { EngineError } from '../errors.js';
import type { ModelConfig } from '../io/config.js';
import type { LoraAdapter } from '../io/peft.js';
import { globalWeightNames, layerNormNames, linearHasBias, linearModule, LAYER_LINEARS } from '../model/weight-names.js';
import { dequantizeNf4, quantizeNf4, type Nf4Tensor } from '../quant/index.js';
import { ropeInvFreq, ropeTables } from '../reference/rope.js';
import { createSession, loadOrt, type OrtModule, type OrtSession, type OrtTensor } from '../runtime/session.js';
import { BLOCK_LINEARS, BLOCK_NAMES, blockInputs, buildBlockBackwardGraph, buildBlockForwardGraph, type BlockGraphSpec, type BlockLinear } from './block-graphs.js';
import { clipGradNorm, type GradAccumulator } from './clip.js';
import { buildHeadBackwardGraph, buildHeadForwardGraph, HEAD_NAMES } from './head-graph.js';
import type { Optimizer } from './optimizer.js';

/** 'lora': fp32 frozen linears; 'qlora': NF4 frozen linears. */
export type TrainMethod = 'lora' | 'qlora';

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
  /** ORT threads per op (default: ORT's). */
  intraOpNumThreads?: number;
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

interface GraphPair {
  spec: BlockGraphSpec;
  forward: OrtSession;
  backward: OrtSession;
}

/** Runs (Q)LoRA training steps of one model and adapter on ONNX Runtime. */
export class LoraTrainer {
  private constructor(
    readonly config: ModelConfig,
    readonly adapter: LoraAdapter,
    readonly method: TrainMethod,
    private readonly ort: OrtModule,
    /** Per layer: its graph pair and frozen feeds (everything but x, rope, LoRA and dy). */
    private readonly layers: { pair: GraphPair; frozen: Record<string, OrtTensor>; lora: BlockLinear[] }[],
    private readonly pairs: GraphPair[],
    private readonly head: { forward: OrtSession; backward: OrtSession; norm: OrtTensor; lmHead: OrtTensor },
    private readonly embed: Float32Array,
    private readonly nf4: Map<string, Nf4Tensor>,
    private readonly scaling: number,
  ) {}

  /** Loads the frozen weights once and builds the graphs. */
  static async create(options: LoraTrainerOptions): Promise<LoraTrainer> {
    const { config, adapter, method, getWeight } = options;
    const blockSize = options.nf4BlockSize ?? 64;
    if (config.oBias || config.mlpBias) throw new EngineError('INVALID_ARGUMENT', 'Training supports q/k/v biases only (no o_proj or MLP biases).');
    const modules = [...adapter.weights.values()];
    const rank = modules[0]?.r ?? 1;
    const scaling = modules[0]?.scaling ?? 1;
    for (const [name, m] of adapter.weights) {
      if (m.r !== rank || m.scaling !== scaling) throw new EngineError('INVALID_ARGUMENT', `LoRA module ${name} has rank ${m.r} / scaling ${m.scaling}; training needs one rank and scaling for all modules.`);
    }
    const known = new Set<string>();
    for (let layer = 0; layer < config.numLayers; layer++) for (const l of LAYER_LINEARS) known.add(linearModule(layer, l));
    for (const name of adapter.weights.keys()) if (!known.has(name)) throw new EngineError('INVALID_ARGUMENT', `LoRA module ${name} is not a layer linear of this model.`);

    const ort = await loadOrt();
    const sessionOptions = options.intraOpNumThreads === undefined ? {} : { intraOpNumThreads: options.intraOpNumThreads };
    const f32 = (data: Float32Array, dims: number[]): OrtTensor => new ort.Tensor('float32', data, dims);
    const pairsByKey = new Map<string, GraphPair>();
    const layers: { pair: GraphPair; frozen: Record<string, OrtTensor>; lora: BlockLinear[] }[] = [];
    const nf4 = new Map<string, Nf4Tensor>();
    for (let layer = 0; layer < config.numLayers; layer++) {
      const lora = BLOCK_LINEARS.filter((l) => adapter.weights.has(linearModule(layer, l)));
      const key = lora.join(',');
      let pair = pairsByKey.get(key);
      if (!pair) {
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
        };
        const forward = await createSession(buildBlockForwardGraph(spec), sessionOptions);
        const backward = await createSession(buildBlockBackwardGraph(spec), sessionOptions);
        pairsByKey.set(key, (pair = { spec, forward, backward }));
      }
      const norms = layerNormNames(layer);
      const frozen: Record<string, OrtTensor> = {
        [BLOCK_NAMES.inputNorm]: f32(getWeight(norms.input), [config.hiddenSize]),
        [BLOCK_NAMES.postNorm]: f32(getWeight(norms.postAttention), [config.hiddenSize]),
      };
      for (const input of blockInputs(pair.spec)) {
        for (const l of BLOCK_LINEARS) {
          const module = linearModule(layer, l);
          const dims = input.dims as number[];
          if (input.name === BLOCK_NAMES.weight(l)) frozen[input.name] = f32(getWeight(`${module}.weight`), dims);
          else if (input.name === BLOCK_NAMES.nf4(l)) {
            const t = quantizeNf4(getWeight(`${module}.weight`), blockSize);
            nf4.set(`${module}.weight`, t);
            frozen[input.name] = new ort.Tensor('uint8', t.packed, dims);
            frozen[BLOCK_NAMES.absmax(l)] = f32(t.absmax, [t.absmax.length]);
          } else if (input.name === BLOCK_NAMES.bias(l) && linearHasBias(config, l)) frozen[input.name] = f32(getWeight(`${module}.bias`), dims);
        }
      }
      if (lora.length > 0) frozen[BLOCK_NAMES.scaling] = f32(Float32Array.of(scaling), []);
      layers.push({ pair, frozen, lora });
    }
    const names = globalWeightNames(config);
    const headSpec = { hiddenSize: config.hiddenSize, vocabSize: config.vocabSize, rmsNormEps: config.rmsNormEps };
    const embed = getWeight(names.embed);
    const head = {
      forward: await createSession(buildHeadForwardGraph(headSpec), sessionOptions),
      backward: await createSession(buildHeadBackwardGraph(headSpec), sessionOptions),
      norm: f32(getWeight(names.norm), [config.hiddenSize]),
      lmHead: f32(names.lmHead === names.embed ? embed : getWeight(names.lmHead), [config.vocabSize, config.hiddenSize]),
    };
    return new LoraTrainer(config, adapter, method, ort, layers, [...pairsByKey.values()], head, embed, nf4, scaling);
  }

  /**
   * The frozen weight the graphs multiply by: for 'qlora' a linear's dequantized NF4 values,
   * otherwise `undefined` (the caller's own fp32 tensor is used as it is).
   */
  quantizedWeight(name: string): Float32Array | undefined {
    const t = this.nf4.get(name);
    return t ? dequantizeNf4(t) : undefined;
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

  private checkInputs(ids: readonly number[], labels: readonly number[]): void {
    const V = this.config.vocabSize;
    if (ids.length === 0 || ids.length !== labels.length) throw new EngineError('INVALID_ARGUMENT', `A training row needs as many labels as ids (≥ 1); got ${ids.length} ids and ${labels.length} labels.`);
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= V) throw new EngineError('INVALID_ARGUMENT', `Token id ${id} is outside [0, ${V}).`);
    for (const l of labels) if (l !== -100 && !(Number.isInteger(l) && l >= 0 && l < V)) throw new EngineError('INVALID_ARGUMENT', `Label ${l} is outside [0, ${V}) and not -100.`);
  }

  /** The residual stream after the embedding, and the rope / label feeds of a row. */
  private prepare(ids: readonly number[], labels: readonly number[]) {
    this.checkInputs(ids, labels);
    const { hiddenSize: C, headDim: D } = this.config;
    const T = ids.length;
    const x = new Float32Array(T * C);
    ids.forEach((id, t) => x.set(this.embed.subarray(id * C, (id + 1) * C), t * C));
    const rope = ropeTables(ropeInvFreq(this.config), 0, T);
    const shared: Record<string, OrtTensor> = {
      [BLOCK_NAMES.cos]: new this.ort.Tensor('float32', rope.cos, [T, D / 2]),
      [BLOCK_NAMES.sin]: new this.ort.Tensor('float32', rope.sin, [T, D / 2]),
    };
    const labelTensor = new this.ort.Tensor('int64', BigInt64Array.from(labels.map(BigInt)), [T]);
    return { T, x, shared, labelTensor };
  }

  private layerFeeds(layer: number, x: Float32Array, T: number, shared: Record<string, OrtTensor>): Record<string, OrtTensor> {
    const entry = this.layers[layer]!;
    const feeds: Record<string, OrtTensor> = { ...entry.frozen, ...shared, [BLOCK_NAMES.x]: new this.ort.Tensor('float32', x, [T, this.config.hiddenSize]) };
    for (const l of entry.lora) {
      const m = this.adapter.weights.get(linearModule(layer, l))!;
      feeds[BLOCK_NAMES.loraA(l)] = new this.ort.Tensor('float32', m.A, [m.r, m.inFeatures]);
      feeds[BLOCK_NAMES.loraB(l)] = new this.ort.Tensor('float32', m.B, [m.outFeatures, m.r]);
    }
    return feeds;
  }

  private headFeeds(h: Float32Array, T: number, labels: OrtTensor): Record<string, OrtTensor> {
    return {
      [HEAD_NAMES.h]: new this.ort.Tensor('float32', h, [T, this.config.hiddenSize]),
      [HEAD_NAMES.norm]: this.head.norm,
      [HEAD_NAMES.lmHead]: this.head.lmHead,
      [HEAD_NAMES.labels]: labels,
    };
  }

  /** Forward only: the loss of one row (no gradients). */
  async evaluate(ids: readonly number[], labels: readonly number[]): Promise<{ loss: number; lossSum: number; tokens: number }> {
    const prepared = this.prepare(ids, labels);
    const { T, shared, labelTensor } = prepared;
    let x: Float32Array = prepared.x;
    for (let layer = 0; layer < this.layers.length; layer++) {
      const out = await this.layers[layer]!.pair.forward.run(this.layerFeeds(layer, x, T, shared));
      x = out[BLOCK_NAMES.y]!.data as Float32Array;
    }
    const out = await this.head.forward.run(this.headFeeds(x, T, labelTensor));
    return { loss: Number(out[HEAD_NAMES.loss]!.data[0]), lossSum: Number(out[HEAD_NAMES.lossSum]!.data[0]), tokens: Number(out[HEAD_NAMES.tokens]!.data[0]) };
  }

  /**
   * Forward and backward of one row: `labels` already shifted (`labels[t]` is what row t
   * predicts), −100 where not trained. Gradients are of the summed token loss.
   */
  async step(ids: readonly number[], labels: readonly number[]): Promise<TrainStepResult> {
    const { T, x: x0, shared, labelTensor } = this.prepare(ids, labels);
    const inputs: Float32Array[] = [];
    let x: Float32Array = x0;
    for (let layer = 0; layer < this.layers.length; layer++) {
      inputs.push(x);
      const out = await this.layers[layer]!.pair.forward.run(this.layerFeeds(layer, x, T, shared));
      x = out[BLOCK_NAMES.y]!.data as Float32Array;
    }
    const head = await this.head.backward.run(this.headFeeds(x, T, labelTensor));
    let dy: Float32Array = head[HEAD_NAMES.dh]!.data as Float32Array;
    const grads = new Map<string, Float32Array>();
    for (let layer = this.layers.length - 1; layer >= 0; layer--) {
      const entry = this.layers[layer]!;
      const feeds = this.layerFeeds(layer, inputs[layer]!, T, shared);
      feeds[BLOCK_NAMES.dy] = new this.ort.Tensor('float32', dy, [T, this.config.hiddenSize]);
      const out = await entry.pair.backward.run(feeds);
      for (const l of entry.lora) {
        const module = linearModule(layer, l);
        grads.set(loraParamName(module, 'A'), (out[BLOCK_NAMES.gradA(l)]!.data as Float32Array).slice());
        grads.set(loraParamName(module, 'B'), (out[BLOCK_NAMES.gradB(l)]!.data as Float32Array).slice());
      }
      dy = out[BLOCK_NAMES.dx]!.data as Float32Array;
    }
    const lossSum = Number(head[HEAD_NAMES.lossSum]!.data[0]);
    const tokens = Number(head[HEAD_NAMES.tokens]!.data[0]);
    return { lossSum, tokens, loss: lossSum / Math.max(tokens, 1), grads };
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
    for (const p of this.pairs) {
      await p.forward.release();
      await p.backward.release();
    }
    await this.head.forward.release();
    await this.head.backward.release();
  }
}
