/**
 * Float64 masked cross-entropy over logits, in the Hugging Face convention: positions whose
 * label is `IGNORE_INDEX` (−100) contribute nothing, and the loss is the mean over the others.
 *
 * Labels are per logits row, already shifted: `labels[t]` is the token row t should predict
 * (HF's causal-LM loss compares logits[t] with input_ids[t + 1]).
 * Dimension letters: T rows, V vocabulary.
 */
import { IGNORE_INDEX } from '../../train/labels.js';

function checkLabels(logits: Float64Array, labels: readonly number[], V: number, op: string): number {
  if (logits.length !== labels.length * V) throw new RangeError(`${op}: logits has ${logits.length} values, ${labels.length} labels, V = ${V}`);
  let count = 0;
  for (const label of labels) {
    if (label === IGNORE_INDEX) continue;
    if (!Number.isInteger(label) || label < 0 || label >= V) throw new RangeError(`${op}: label ${label} is outside [0, ${V}) and not ${IGNORE_INDEX}`);
    count++;
  }
  return count;
}

/** log Σ exp of row t, stably. */
function logSumExp(logits: Float64Array, t: number, V: number): number {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[t * V + v] as number);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp((logits[t * V + v] as number) - max);
  return max + Math.log(sum);
}

/**
 * Mean over trained positions of −log softmax(logits[t])[labels[t]]; 0 when none is trained.
 * @param logits (T, V)
 * @param labels T labels, `IGNORE_INDEX` for masked positions
 */
export function crossEntropyForward(logits: Float64Array, labels: readonly number[], V: number): number {
  const count = checkLabels(logits, labels, V, 'crossEntropyForward');
  let total = 0;
  labels.forEach((label, t) => {
    if (label !== IGNORE_INDEX) total += logSumExp(logits, t, V) - (logits[t * V + label] as number);
  });
  return count === 0 ? 0 : total / count;
}

/**
 * Backward of `crossEntropyForward`: dlogits[t] = dloss · (softmax(logits[t]) − onehot(label)) / count
 * on trained rows, zero on masked rows.
 * @param logits (T, V)
 * @param dloss the gradient of the loss (1 for the loss itself)
 * @returns dlogits: (T, V)
 */
export function crossEntropyBackward(logits: Float64Array, labels: readonly number[], V: number, dloss = 1): Float64Array {
  const count = checkLabels(logits, labels, V, 'crossEntropyBackward');
  const dlogits = new Float64Array(logits.length);
  labels.forEach((label, t) => {
    if (label === IGNORE_INDEX) return;
    const lse = logSumExp(logits, t, V);
    for (let v = 0; v < V; v++) dlogits[t * V + v] = (dloss * Math.exp((logits[t * V + v] as number) - lse)) / count;
    dlogits[t * V + label] = (dlogits[t * V + label] as number) - dloss / count;
  });
  return dlogits;
}
