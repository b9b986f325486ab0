import { exampleOutcomes, type EvaluationComparison } from '@qlora-studio/contracts';

export type Example = EvaluationComparison['examples'][number];
export type ExampleOutcome = (typeof exampleOutcomes)[number];
export type ExampleSortKey = 'index' | 'outcome' | 'score';

export interface ExampleQuery {
  /** Which compared model (1… in the comparison's order) the outcome and score are of. */
  model: number;
  /** Outcomes to show; empty shows all. */
  outcomes: readonly ExampleOutcome[];
  /** Matched, case-insensitively, against the prompt, the reference and every model's answer. */
  text: string;
  sort: ExampleSortKey;
  descending: boolean;
  /** The per-item score sorted by (e.g. accuracy, f1, item_loss). */
  scoreName: string;
}

/** Outcomes in the order a sort by outcome puts them: what the fine-tune changed first. */
const outcomeRank: Record<ExampleOutcome, number> = { won: 0, lost: 1, 'both wrong': 2, 'both right': 3 };

/** The outcome of `model` against the base on this example (undefined for the base itself). */
export function outcomeOf(example: Example, model: number): ExampleOutcome | undefined {
  return example.models[model]?.outcome;
}

/** A model's per-item score, or NaN when it has none of that name. */
export function scoreOf(example: Example, model: number, name: string): number {
  const value = example.models[model]?.scores[name];
  return typeof value === 'number' ? value : Number.NaN;
}

function matchesText(example: Example, needle: string): boolean {
  if (!needle) return true;
  const haystack = [example.prompt, example.reference, ...example.models.flatMap((m) => [m.prediction, m.output ?? ''])];
  return haystack.some((s) => s.toLowerCase().includes(needle));
}

/** The examples the query shows, in its order (ties keep the benchmark's order). */
export function selectExamples(examples: readonly Example[], query: ExampleQuery): Example[] {
  const needle = query.text.trim().toLowerCase();
  const wanted = new Set(query.outcomes);
  const shown = examples.filter((e) => {
    const outcome = outcomeOf(e, query.model);
    if (wanted.size && (!outcome || !wanted.has(outcome))) return false;
    return matchesText(e, needle);
  });
  const key = (e: Example): number => {
    if (query.sort === 'index') return e.index;
    if (query.sort === 'outcome') {
      const o = outcomeOf(e, query.model);
      return o ? outcomeRank[o] : 99;
    }
    return scoreOf(e, query.model, query.scoreName);
  };
  const sign = query.descending ? -1 : 1;
  return shown
    .map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => {
      // Items without the score go last either way.
      const an = Number.isNaN(a.k);
      const bn = Number.isNaN(b.k);
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      return (a.k - b.k) * sign || a.i - b.i;
    })
    .map(({ e }) => e);
}

/** How many examples of each outcome `model` has against the base. */
export function countOutcomes(examples: readonly Example[], model: number): Record<ExampleOutcome, number> {
  const counts = Object.fromEntries(exampleOutcomes.map((o) => [o, 0])) as Record<ExampleOutcome, number>;
  for (const e of examples) {
    const o = outcomeOf(e, model);
    if (o) counts[o] += 1;
  }
  return counts;
}

/** Page `page` (0-based) of `size` items, with the page clamped into range. */
export function pageOf<T>(list: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { items: list.slice(p * size, p * size + size), page: p, pages };
}
