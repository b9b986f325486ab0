import path from 'node:path';
import { parseArgs } from 'node:util';
import { floatDtypes, makeTinyModel, supportedArchitectures, type FloatDtype } from '@qlora-studio/engine';
import { UserError } from './serve.js';

function whole(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new UserError(`--${name} must be a whole number, not "${raw}".`);
  return value;
}

/** `qlora make-tiny-model`: a deterministic random HF model folder for tests and demos. */
export function makeTinyModelCommand(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      arch: { type: 'string' },
      out: { type: 'string' },
      'hidden-size': { type: 'string' },
      layers: { type: 'string' },
      heads: { type: 'string' },
      'kv-heads': { type: 'string' },
      'intermediate-size': { type: 'string' },
      'vocab-size': { type: 'string' },
      seed: { type: 'string' },
      dtype: { type: 'string' },
      shards: { type: 'string' },
      'tie-word-embeddings': { type: 'boolean' },
      'no-chat-template': { type: 'boolean' },
    },
  });
  if (!values.arch || !supportedArchitectures.includes(values.arch))
    throw new UserError(`Choose an architecture: --arch ${supportedArchitectures.join(', --arch ')}.`);
  if (!values.out) throw new UserError('Name the folder to create: --out DIR.');
  if (values.dtype !== undefined && !floatDtypes.includes(values.dtype as FloatDtype)) {
    throw new UserError(`--dtype must be one of ${floatDtypes.join(', ')}.`);
  }
  const sizes = {
    hiddenSize: whole('hidden-size', values['hidden-size']),
    layers: whole('layers', values.layers),
    heads: whole('heads', values.heads),
    kvHeads: whole('kv-heads', values['kv-heads']),
    intermediateSize: whole('intermediate-size', values['intermediate-size']),
    vocabSize: whole('vocab-size', values['vocab-size']),
    seed: whole('seed', values.seed),
    shards: whole('shards', values.shards),
  };
  const model = makeTinyModel({
    arch: values.arch,
    outDir: path.resolve(values.out),
    ...Object.fromEntries(Object.entries(sizes).filter(([, v]) => v !== undefined)),
    ...(values.dtype ? { dtype: values.dtype as FloatDtype } : {}),
    ...(values['tie-word-embeddings'] ? { tieWordEmbeddings: true } : {}),
    ...(values['no-chat-template'] ? { chatTemplate: false } : {}),
  });
  console.log(`Created a tiny ${values.arch} model in ${model.dir}: ${model.files.join(', ')}`);
}
