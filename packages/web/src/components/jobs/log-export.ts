import type { ViewerLine } from './log-lines';

/** Plain text: one "ISO-time LEVEL message" line per row. */
export function toLogText(lines: readonly ViewerLine[]): string {
  return lines.map((l) => `${l.at} ${l.level.toUpperCase()} ${l.message}\n`).join('');
}

/** JSON Lines: one event per line, a log line or a status change. */
export function toJsonl(lines: readonly ViewerLine[]): string {
  return lines
    .map(
      (l) =>
        JSON.stringify(
          l.kind === 'log' ? { kind: 'log', id: l.id, at: l.at, level: l.level, message: l.message } : { kind: 'status', at: l.at, status: l.status },
        ) + '\n',
    )
    .join('');
}

export type ExportFormat = 'log' | 'jsonl';

export const exportFormats: Record<ExportFormat, { format: (lines: readonly ViewerLine[]) => string; type: string }> = {
  log: { format: toLogText, type: 'text/plain' },
  jsonl: { format: toJsonl, type: 'application/jsonl' },
};

/** Saves the lines as `<base>.<format>` through the browser's download. */
export function saveLines(lines: readonly ViewerLine[], base: string, format: ExportFormat) {
  const { format: render, type } = exportFormats[format];
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([render(lines)], { type }));
  link.download = `${base}.${format}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
