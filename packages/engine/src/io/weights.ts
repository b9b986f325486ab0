import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { SafetensorsFile, type TensorInfo } from './safetensors.js';

const singleFile = 'model.safetensors';
const indexFile = 'model.safetensors.index.json';

/**
 * The weights of a model folder: one `model.safetensors`, or shards listed by
 * `model.safetensors.index.json`. Shards are opened when first needed; tensors are read one at a time.
 */
export class ModelWeights {
  private readonly open = new Map<string, SafetensorsFile>();

  private constructor(
    readonly folder: string,
    /** Tensor name → shard file name. */
    private readonly location: Map<string, string>,
  ) {}

  static open(folder: string): ModelWeights {
    const single = path.join(folder, singleFile);
    if (fs.existsSync(single)) {
      const file = SafetensorsFile.open(single);
      const weights = new ModelWeights(folder, new Map([...file.tensors.keys()].map((name) => [name, singleFile])));
      weights.open.set(singleFile, file);
      return weights;
    }
    const index = path.join(folder, indexFile);
    if (!fs.existsSync(index)) {
      throw new EngineError('MODEL_FILE_MISSING', `${folder} has neither ${singleFile} nor ${indexFile}.`);
    }
    let weightMap: Record<string, string>;
    try {
      weightMap = (JSON.parse(fs.readFileSync(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
    } catch (error) {
      throw new EngineError('SAFETENSORS_INVALID', `${index} is not valid JSON: ${(error as Error).message}`);
    }
    for (const shard of new Set(Object.values(weightMap))) {
      if (shard.includes('/') || shard.includes('\\') || shard.startsWith('.')) {
        throw new EngineError('SAFETENSORS_INVALID', `${index} names a shard outside the folder: "${shard}".`);
      }
      if (!fs.existsSync(path.join(folder, shard))) {
        throw new EngineError('MODEL_FILE_MISSING', `${folder} is missing the shard ${shard} listed in ${indexFile}.`);
      }
    }
    return new ModelWeights(folder, new Map(Object.entries(weightMap)));
  }

  names(): string[] {
    return [...this.location.keys()];
  }

  has(name: string): boolean {
    return this.location.has(name);
  }

  info(name: string): TensorInfo {
    return this.file(name).info(name);
  }

  readFloat32(name: string): Float32Array {
    return this.file(name).readFloat32(name);
  }

  close(): void {
    for (const file of this.open.values()) file.close();
    this.open.clear();
  }

  private file(name: string): SafetensorsFile {
    const shard = this.location.get(name);
    if (!shard) throw new EngineError('TENSOR_MISSING', `The weights in ${this.folder} have no tensor "${name}".`);
    let file = this.open.get(shard);
    if (!file) {
      file = SafetensorsFile.open(path.join(this.folder, shard));
      this.open.set(shard, file);
    }
    if (!file.tensors.has(name)) {
      throw new EngineError('SAFETENSORS_INVALID', `${indexFile} places "${name}" in ${shard}, but that shard does not hold it.`);
    }
    return file;
  }
}
