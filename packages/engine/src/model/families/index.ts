/** The model families the engine runs: one descriptor each (see ../architecture.ts). */
import type { FamilyDescriptor } from '../architecture.js';
import { gemma } from './gemma.js';
import { llama } from './llama.js';
import { qwen3 } from './qwen3.js';

const families: readonly FamilyDescriptor[] = [llama, qwen3, gemma];

/** Every `model_type` the engine reads. */
export const supportedArchitectures: readonly string[] = families.flatMap((f) => f.modelTypes);

/** The descriptor of a `model_type`, or undefined. */
export function familyOf(modelType: string): FamilyDescriptor | undefined {
  return families.find((f) => f.modelTypes.includes(modelType));
}
