import path from 'node:path';
import { EngineError } from '../errors.js';
import { asRecord, readJsonFile, tokenIdList } from './json-file.js';

/**
 * The sampling defaults a model ships in `generation_config.json`. Every field is optional:
 * a model without the file, or a file without the field, leaves the choice to the caller.
 */
export interface GenerationConfig {
  doSample?: boolean;
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  repetitionPenalty?: number;
  maxNewTokens?: number;
  /** Prompt plus generated tokens (older configs use this instead of `max_new_tokens`). */
  maxLength?: number;
  /** Generation stops at any of these (`eos_token_id` may be one id or a list). */
  eosTokenIds: number[];
  bosTokenId?: number;
  padTokenId?: number;
}

const file = 'generation_config.json';

function invalid(field: string, value: unknown, why: string): never {
  throw new EngineError('MODEL_CONFIG_INVALID', `${file}: "${field}" ${why}, not ${JSON.stringify(value)}.`);
}

/** A number field; null or absent means "not set", as transformers reads it. */
function number(raw: Record<string, unknown>, field: string, check: (v: number) => boolean, why: string): number | undefined {
  const value = raw[field];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) invalid(field, value, why);
  return value;
}

function tokenId(raw: Record<string, unknown>, field: string): number | undefined {
  const value = raw[field];
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0) invalid(field, value, 'must be a token id');
  return value as number;
}

/** Check and normalise a parsed `generation_config.json`. */
export function parseGenerationConfig(raw: unknown): GenerationConfig {
  const c = asRecord(raw);
  if (!c) throw new EngineError('MODEL_CONFIG_INVALID', `${file} must hold a JSON object.`);
  const eos = c.eos_token_id;
  if (eos !== null && eos !== undefined && tokenIdList(eos).length !== (Array.isArray(eos) ? eos.length : 1)) {
    invalid('eos_token_id', eos, 'must be a token id or a list of token ids');
  }
  const out: GenerationConfig = { eosTokenIds: [...new Set(tokenIdList(eos))] };
  if (typeof c.do_sample === 'boolean') out.doSample = c.do_sample;
  const set = <K extends keyof GenerationConfig>(key: K, value: GenerationConfig[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set(
    'temperature',
    number(c, 'temperature', (v) => v >= 0, 'must be a number ≥ 0'),
  );
  set(
    'topP',
    number(c, 'top_p', (v) => v > 0 && v <= 1, 'must be in (0, 1]'),
  );
  set(
    'topK',
    number(c, 'top_k', (v) => Number.isInteger(v) && v >= 0, 'must be a whole number ≥ 0'),
  );
  set(
    'minP',
    number(c, 'min_p', (v) => v >= 0 && v <= 1, 'must be in [0, 1]'),
  );
  set(
    'repetitionPenalty',
    number(c, 'repetition_penalty', (v) => v > 0, 'must be a number > 0'),
  );
  set(
    'maxNewTokens',
    number(c, 'max_new_tokens', (v) => Number.isInteger(v) && v > 0, 'must be a whole number > 0'),
  );
  set(
    'maxLength',
    number(c, 'max_length', (v) => Number.isInteger(v) && v > 0, 'must be a whole number > 0'),
  );
  set('bosTokenId', tokenId(c, 'bos_token_id'));
  set('padTokenId', tokenId(c, 'pad_token_id'));
  return out;
}

/** Read `generation_config.json` from a model folder; an absent file gives empty defaults. */
export function readGenerationConfig(dir: string): GenerationConfig {
  const raw = readJsonFile(path.join(dir, file), 'MODEL_CONFIG_INVALID');
  return raw === undefined ? { eosTokenIds: [] } : parseGenerationConfig(raw);
}
