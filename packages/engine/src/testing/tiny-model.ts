/**
 * Tiny random Hugging Face model folders of any family the engine runs (llama, mistral, qwen2,
 * qwen3, gemma2, gemma3_text) for tests: the config.json transformers writes (the family's
 * fields from its descriptor), exact HF tensor names and shapes, and a real byte-level BPE
 * tokenizer trained on a built-in corpus, so tests never need a download. The same options
 * give the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { parseModelConfig } from '../io/config.js';
import type { ModelConfig, ModelDims } from '../model/architecture.js';
import { familyOf, supportedArchitectures } from '../model/families/index.js';
import { describeWeight, layerNormSize, linearShape, weightNames } from '../model/weight-names.js';
import type { FloatDtype, TensorToWrite } from '../io/safetensors.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { seededRng, type Rng } from '../util/random.js';
import { BYTE_TO_UNICODE, trainByteLevelBpe } from './bpe.js';
import { TINY_CORPUS } from './corpus.js';

export interface TinyModelOptions {
  /** A `model_type` the engine reads (see `supportedArchitectures`). */
  arch: string;
  outDir: string;
  hiddenSize?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  intermediateSize?: number;
  /** Embedding rows = tokenizer size (≥ 300: 256 bytes, special tokens, merges). */
  vocabSize?: number;
  seed?: number;
  /** Default: false for llama and mistral, true otherwise (as Qwen2-0.5B, Qwen3-0.6B and Gemma). */
  tieWordEmbeddings?: boolean;
  dtype?: FloatDtype;
  /** Number of safetensors files; more than 1 writes `model-0000k-of-0000n.safetensors` and an index. */
  shards?: number;
  maxPositionEmbeddings?: number;
  /** Write the ChatML chat template (default true); false makes a base model, as most pretrained checkpoints are. */
  chatTemplate?: boolean;
}

/** What `makeTinyModel` wrote. */
export interface TinyModel {
  dir: string;
  /** File names written, sorted. */
  files: string[];
  /** Special token ids by content, e.g. `{'<|im_end|>': 3}`. */
  specialTokenIds: Record<string, number>;
}

/**
 * Tokenizer styles, by family:
 * - llama (llama, mistral): ids 0..3 are `<s>` (BOS, added by the post-processor), `</s>` (EOS),
 *   `<|im_start|>`, `<|im_end|>`; the chat template is ChatML after `{{ bos_token }}`;
 *   generation stops at `</s>` or `<|im_end|>`.
 * - qwen2 (qwen2, qwen3, as Qwen): no BOS; `<|endoftext|>`, `<|im_start|>`, `<|im_end|>` come
 *   after the BPE vocabulary; the ChatML template adds a default system message.
 * - gemma (gemma2, gemma3_text): ids 0..4 are `<pad>`, `<eos>`, `<bos>` (added by the
 *   post-processor), `<start_of_turn>`, `<end_of_turn>`; Gemma's chat template (user / model
 *   turns); generation stops at `<eos>` or `<end_of_turn>`.
 */
type TokenizerStyle = 'llama' | 'qwen2' | 'gemma';
const specialsByStyle = {
  llama: ['<s>', '</s>', '<|im_start|>', '<|im_end|>'],
  qwen2: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
  gemma: ['<pad>', '<eos>', '<bos>', '<start_of_turn>', '<end_of_turn>'],
} as const;

function styleOf(arch: string): TokenizerStyle {
  if (arch.startsWith('gemma')) return 'gemma';
  return arch.startsWith('qwen') ? 'qwen2' : 'llama';
}

const CHATML_LLAMA =
  "{{ bos_token }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const GEMMA_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}" +
  "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";

const CHATML_QWEN2 =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Standard normal samples from uniform ones (Box–Muller), scaled by `std` around `mean`. */
function normal(length: number, rng: Rng, std: number, mean = 0): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u = 1 - rng();
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

interface Resolved {
  arch: string;
  style: TokenizerStyle;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  vocab: number;
  seed: number;
  tie: boolean;
  dtype: FloatDtype;
  shards: number;
  maxPositions: number;
  chatTemplate: boolean;
}

