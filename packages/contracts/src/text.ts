/**
 * `text` cut to at most `max` characters, ending in "…" when cut. It counts and cuts whole
 * characters (code points), never half of an emoji: a lone surrogate is not valid UTF-8, so it
 * would break `encodeURIComponent` and come back from SQLite as replacement characters.
 */
export function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** The first `max` whole characters of `text`, without an ellipsis. */
export function firstChars(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}
