/** One occurrence of the search text: in row `row`, characters [start, end). */
export interface LogMatch {
  row: number;
  start: number;
  end: number;
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-insensitive, global matcher for the literal text, or null for an empty query. */
export function searchPattern(query: string): RegExp | null {
  const q = query.trim();
  return q ? new RegExp(escapeRegExp(q), 'gi') : null;
}

/** Every occurrence of the query in the rows' messages, in reading order. Case-insensitive, literal. */
export function findMatches(rows: readonly { message: string }[], query: string): LogMatch[] {
  const pattern = searchPattern(query);
  if (!pattern) return [];
  const matches: LogMatch[] = [];
  for (let row = 0; row < rows.length; row++) {
    const message = rows[row]!.message;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(message); m; m = pattern.exec(message)) matches.push({ row, start: m.index, end: m.index + m[0].length });
  }
  return matches;
}

/** A message cut into plain and matching parts, for highlighting. */
export interface Segment {
  text: string;
  /** Character offset of the part in the message. */
  start: number;
  match: boolean;
}

export function highlightSegments(message: string, pattern: RegExp | null): Segment[] {
  if (!pattern) return [{ text: message, start: 0, match: false }];
  const segments: Segment[] = [];
  let at = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(message); m; m = pattern.exec(message)) {
    if (m.index > at) segments.push({ text: message.slice(at, m.index), start: at, match: false });
    segments.push({ text: m[0], start: m.index, match: true });
    at = m.index + m[0].length;
  }
  if (at < message.length || !segments.length) segments.push({ text: message.slice(at), start: at, match: false });
  return segments;
}

/** The match index after `current` (wrapping), or before it with `back`; -1 when there are none. */
export function stepMatch(current: number, total: number, back = false): number {
  if (total === 0) return -1;
  if (current < 0) return back ? total - 1 : 0;
  return (current + (back ? -1 : 1) + total) % total;
}

/** "3 of 12 matches", "No matches", or "" without a query. */
export function matchSummary(current: number, total: number, hasQuery: boolean): string {
  if (!hasQuery) return '';
  if (total === 0) return 'No matches';
  const of = `of ${total.toLocaleString('en-US')} ${total === 1 ? 'match' : 'matches'}`;
  return current < 0 ? `${total.toLocaleString('en-US')} ${total === 1 ? 'match' : 'matches'}` : `${(current + 1).toLocaleString('en-US')} ${of}`;
}