function resolve(options: TinyModelOptions): Resolved {
  const r: Resolved = {
    arch: options.arch,
    style: styleOf(options.arch),
    hidden: options.hiddenSize ?? 64,
    layers: options.layers ?? 2,
    heads: options.heads ?? 4,
    kvHeads: options.kvHeads ?? 2,
    intermediate: options.intermediateSize ?? 128,
    vocab: options.vocabSize ?? 512,
    seed: options.seed ?? 0,
    tie: options.tieWordEmbeddings ?? !['llama', 'mistral'].includes(options.arch),
    dtype: options.dtype ?? 'F32',
    shards: options.shards ?? 1,
    maxPositions: options.maxPositionEmbeddings ?? 1024,
    chatTemplate: options.chatTemplate ?? true,
  };
  const bad = (what: string): never => {
    throw new EngineError('INVALID_ARGUMENT', `makeTinyModel: ${what}`);
  };
  if (!familyOf(r.arch)) bad(`arch must be one of ${supportedArchitectures.join(', ')}, not ${JSON.stringify(r.arch)}.`);
  for (const [name, v] of Object.entries({
    hiddenSize: r.hidden,
    layers: r.layers,
    heads: r.heads,
    kvHeads: r.kvHeads,
    intermediateSize: r.intermediate,
    shards: r.shards,
  })) {
    if (!Number.isInteger(v) || v < 1) bad(`${name} must be a whole number ≥ 1, not ${v}.`);
  }
  if (r.hidden % r.heads !== 0) bad(`hiddenSize (${r.hidden}) must be a multiple of heads (${r.heads}).`);
  if (r.heads % r.kvHeads !== 0) bad(`kvHeads (${r.kvHeads}) must divide heads (${r.heads}).`);
  if (!Number.isInteger(r.vocab) || r.vocab < 300) bad(`vocabSize must be a whole number ≥ 300, not ${r.vocab}.`);
  if (!['F32', 'F16', 'BF16'].includes(r.dtype)) bad(`dtype must be F32, F16 or BF16, not ${r.dtype}.`);
  return r;
}

const mergesCache = new Map<number, ReturnType<typeof trainByteLevelBpe>>();

