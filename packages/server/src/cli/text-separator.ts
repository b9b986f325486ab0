import fs from 'node:fs';

/**
 * How a data file's plain-text documents are separated: as named (`--separator`; empty means
 * blank lines), else by `<|endoftext|>` in a .txt that holds one (as GPT-2-style corpora are
 * joined), else by blank lines (undefined). Other file types have no documents to separate.
 */
export function textSeparator(file: string, named?: string): string | undefined {
  // Empty means blank lines, as in the Fine-tune page's form (splitting on '' would cut every character apart).
  if (named !== undefined) return named === '' ? undefined : named;
  if (!file.endsWith('.txt') || !fs.existsSync(file)) return undefined;
  return fs.readFileSync(file, 'utf8').includes('<|endoftext|>') ? '<|endoftext|>' : undefined;
}
