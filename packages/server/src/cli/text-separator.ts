import fs from 'node:fs';

/**
 * How a data file's plain-text documents are separated: as named (`--separator`), else by
 * `<|endoftext|>` in a .txt that holds one (as GPT-2-style corpora are joined), else by blank
 * lines (undefined). Other file types have no documents to separate.
 */
export function textSeparator(file: string, named?: string): string | undefined {
  if (named !== undefined) return named;
  if (!file.endsWith('.txt') || !fs.existsSync(file)) return undefined;
  return fs.readFileSync(file, 'utf8').includes('<|endoftext|>') ? '<|endoftext|>' : undefined;
}
