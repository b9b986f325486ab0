import { advisedSeqLen, type TokenStats } from '@qlora-studio/contracts';

/**
 * What the report says about the sequence length, and what to do about it. One rule gives both
 * the count and the advice: a record is cut when it has more tokens than the sequence length
 * (`TokenStats.overSeqLen`), so the advice is the length at which no record is cut (the longest
 * record, rounded up to a multiple of 64), never more than the model reads. Where even that is
 * not enough, it says what stays cut instead of advising the impossible.
 */
export interface SeqLenAdvice {
  tone: 'danger' | 'warning';
  title: string;
  /** The full advice, for the report. */
  body: string;
  /** One line for the review step's list of what to fix (only when nothing would train). */
  blocker: string | null;
}

const records = (n: number) => `${n.toLocaleString()} record${n === 1 ? '' : 's'}`;

/** Null when every record fits and something trains. */
export function seqLenAdvice(stats: TokenStats, opts: { valid: number; modelMax?: number }): SeqLenAdvice | null {
  const { seqLen } = stats;
  const advice = advisedSeqLen(stats, opts.modelMax);
  const canRaise = advice.seqLen > seqLen;
  const atModelLimit = `${advice.seqLen.toLocaleString()}, the most this model reads`;
  if (stats.trainedTokens === 0 && opts.valid > 0) {
    const what = `In every record, what trains (the answers) comes after the first ${seqLen.toLocaleString()} tokens.`;
    const body = !canRaise
      ? `${what} This model reads at most ${seqLen.toLocaleString()} tokens, so a longer sequence length is not possible: shorten the prompts so that the answers start sooner, or choose a model with a longer context.`
      : advice.fitsAll
        ? `${what} Raise the sequence length to ${advice.seqLen.toLocaleString()} (step 3): every record fits within it. Or shorten the prompts.`
        : `${what} Raise the sequence length to ${atModelLimit} (step 3); records longer than that (the longest has ${stats.max.toLocaleString()} tokens) are still cut there. Or shorten the prompts.`;
    const blocker = `nothing would train at a sequence length of ${seqLen}: every record's answer starts after it. ${
      canRaise ? `Raise the sequence length to ${advice.seqLen} (step 3).` : `The model reads at most ${seqLen} tokens: shorten the prompts.`
    }`;
    return { tone: 'danger', title: `Nothing would train at a sequence length of ${seqLen}`, body, blocker };
  }
  if (stats.overSeqLen === 0) return null;
  const title = `${records(stats.overSeqLen)} ${stats.overSeqLen === 1 ? 'is' : 'are'} longer than the sequence length of ${seqLen.toLocaleString()}`;
  const cut = `${stats.overSeqLen === 1 ? 'It is' : 'They are'} truncated: tokens past ${seqLen.toLocaleString()} are not trained on.`;
  const body = !canRaise
    ? `${cut} This model reads at most ${seqLen.toLocaleString()} tokens, so a longer sequence length is not possible (the longest record has ${stats.max.toLocaleString()}). Shorten or split those records to train on all of them.`
    : advice.fitsAll
      ? `${cut} Raise the sequence length to ${advice.seqLen.toLocaleString()} (step 3) so every record fits, or shorten those records.`
      : `${cut} Raise the sequence length to ${atModelLimit} (step 3), to keep more of them; records longer than that (the longest has ${stats.max.toLocaleString()} tokens) are still cut there. Shorten or split them to train on all of it.`;
  return { tone: 'warning', title, body, blocker: null };
}
