/**
 * A label as lines that fit `chars` characters: "Model + adapter" breaks before the "+", then any
 * line still too long breaks every `chars` (adapter folder names have no spaces to break at).
 */
export function wrapLabel(label: string, chars: number): string[] {
  const [model, ...adapters] = label.split(' + ');
  const parts = [model!, ...adapters.map((a) => `+ ${a}`)];
  return parts.flatMap((part) => {
    const lines: string[] = [];
    for (const word of part.split(' ')) {
      const last = lines[lines.length - 1];
      if (last !== undefined && last.length + 1 + word.length <= chars) lines[lines.length - 1] = `${last} ${word}`;
      else for (let i = 0; i < Math.max(word.length, 1); i += chars) lines.push(word.slice(i, i + chars));
    }
    return lines;
  });
}
