/**
 * The judge's side of a judge benchmark: the rubric filled for one item, and the score read
 * back from the judge's reply.
 */

/** The values a rubric's placeholders take for one item. */
export interface RubricValues {
  question: string;
  reference: string;
  answer: string;
  /** The item's dataset row: any other `{field}` is filled from it. */
  row?: Record<string, unknown>;
}

/**
 * The rubric with `{question}`, `{reference}` and `{answer}` filled, and any other `{name}` that
 * names a text, number or boolean field of the row. Other braces stay as written, so a rubric can
 * show the judge a JSON example. Filled in one pass: an answer containing "{reference}" is not
 * filled again.
 */
export function fillRubric(rubric: string, values: RubricValues): string {
  return rubric.replace(/\{([^{}\s]+)\}/g, (whole, name: string) => {
    if (name === 'question' || name === 'reference' || name === 'answer') return values[name];
    const field = values.row?.[name];
    return typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean' ? String(field) : whole;
  });
}

/**
 * The score of the reply's last "Score: N" line (1 to 10), or null when there is none. Tolerates
 * markdown and a scale: "Score: 8", "**Score:** 8", "Score = 7/10", "score: 7.5".
 * A number outside 1–10 is not a score on this scale, so it counts as none.
 */
export function parseJudgeScore(reply: string): number | null {
  const matches = [...reply.matchAll(/score[*_\s]*[:=][*_\s]*(\d+(?:\.\d+)?)(?:\s*(?:\/|out of)\s*10\b)?/gi)];
  const last = matches.at(-1);
  if (!last) return null;
  const score = Number(last[1]);
  return score >= 1 && score <= 10 ? score : null;
}
