/**
 * A small, deterministic trainer for GPT-2-style byte-level BPE, enough to give generated test
 * models a real `tokenizer.json`. Not fast (it recounts pairs after every merge): it is meant for
 * a few kilobytes of text and a few thousand merges.
 */

/**
 * GPT-2's map from bytes to printable characters: printable Latin-1 bytes map to themselves,
 * the others to U+0100 onwards, so every byte sequence is a string without spaces or controls.
 */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  return out;
})();

/** The split regex of the ByteLevel pre-tokenizer (use_regex: true), as tokenizers.js uses it. */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();

/** A pre-token as byte-level symbols (one per byte). */
export function byteLevelSymbols(piece: string): string[] {
  return Array.from(encoder.encode(piece), (byte) => BYTE_TO_UNICODE[byte]!);
}

export interface ByteLevelBpe {
  /** Merges in rank order, each a pair of symbols. */
  merges: [string, string][];
  /** The token each merge creates, in the same order (a merge may recreate an existing token). */
  mergedTokens: string[];
}

/**
 * Learn up to `maxNewTokens` new tokens from `corpus`: split it as the ByteLevel pre-tokenizer
 * does, then repeatedly merge the most frequent adjacent pair (ties broken by the pair's
 * strings, so the result depends on nothing but the corpus). Stops early when no pair is left.
 */
export function trainByteLevelBpe(corpus: string, maxNewTokens: number): ByteLevelBpe {
  const counts = new Map<string, number>();
  for (const piece of corpus.match(GPT2_SPLIT) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const words = [...counts].map(([piece, count]) => ({ symbols: byteLevelSymbols(piece), count }));
  const known = new Set<string>(BYTE_TO_UNICODE);
  const merges: [string, string][] = [];
  const mergedTokens: string[] = [];
  let added = 0;
  while (added < maxNewTokens) {
    const pairs = new Map<string, { a: string; b: string; count: number }>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        const entry = pairs.get(key);
        if (entry) entry.count += count;
        else pairs.set(key, { a: symbols[i]!, b: symbols[i + 1]!, count });
      }
    }
    let best: { a: string; b: string; count: number } | undefined;
    for (const pair of pairs.values()) {
      if (!best || pair.count > best.count || (pair.count === best.count && (pair.a < best.a || (pair.a === best.a && pair.b < best.b)))) best = pair;
    }
    if (!best) break;
    const token = best.a + best.b;
    merges.push([best.a, best.b]);
    mergedTokens.push(token);
    if (!known.has(token)) {
      known.add(token);
      added++;
    }
    for (const word of words) {
      const s = word.symbols;
      const next: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === best.a && s[i + 1] === best.b) {
          next.push(token);
          i++;
        } else next.push(s[i]!);
      }
      word.symbols = next;
    }
  }
  return { merges, mergedTokens };
}