/** tokenizer.json for the arch: ByteLevel pre-tokenizer and decoder, BPE trained to fill `vocab` ids. */
function buildTokenizer(r: Resolved): { tokenizer: object; specialTokenIds: Record<string, number> } {
  const specials: readonly string[] = specialsByStyle[r.style];
  const room = r.vocab - 256 - specials.length;
  let bpe = mergesCache.get(room);
  if (!bpe) mergesCache.set(room, (bpe = trainByteLevelBpe(TINY_CORPUS, room)));
  const ordered: string[] = [];
  const seen = new Set<string>();
  for (const token of [...BYTE_TO_UNICODE, ...bpe.mergedTokens]) {
    if (seen.has(token)) continue;
    ordered.push(token);
    seen.add(token);
  }
  // The corpus may run out of pairs before the vocabulary is full: reserved tokens fill it (as Llama 3 does).
  const reserved = Array.from({ length: room - (ordered.length - 256) }, (_, i) => `<|reserved_${i}|>`);
  // llama and gemma put their special tokens first (ids 0…), qwen2 after the BPE vocabulary.
  const first = r.style !== 'qwen2';
  const vocabTokens = first ? [...specials, ...ordered, ...reserved] : [...ordered, ...reserved, ...specials];
  const specialTokenIds: Record<string, number> = {};
  const addedContents = new Set([...specials, ...reserved]);
  const added = vocabTokens.flatMap((content, id) => {
    if (!addedContents.has(content)) return [];
    if (specials.includes(content)) specialTokenIds[content] = id;
    return [{ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  });
  // Like SmolLM2, llama lists its special tokens in the model vocab too; like Qwen2, qwen2 only in added_tokens.
  const modelVocab = Object.fromEntries(vocabTokens.map((t, id) => [t, id] as const).filter(([t]) => first || !addedContents.has(t)));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const bosToken = bosTokenOf(r.style);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: bosToken
      ? {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bosToken, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [
            { SpecialToken: { id: bosToken, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: bosToken, type_id: 1 } },
            { Sequence: { id: 'B', type_id: 1 } },
          ],
          special_tokens: { [bosToken]: { id: bosToken, ids: [specialTokenIds[bosToken]], tokens: [bosToken] } },
        }
      : { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { ...byteLevel, add_prefix_space: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: modelVocab,
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  return { tokenizer, specialTokenIds };
}

/** The BOS token the tokenizer adds before text, or null (Qwen adds none). */
function bosTokenOf(style: TokenizerStyle): string | null {
  return style === 'llama' ? '<s>' : style === 'gemma' ? '<bos>' : null;
}

/** BOS, EOS and pad tokens, the turn markers, and the chat template of a style. */
const STYLE_TOKENS = {
  llama: {
    bos: '<s>',
    eos: '</s>',
    pad: '</s>',
    endOfTurn: '<|im_end|>',
    turns: ['<|im_start|>', '<|im_end|>'],
    template: CHATML_LLAMA,
    tokenizerClass: 'PreTrainedTokenizerFast',
  },
  qwen2: {
    bos: null,
    eos: '<|im_end|>',
    pad: '<|endoftext|>',
    endOfTurn: '<|endoftext|>',
    turns: ['<|im_start|>', '<|im_end|>'],
    template: CHATML_QWEN2,
    tokenizerClass: 'Qwen2Tokenizer',
  },
  gemma: {
    bos: '<bos>',
    eos: '<eos>',
    pad: '<pad>',
    endOfTurn: '<end_of_turn>',
    turns: ['<start_of_turn>', '<end_of_turn>'],
    template: GEMMA_TEMPLATE,
    tokenizerClass: 'GemmaTokenizer',
  },
} as const;

function tokenizerFiles(r: Resolved, ids: Record<string, number>): Record<string, unknown> {
  const { bos, eos, pad, endOfTurn, turns, template, tokenizerClass } = STYLE_TOKENS[r.style];
  const addedTokensDecoder = Object.fromEntries(
    Object.entries(ids).map(([content, id]) => [String(id), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  const generation =
    r.style === 'qwen2'
      ? {
          bos_token_id: ids['<|endoftext|>'],
          eos_token_id: [ids['<|im_end|>'], ids['<|endoftext|>']],
          pad_token_id: ids['<|endoftext|>'],
          do_sample: true,
          temperature: 0.7,
          top_p: 0.8,
          top_k: 20,
          repetition_penalty: 1.05,
          transformers_version: '4.46.0',
        }
      : { bos_token_id: ids[bos!], eos_token_id: [ids[eos], ids[endOfTurn]], pad_token_id: ids[pad], do_sample: false, transformers_version: '4.46.0' };
  return {
    'tokenizer_config.json': {
      add_bos_token: bos !== null,
      add_eos_token: false,
      add_prefix_space: false,
      added_tokens_decoder: addedTokensDecoder,
      additional_special_tokens: [...turns],
      bos_token: bos,
      ...(r.chatTemplate ? { chat_template: template } : {}),
      clean_up_tokenization_spaces: false,
      eos_token: eos,
      model_max_length: r.maxPositions,
      pad_token: pad,
      tokenizer_class: tokenizerClass,
      unk_token: null,
    },
    'special_tokens_map.json': {
      additional_special_tokens: [...turns],
      ...(bos ? { bos_token: bos } : {}),
      eos_token: eos,
      pad_token: pad,
    },
    'generation_config.json': generation,
  };
}

function dimsOf(r: Resolved): ModelDims {
  return {
    hiddenSize: r.hidden,
    intermediateSize: r.intermediate,
    numLayers: r.layers,
    numHeads: r.heads,
    numKvHeads: r.kvHeads,
    headDim: r.hidden / r.heads,
    vocabSize: r.vocab,
  };
}

/** config.json as transformers writes it (keys sorted): the shared sizes plus the family's fields. */
function modelConfig(r: Resolved, ids: Record<string, number>): object {
  const torchDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[r.dtype];
  const { bos, eos } = STYLE_TOKENS[r.style];
  const fields: Record<string, unknown> = {
    ...familyOf(r.arch)!.exampleConfig(r.arch, dimsOf(r)),
    bos_token_id: ids[bos ?? '<|endoftext|>'],
    eos_token_id: ids[eos],
    hidden_size: r.hidden,
    initializer_range: 0.02,
    intermediate_size: r.intermediate,
    max_position_embeddings: r.maxPositions,
    model_type: r.arch,
    num_attention_heads: r.heads,
    num_hidden_layers: r.layers,
    num_key_value_heads: r.kvHeads,
    tie_word_embeddings: r.tie,
    torch_dtype: torchDtype,
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: r.vocab,
  };
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Every tensor the config names (weight-names.ts), with HF names: weights ~N(0, 0.02), norms
 * multiplying by 1 ± 0.02 (stored as ± 0.02 where the family adds 1). Drawn in the order
 * llama checkpoints list them (input norm, q/k/v, o, post-attention norm, MLP), so llama and
 * qwen2 folders keep their bytes.
 */
function tensors(r: Resolved, config: ModelConfig): TensorToWrite[] {
  const rng = seededRng(r.seed);
  const names = weightNames(config);
  const order = (name: string): number => {
    const what = describeWeight(config, name)!;
    const layer = /^model\.layers\.(\d+)\./.exec(name);
    const base = layer ? 1 + Number(layer[1]) : name === 'model.embed_tokens.weight' ? 0 : config.numLayers + 1 + (name === 'lm_head.weight' ? 1 : 0);
    const within =
      what.kind === 'norm'
        ? ({ input: 0, q: 1, k: 2, postAttention: 6, preFeedforward: 7, postFeedforward: 8, final: 0 } as const)[what.norm]
        : what.kind === 'linear'
          ? [3, 3, 3, 5, 9, 9, 9][['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'].indexOf(what.linear)]!
          : 0;
    return base * 100 + within;
  };
  const sorted = names.map((name, i) => ({ name, i })).sort((a, b) => order(a.name) - order(b.name) || a.i - b.i);
  return sorted.map(({ name }) => {
    const what = describeWeight(config, name)!;
    let shape: number[] = [r.vocab, r.hidden];
    let mean = 0;
    if (what.kind === 'norm') {
      shape = [what.norm === 'final' ? r.hidden : layerNormSize(config, what.norm)];
      mean = 1 - config.normOffset;
    } else if (what.kind === 'linear') {
      const [N, K] = linearShape(config, what.linear);
      shape = what.part === 'bias' ? [N] : [N, K];
    }
    return {
      name,
      shape,
      data: normal(
        shape.reduce((a, b) => a * b, 1),
        rng,
        0.02,
        mean,
      ),
      dtype: r.dtype,
    };
  });
}

/** safetensors files: one, or `shards` of about equal tensor count with an index. */
function weightFiles(r: Resolved, all: TensorToWrite[]): Map<string, Uint8Array | string> {
  const metadata = { format: 'pt' };
  if (r.shards === 1) return new Map([['model.safetensors', encodeSafetensors(all, metadata)]]);
  if (r.shards > all.length) throw new EngineError('INVALID_ARGUMENT', `makeTinyModel: shards (${r.shards}) exceeds the ${all.length} tensors.`);
  const files = new Map<string, Uint8Array | string>();
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (let k = 0; k < r.shards; k++) {
    const name = `model-${String(k + 1).padStart(5, '0')}-of-${String(r.shards).padStart(5, '0')}.safetensors`;
    const group = all.slice(Math.floor((k * all.length) / r.shards), Math.floor(((k + 1) * all.length) / r.shards));
    for (const t of group) {
      weightMap[t.name] = name;
      totalSize += t.data.length * (r.dtype === 'F32' ? 4 : 2);
    }
    files.set(name, encodeSafetensors(group, metadata));
  }
  const sortedMap = Object.fromEntries(Object.entries(weightMap).sort(([a], [b]) => (a < b ? -1 : 1)));
  files.set('model.safetensors.index.json', json({ metadata: { total_size: totalSize }, weight_map: sortedMap }));
  return files;
}

const staleWeights = /^(model(-\d{5}-of-\d{5})?\.safetensors|model\.safetensors\.index\.json)$/;

/**
 * Write a deterministic random model folder to `outDir` (created if needed; weight files
 * from an earlier run are replaced) and return what was written.
 */
export function makeTinyModel(options: TinyModelOptions): TinyModel {
  const r = resolve(options);
  const { tokenizer, specialTokenIds } = buildTokenizer(r);
  const config = modelConfig(r, specialTokenIds);
  const files = new Map<string, Uint8Array | string>([
    ['config.json', json(config)],
    ['tokenizer.json', json(tokenizer)],
    ...Object.entries(tokenizerFiles(r, specialTokenIds)).map(([name, value]) => [name, json(value)] as [string, string]),
    ...weightFiles(r, tensors(r, parseModelConfig(config))),
  ]);
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const entry of fs.readdirSync(options.outDir)) {
    if (staleWeights.test(entry) && !files.has(entry)) fs.rmSync(path.join(options.outDir, entry));
  }
  for (const [name, data] of files) writeFileAtomic(path.join(options.outDir, name), data);
  return { dir: options.outDir, files: [...files.keys()].sort(), specialTokenIds };
}
