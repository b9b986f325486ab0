/**
 * Where a JSON syntax error is, as a line and column a person can find in an editor. V8 puts
 * "at position N" in some messages but not in others ("Unexpected token 'x', "…" is not valid
 * JSON" on Node 20), and a minified file is one huge line, so the message's snippet alone does
 * not locate the error: without a position, a small validating scanner finds it.
 */

/** 1-based line and column (in UTF-16 code units, as editors count) of `position` in `text`. */
export function lineColumnAt(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: position - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
// JSON strings may not hold raw control characters (U+0000 to U+001F).
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Offset of the first JSON syntax error in `text` (the text's length when it ends too early), or -1. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const token = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  // Returns false at the offending character, with `i` left on it.
  const value = (): boolean => {
    space();
    const c = text[i];
    if (c === '"') return token(STRING);
    if (c === '[' || c === '{') return container(c === '[' ? ']' : '}');
    return token(NUMBER) || token(LITERAL);
  };
  const container = (close: string): boolean => {
    i++;
    space();
    if (text[i] === close) return (i++, true);
    for (;;) {
      if (close === '}') {
        space();
        if (text[i] !== '"' || !token(STRING)) return false;
        space();
        if (text[i] !== ':') return false;
        i++;
      }
      if (!value()) return false;
      space();
      if (text[i] === close) return (i++, true);
      if (text[i] !== ',') return false;
      i++;
    }
  };
  if (!value()) return Math.min(i, text.length);
  space();
  return i < text.length ? i : -1;
}

/** The offset of `error` (from JSON.parse of `text`): V8's own position when it gives one. */
export function jsonErrorPosition(text: string, error: Error): number {
  const stated = /at position (\d+)/.exec(error.message);
  if (stated) return Number(stated[1]);
  if (/Unexpected end of JSON input/.test(error.message)) return text.length;
  const found = jsonErrorOffset(text);
  return found === -1 ? 0 : found;
}
