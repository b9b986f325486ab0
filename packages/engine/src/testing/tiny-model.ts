/**
 * Tiny random Hugging Face model folders (llama, qwen2) for tests: real config.json field
 * names, exact HF tensor names and shapes, and a real byte-level BPE tokenizer trained on a
 * built-in corpus, so tests never need a download. The same options give the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import type { FloatDtype, TensorToWrite } from '../io/safetensors.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { seededRng, type Rng } from '../util/random.js';
import { BYTE_TO_UNICODE, trainByteLevelBpe } from './bpe.js';
import { TINY_CORPUS } from './corpus.js';

export interface TinyModelOptions {
  arch: 'llama' | 'qwen2';
  outDir: string;
  hiddenSize?: number;
  layers?: number;
  heads?: number;
  kvHeads?: number;
  intermediateSize?: number;
  /** Embedding rows = tokenizer size (≥ 300: 256 bytes, special tokens, merges). */
  vocabSize?: number;
  seed?: number;
  /** Default: false for llama, true for qwen2 (as Qwen2-0.5B). */
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
 * Special tokens, by arch:
 * - llama: ids 0..3 are `<s>` (BOS, added by the post-processor), `</s>` (EOS), `<|im_start|>`,
 *   `<|im_end|>`; the chat template is ChatML after `{{ bos_token }}`; generation stops at
 *   `</s>` or `<|im_end|>`.
 * - qwen2 (as Qwen2): no BOS; `<|endoftext|>`, `<|im_start|>`, `<|im_end|>` come after the BPE
 *   vocabulary; the ChatML template adds a default system message.
 */
const specialsByArch = { llama: ['<s>', '</s>', '<|im_start|>', '<|im_end|>'], qwen2: ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] } as const;

