import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { EngineError } from '../errors.js';
import { readGenerationConfig } from './generation-config.js';
import { asRecord, readJsonFile, tokenIdList } from './json-file.js';

/** The special token strings a tokenizer declares (null where it has none). */
export interface SpecialTokens {
  bos: string | null;
  eos: string | null;
  pad: string | null;
  unk: string | null;
  /** `additional_special_tokens`, e.g. `<|im_start|>`. */
  additional: string[];
}

/** What a tokenizer is built from: the parsed files of a Hugging Face model folder. */
export interface TokenizerSources {
  tokenizerJson: unknown;
  tokenizerConfig?: unknown;
  specialTokensMap?: unknown;
  /** End-of-sequence ids declared elsewhere (config.json, generation_config.json). */
  extraEosTokenIds?: readonly number[];
}

/**
 * Turns generated ids into text as they arrive. `push` returns only text that is final: a
 * character split over several byte tokens (byte fallback, or byte-level BPE) is held back
 * until its last byte arrives, and a decoder that strips a leading space sees the same context
 * it would see decoding the whole sequence.
 */
export interface DecodeStream {
  /** Add one id; returns the newly completed text ('' while a character is incomplete). */
  push(id: number): string;
  /** Text still held back (an incomplete character at the end), decoded as is. */
  flush(): string;
}

/** A token string from `tokenizer_config.json` / `special_tokens_map.json`: a string or `{content}`. */
function tokenString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  const record = asRecord(value);
  return typeof record?.content === 'string' ? record.content : null;
}

function invalid(message: string, cause?: unknown): EngineError {
  return new EngineError('TOKENIZER_INVALID', message, cause === undefined ? undefined : { cause });
}

