/**
 * The shape of a built-in sample benchmark: its rows (written by us, so we can state the
 * licence) and the definition that reads them. The data are TypeScript modules, not asset
 * files: the server runs its sources through tsx, so whatever imports them finds them, from a
 * checkout or a clean build alike, with nothing to copy.
 */
import type { BenchmarkFields, BenchmarkGeneration, BenchmarkSample, BenchmarkTemplate } from '@qlora-studio/contracts';

export const SAMPLE_LICENCE = 'CC0-1.0';
export const SAMPLE_AUTHOR = 'QLoRA Studio contributors';

export interface SampleBenchmark extends Omit<BenchmarkSample, 'items'> {
  /** One object per item, stored as a JSONL dataset. */
  rows: Record<string, unknown>[];
  definition: {
    fields: BenchmarkFields;
    template?: BenchmarkTemplate;
    /** generate only; the contracts' defaults fill what is left out. */
    generation?: Partial<BenchmarkGeneration>;
  };
}

/** A small deterministic shuffle (a linear congruential generator), so a sample's bytes never change between runs. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
