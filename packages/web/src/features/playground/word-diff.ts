import { diffWords } from 'diff';

export type DiffSegment = { kind: 'same' | 'added' | 'removed'; text: string };

/**
 * The words of `other` against `base`: what it adds, what it lacks, what they share. Adjacent
 * segments of one kind are merged. Very long texts are compared up to a bound so a big reply
 * cannot freeze the page (the rest is shown unmarked).
 */
export function wordDiff(base: string, other: string, maxChars = 20_000): DiffSegment[] {
  const a = base.slice(0, maxChars);
  const b = other.slice(0, maxChars);
  const segments: DiffSegment[] = [];
  const push = (kind: DiffSegment['kind'], text: string) => {
    if (!text) return;
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.text += text;
    else segments.push({ kind, text });
  };
  for (const change of diffWords(a, b)) push(change.added ? 'added' : change.removed ? 'removed' : 'same', change.value);
  push('same', other.slice(maxChars));
  return segments;
}