/** Index of `needle` as a contiguous run inside `haystack`, or -1. */
function indexOfRun(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * A Hugging Face tokenizer (`tokenizer.json` + `tokenizer_config.json`), run by
 * `@huggingface/tokenizers`: BPE with byte fallback (SentencePiece-style, Llama 2) and
 * byte-level BPE (GPT-2, Llama 3, SmolLM, Qwen) among others.
 *
 * Special tokens on encode follow transformers: the post-processor of `tokenizer.json` adds
 * them, and an explicit `add_bos_token` / `add_eos_token` in `tokenizer_config.json` overrides
 * it (as LlamaTokenizerFast rebuilds its post-processor from those flags).
 */
export class Tokenizer {
  readonly specialTokens: SpecialTokens;
  /** Id of the BOS token, or null when the tokenizer has none (Qwen2). */
  readonly bosTokenId: number | null;
  /** Every id that ends a sequence: tokenizer's eos, config.json's and generation_config.json's, in that order. */
  readonly eosTokenIds: number[];
  readonly padTokenId: number | null;
  /** Number of ids the tokenizer can produce (highest id + 1). */
  readonly vocabSize: number;
  /** The parsed `tokenizer_config.json` ({} when absent), e.g. for its chat template. */
  readonly config: Readonly<Record<string, unknown>>;
  private readonly hf: HfTokenizer;
  private readonly vocab: readonly (string | undefined)[];
  private readonly specialIds: ReadonlySet<number>;
  /** Ids the post-processor puts around a single sequence, after the add_*_token overrides; null when not a fixed template. */
  private readonly template: { prefix: number[]; suffix: number[] } | null;

  constructor(sources: TokenizerSources) {
    const json = asRecord(sources.tokenizerJson);
    if (!json || !asRecord(json.model)) throw invalid('tokenizer.json must hold a JSON object with a "model".');
    const config = asRecord(sources.tokenizerConfig ?? {});
    if (!config) throw invalid('tokenizer_config.json must hold a JSON object.');
    const map = asRecord(sources.specialTokensMap ?? {}) ?? {};
    const pick = (key: string): string | null => tokenString(config[key]) ?? tokenString(map[key]);
    const additionalRaw = config.additional_special_tokens ?? map.additional_special_tokens;
    this.specialTokens = {
      bos: pick('bos_token'),
      eos: pick('eos_token'),
      pad: pick('pad_token'),
      unk: pick('unk_token'),
      additional: Array.isArray(additionalRaw) ? additionalRaw.map(tokenString).filter((t): t is string => t !== null) : [],
    };
    this.config = config;
    try {
      // transformers ≥ 4.45 defaults clean_up_tokenization_spaces to false; the library to true,
      // which would turn "a ." into "a." and break encode→decode round trips.
      this.hf = new HfTokenizer(json, {
        ...config,
        clean_up_tokenization_spaces: config.clean_up_tokenization_spaces === true,
        additional_special_tokens: this.specialTokens.additional,
      });
    } catch (error) {
      throw invalid(`tokenizer.json could not be loaded: ${(error as Error).message}`, error);
    }
    this.vocab = this.hf.model?.vocab ?? [];
    this.vocabSize = this.vocab.length;
    const id = (token: string | null): number | null => (token === null ? null : (this.hf.token_to_id(token) ?? null));
    this.bosTokenId = id(this.specialTokens.bos);
    this.padTokenId = id(this.specialTokens.pad);
    const eos = id(this.specialTokens.eos);
    this.eosTokenIds = [...new Set([...(eos === null ? [] : [eos]), ...(sources.extraEosTokenIds ?? [])])];
    const special = new Set<number>();
    for (const [tokenId, token] of this.hf.get_added_tokens_decoder()) if (token.special) special.add(tokenId);
    for (const token of this.specialTokens.additional) {
      const tokenId = id(token);
      if (tokenId !== null) special.add(tokenId);
    }
    this.specialIds = special;
    this.template = this.probeTemplate();
  }

  /** Load from a model folder: `tokenizer.json` (required), `tokenizer_config.json`, `special_tokens_map.json`. */
  static fromFolder(dir: string, options: { extraEosTokenIds?: readonly number[] } = {}): Tokenizer {
    const tokenizerFile = path.join(dir, 'tokenizer.json');
    if (!fs.existsSync(tokenizerFile)) throw new EngineError('MODEL_FILE_MISSING', `${dir} has no tokenizer.json.`);
    let extraEosTokenIds = options.extraEosTokenIds;
    if (!extraEosTokenIds) {
      const modelConfig = asRecord(readJsonFile(path.join(dir, 'config.json'), 'MODEL_CONFIG_INVALID'));
      extraEosTokenIds = [...tokenIdList(modelConfig?.eos_token_id), ...readGenerationConfig(dir).eosTokenIds];
    }
    return new Tokenizer({
      tokenizerJson: readJsonFile(tokenizerFile, 'TOKENIZER_INVALID'),
      tokenizerConfig: readJsonFile(path.join(dir, 'tokenizer_config.json'), 'TOKENIZER_INVALID'),
      specialTokensMap: readJsonFile(path.join(dir, 'special_tokens_map.json'), 'TOKENIZER_INVALID'),
      extraEosTokenIds,
    });
  }

  /** Token ids of `text`; with `addSpecialTokens` (default true) the BOS/EOS the model expects are added. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    if (!addSpecialTokens || this.template) {
      const ids = this.hf.encode(text, { add_special_tokens: false }).ids;
      return addSpecialTokens && this.template ? [...this.template.prefix, ...ids, ...this.template.suffix] : ids;
    }
    return this.applyFlags(this.hf.encode(text, { add_special_tokens: true }).ids);
  }

  /** Text of `ids`; with `skipSpecialTokens` special tokens (BOS, EOS, `<|im_end|>`...) are left out. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.vocab[id] === undefined) {
        throw new EngineError('INVALID_ARGUMENT', `Token id ${id} is not in this tokenizer's vocabulary (0..${this.vocabSize - 1}).`);
      }
    }
    if (ids.length === 0) return '';
    return this.hf.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /**
   * A streaming decoder for generation. `prefixIds` are ids already shown (the prompt, or just
   * BOS): they are not repeated, but give the first generated token its context, so that a
   * leading space a decoder would strip at the start of a text is kept after a prompt.
   */
  createDecodeStream(options: { skipSpecialTokens?: boolean; prefixIds?: readonly number[] } = {}): DecodeStream {
    // The window [prefixOffset, readOffset) is text already emitted; decoding it with and without
    // the new ids and keeping the difference gives the new text (as text-generation-inference does).
    // A few prefix ids are context enough: decoders only look at the start of the text.
    const ids = [...(options.prefixIds ?? []).slice(-8)];
    let prefixOffset = 0;
    let readOffset = ids.length;
    const decode = (slice: number[]): string => this.decode(slice, { skipSpecialTokens: options.skipSpecialTokens ?? false });
    const step = (final: boolean): string => {
      const before = decode(ids.slice(prefixOffset, readOffset));
      const after = decode(ids.slice(prefixOffset));
      if (after.length <= before.length || (!final && after.endsWith('\uFFFD'))) return '';
      prefixOffset = readOffset;
      readOffset = ids.length;
      return after.startsWith(before) ? after.slice(before.length) : after.slice(commonPrefixLength(before, after));
    };
    return {
      push: (id: number) => {
        ids.push(id);
        return step(false);
      },
      flush: () => step(true),
    };
  }

  /** The token string of an id (e.g. `▁Once`, `Ġthe`, `<0x0A>`), or undefined. */
  idToToken(id: number): string | undefined {
    return this.vocab[id];
  }

  /** The id of a token string, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  /** Whether `id` is a special token (dropped by `skipSpecialTokens`). */
  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /**
   * What the post-processor adds around one sequence, found by encoding a probe with and
   * without special tokens, then corrected by `add_bos_token` / `add_eos_token`.
   */
  private probeTemplate(): { prefix: number[]; suffix: number[] } | null {
    const raw = this.hf.encode('a', { add_special_tokens: false }).ids;
    const full = this.hf.encode('a', { add_special_tokens: true }).ids;
    const at = raw.length === 0 ? -1 : indexOfRun(full, raw);
    if (at < 0) return null;
    const fixed = this.applyFlags([...full.slice(0, at), -1, ...full.slice(at + raw.length)]);
    const mark = fixed.indexOf(-1);
    return { prefix: fixed.slice(0, mark), suffix: fixed.slice(mark + 1) };
  }

  private applyFlags(ids: number[]): number[] {
    const out = [...ids];
    const eos = this.specialTokens.eos === null ? undefined : this.hf.token_to_id(this.specialTokens.eos);
    const addBos = this.config.add_bos_token;
    const addEos = this.config.add_eos_token;
    if (this.bosTokenId !== null && typeof addBos === 'boolean') {
      if (addBos && out[0] !== this.bosTokenId) out.unshift(this.bosTokenId);
      if (!addBos && out[0] === this.bosTokenId) out.shift();
    }
    if (eos !== undefined && typeof addEos === 'boolean') {
      if (addEos && out[out.length - 1] !== eos) out.push(eos);
      if (!addEos && out.length > 0 && out[out.length - 1] === eos) out.pop();
    }
    return out;
  }
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
