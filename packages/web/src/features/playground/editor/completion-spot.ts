/**
 * Where completion applies on a line, worked out from the text either side of the cursor.
 * Kept apart from Monaco so it can be tested without a browser. Columns are 1-based, as in Monaco.
 */
export interface CompletionSpot {
  /** `variable`: after `{{`, offer variable names. `template`: offer template names. */
  kind: 'variable' | 'template';
  /** The range the chosen item replaces, on the cursor's line. */
  startColumn: number;
  endColumn: number;
}

/** Inside an unclosed `{{`: the partial name typed so far. */
const openVariable = /\{\{\s*([\w-]*)$/;
/** After the cursor: the rest of the name and the closing `}}` if it is already there, so they are replaced, not doubled. */
const variableRest = /^[\w-]*(?:\s*\}\})?/;
const wordBefore = /[\w-]*$/;
const wordAfter = /^[\w-]*/;

/**
 * @param before the line's text before the cursor
 * @param after the line's text after the cursor
 * @param explicit the user asked for completion (Ctrl+Space) rather than typed
 */
export function completionSpot(before: string, after: string, explicit: boolean): CompletionSpot | null {
  const cursor = before.length + 1;
  const open = openVariable.exec(before);
  if (open) {
    const rest = variableRest.exec(after)?.[0] ?? '';
    return { kind: 'variable', startColumn: cursor - open[1]!.length, endColumn: cursor + rest.length };
  }
  const word = wordBefore.exec(before)?.[0] ?? '';
  // Templates pop up only for the first word of a line, so typing prose mid-line stays quiet.
  const atLineStart = before.slice(0, before.length - word.length).trim() === '';
  if (explicit || (atLineStart && word.length > 0)) {
    const rest = wordAfter.exec(after)?.[0] ?? '';
    return { kind: 'template', startColumn: cursor - word.length, endColumn: cursor + rest.length };
  }
  return null;
}
