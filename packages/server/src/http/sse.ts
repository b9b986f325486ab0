export interface SseMessage {
  id?: number | string;
  event?: string;
  data?: string;
  retry?: number;
}

/**
 * Serialize one server-sent event. Multi-line data becomes several `data:` lines; an id or
 * event name holding CR or LF would break the framing, so it is refused.
 */
export function formatSse(message: SseMessage): string {
  let out = '';
  if (message.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(message.retry))}\n`;
  if (message.id !== undefined) {
    const id = String(message.id);
    if (/[\r\n]/.test(id)) throw new Error('An SSE id may not contain CR or LF.');
    out += `id: ${id}\n`;
  }
  if (message.event !== undefined) {
    if (/[\r\n]/.test(message.event)) throw new Error('An SSE event name may not contain CR or LF.');
    out += `event: ${message.event}\n`;
  }
  if (message.data !== undefined) {
    for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The id a client asks to resume after: the Last-Event-ID header, or `lastEventId` in the query. */
export function resumeId(header: string | string[] | undefined, query: unknown): number | null {
  const fromQuery = typeof query === 'object' && query !== null ? (query as Record<string, unknown>).lastEventId : undefined;
  const raw = (Array.isArray(header) ? header[0] : header) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
  if (raw === undefined || raw === '') return null;
  const id = Number(raw);
  return Number.isInteger(id) && id >= 0 ? id : null;
}