const CHATML_LLAMA =
  "{{ bos_token }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

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
  arch: 'llama' | 'qwen2';
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
    hidden: options.hiddenSize ?? 64,
    layers: options.layers ?? 2,
    heads: options.heads ?? 4,
    kvHeads: options.kvHeads ?? 2,
    intermediate: options.intermediateSize ?? 128,
    vocab: options.vocabSize ?? 512,
    seed: options.seed ?? 0,
    tie: options.tieWordEmbeddings ?? options.arch === 'qwen2',
    dtype: options.dtype ?? 'F32',
    shards: options.shards ?? 1,
    maxPositions: options.maxPositionEmbeddings ?? 1024,
    chatTemplate: options.chatTemplate ?? true,
  };
  const bad = (what: string): never => {
    throw new EngineError('INVALID_ARGUMENT', `makeTinyModel: ${what}`);
  };
  if (r.arch !== 'llama' && r.arch !== 'qwen2') bad(`arch must be llama or qwen2, not ${JSON.stringify(r.arch)}.`);
  for (const [name, v] of Object.entries({ hiddenSize: r.hidden, layers: r.layers, heads: r.heads, kvHeads: r.kvHeads, intermediateSize: r.intermediate, shards: r.shards })) {
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
  const specials: readonly string[] = specialsByArch[r.arch];
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
  const llama = r.arch === 'llama';
  const vocabTokens = llama ? [...specials, ...ordered, ...reserved] : [...ordered, ...reserved, ...specials];
  const specialTokenIds: Record<string, number> = {};
  const addedContents = new Set([...specials, ...reserved]);
  const added = vocabTokens.flatMap((content, id) => {
    if (!addedContents.has(content)) return [];
    if (specials.includes(content)) specialTokenIds[content] = id;
    return [{ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
  });
  // Like SmolLM2, llama lists its special tokens in the model vocab too; like Qwen2, qwen2 only in added_tokens.
  const modelVocab = Object.fromEntries(vocabTokens.map((t, id) => [t, id] as const).filter(([t]) => llama || !addedContents.has(t)));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const bos = specialTokenIds['<s>'];
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: llama
      ? {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { '<s>': { id: '<s>', ids: [bos], tokens: ['<s>'] } },
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

function tokenizerFiles(r: Resolved, ids: Record<string, number>): Record<string, unknown> {
  const llama = r.arch === 'llama';
  const [bos, eos, pad] = llama ? ['<s>', '</s>', '</s>'] : [null, '<|im_end|>', '<|endoftext|>'];
  const addedTokensDecoder = Object.fromEntries(
    Object.entries(ids).map(([content, id]) => [String(id), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  const generation = llama
    ? { bos_token_id: ids['<s>'], eos_token_id: [ids['</s>'], ids['<|im_end|>']], pad_token_id: ids['</s>'], do_sample: false, transformers_version: '4.46.0' }
    : {
        bos_token_id: ids['<|endoftext|>'],
        eos_token_id: [ids['<|im_end|>'], ids['<|endoftext|>']],
        pad_token_id: ids['<|endoftext|>'],
        do_sample: true,
        temperature: 0.7,
        top_p: 0.8,
        top_k: 20,
        repetition_penalty: 1.05,
        transformers_version: '4.46.0',
      };
  return {
    'tokenizer_config.json': {
      add_bos_token: llama,
      add_eos_token: false,
      add_prefix_space: false,
      added_tokens_decoder: addedTokensDecoder,
      additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
      bos_token: bos,
      ...(r.chatTemplate ? { chat_template: llama ? CHATML_LLAMA : CHATML_QWEN2 } : {}),
      clean_up_tokenization_spaces: false,
      eos_token: eos,
      model_max_length: r.maxPositions,
      pad_token: pad,
      tokenizer_class: llama ? 'PreTrainedTokenizerFast' : 'Qwen2Tokenizer',
      unk_token: null,
    },
    'special_tokens_map.json': {
      additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
      ...(bos ? { bos_token: bos } : {}),
      eos_token: eos,
      pad_token: pad,
    },
    'generation_config.json': generation,
  };
}

function modelConfig(r: Resolved, ids: Record<string, number>): object {
  const torchDtype = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[r.dtype];
  const shared = {
    hidden_act: 'silu',
    hidden_size: r.hidden,
    initializer_range: 0.02,
    intermediate_size: r.intermediate,
    max_position_embeddings: r.maxPositions,
    num_attention_heads: r.heads,
    num_hidden_layers: r.layers,
    num_key_value_heads: r.kvHeads,
    tie_word_embeddings: r.tie,
    torch_dtype: torchDtype,
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: r.vocab,
  };
  if (r.arch === 'llama') {
    return {
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: ids['<s>'],
      eos_token_id: ids['</s>'],
      head_dim: r.hidden / r.heads,
      mlp_bias: false,
      model_type: 'llama',
      pretraining_tp: 1,
      rms_norm_eps: 1e-5,
      rope_scaling: null,
      rope_theta: 10000.0,
      ...shared,
    };
  }
  return {
    architectures: ['Qwen2ForCausalLM'],
    attention_dropout: 0.0,
    bos_token_id: ids['<|endoftext|>'],
    eos_token_id: ids['<|im_end|>'],
    max_window_layers: r.layers,
    model_type: 'qwen2',
    rms_norm_eps: 1e-6,
    rope_scaling: null,
    rope_theta: 1000000.0,
    sliding_window: null,
    use_sliding_window: false,
    ...shared,
  };
}

/** Every tensor, in checkpoint order, with HF names: weights ~N(0, 0.02), norms 1 ± 0.02. */
function tensors(r: Resolved): TensorToWrite[] {
  const rng = seededRng(r.seed);
  const headDim = r.hidden / r.heads;
  const out: TensorToWrite[] = [];
  const add = (name: string, shape: number[], mean = 0): void => {
    out.push({ name, shape, data: normal(shape.reduce((a, b) => a * b, 1), rng, 0.02, mean), dtype: r.dtype });
  };
  add('model.embed_tokens.weight', [r.vocab, r.hidden]);
  for (let l = 0; l < r.layers; l++) {
    const p = `model.layers.${l}`;
    add(`${p}.input_layernorm.weight`, [r.hidden], 1);
    for (const [proj, heads] of [['q_proj', r.heads], ['k_proj', r.kvHeads], ['v_proj', r.kvHeads]] as const) {
      add(`${p}.self_attn.${proj}.weight`, [heads * headDim, r.hidden]);
      if (r.arch === 'qwen2') add(`${p}.self_attn.${proj}.bias`, [heads * headDim]);
    }
    add(`${p}.self_attn.o_proj.weight`, [r.hidden, r.heads * headDim]);
    add(`${p}.post_attention_layernorm.weight`, [r.hidden], 1);
    add(`${p}.mlp.gate_proj.weight`, [r.intermediate, r.hidden]);
    add(`${p}.mlp.up_proj.weight`, [r.intermediate, r.hidden]);
    add(`${p}.mlp.down_proj.weight`, [r.hidden, r.intermediate]);
  }
  add('model.norm.weight', [r.hidden], 1);
  if (!r.tie) add('lm_head.weight', [r.vocab, r.hidden]);
  return out;
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
  const files = new Map<string, Uint8Array | string>([
    ['config.json', json(modelConfig(r, specialTokenIds))],
    ['tokenizer.json', json(tokenizer)],
    ...Object.entries(tokenizerFiles(r, specialTokenIds)).map(([name, value]) => [name, json(value)] as [string, string]),
    ...weightFiles(r, tensors(r)),
  ]);
  fs.mkdirSync(options.outDir, { recursive: true });
  for (const entry of fs.readdirSync(options.outDir)) {
    if (staleWeights.test(entry) && !files.has(entry)) fs.rmSync(path.join(options.outDir, entry));
  }
  for (const [name, data] of files) writeFileAtomic(path.join(options.outDir, name), data);
  return { dir: options.outDir, files: [...files.keys()].sort(), specialTokenIds };
}
