import type { EvaluationSummary } from '@qlora-studio/contracts';

/** Succeeded evaluations that can be compared with each other: one benchmark version, one item limit. */
export interface ComparableGroup {
  key: string;
  benchmark: EvaluationSummary['benchmark'];
  limit: number | null;
  /** Newest first. */
  evaluations: EvaluationSummary[];
}

/** The server compares only jobs of one benchmark version run on the same items (the same limit). */
export function comparableKey(e: Pick<EvaluationSummary, 'benchmark' | 'limit'>): string {
  return `${e.benchmark.id}@${e.benchmark.version}#${e.limit ?? 'all'}`;
}

const newest = (e: EvaluationSummary) => e.finishedAt ?? e.createdAt;

/**
 * Succeeded evaluations grouped by benchmark version and limit, the group with the newest result
 * first; with `benchmarkId`, only that benchmark's groups.
 */
export function groupComparable(evaluations: readonly EvaluationSummary[], benchmarkId?: string | null): ComparableGroup[] {
  const groups = new Map<string, ComparableGroup>();
  for (const e of evaluations) {
    if (e.status !== 'succeeded' || !e.metrics) continue;
    if (benchmarkId && e.benchmark.id !== benchmarkId) continue;
    const key = comparableKey(e);
    const group = groups.get(key) ?? { key, benchmark: e.benchmark, limit: e.limit, evaluations: [] };
    group.evaluations.push(e);
    groups.set(key, group);
  }
  const list = [...groups.values()];
  for (const g of list) g.evaluations.sort((a, b) => newest(b).localeCompare(newest(a)));
  return list.sort((a, b) => newest(b.evaluations[0]!).localeCompare(newest(a.evaluations[0]!)));
}

/** "all items" or "the first 50 items". */
export function limitText(limit: number | null): string {
  return limit === null ? 'all items' : `the first ${limit} item${limit === 1 ? '' : 's'}`;
}

/**
 * Why `candidate` cannot be compared with `base`, in words the picker shows next to the disabled
 * choice; null when it can.
 */
export function whyNotComparable(candidate: EvaluationSummary, base: EvaluationSummary | undefined): string | null {
  if (!base) return 'Choose a base first: the others are compared with it.';
  if (candidate.jobId === base.jobId) return 'This is the base.';
  if (candidate.benchmark.id !== base.benchmark.id) return `Another benchmark (${candidate.benchmark.name}) than the base (${base.benchmark.name}).`;
  if (candidate.benchmark.version !== base.benchmark.version)
    return `Benchmark version ${candidate.benchmark.version}; the base ran version ${base.benchmark.version}, whose items may differ.`;
  if (candidate.limit !== base.limit) return `Scored ${limitText(candidate.limit)}; the base scored ${limitText(base.limit)}.`;
  return null;
}

/** `?jobs=a,b,c` → ['a','b','c'] (blank and repeated ids dropped, order kept: the first is the base). */
export function parseJobIds(param: string | null): string[] {
  const ids = (param ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set(ids)];
}

/** What a picked evaluation is called in lists: the model, with its adapter. */
export function modelLabel(e: Pick<EvaluationSummary, 'model' | 'adapter'>): string {
  return e.adapter ? `${e.model.name} + ${e.adapter.label}` : e.model.name;
}

/** How the weights were computed: "nf4, fast kernels" or "float32". */
export function settingsText(e: Pick<EvaluationSummary, 'quant' | 'kernels'>): string {
  return e.quant === 'nf4' ? `nf4, ${e.kernels ?? 'fast'} kernels` : 'float32';
}
