/**
 * The model head as a pair of ONNX training graphs: final RMSNorm, lm_head, the final logit
 * soft-cap when the family has one (logits = cap·tanh(logits / cap), Gemma 2) and the masked
 * cross-entropy, forward (the loss) and backward (the loss and dh, the gradient that flows
 * into the last decoder block). The lm_head weight is a graph input (V, C): the caller feeds
 * `lm_head.weight`, or the embedding table when embeddings are tied. The norm weight is the
 * effective one (any norm offset already added, see model/weight-names.ts).
 *
 * Loss: labels (T) int64 are already shifted (`labels[t]` is the token row t predicts);
 * `IGNORE_INDEX` (−100) rows are not trained. Outputs:
 * - `loss_sum`: Σ over trained rows of −log softmax(logits[t])[labels[t]] (float32 scalar);
 * - `tokens`: the number of trained rows (float32 scalar, exact below 2²⁴);
 * - `loss`: loss_sum / max(tokens, 1), the Hugging Face mean (0 with no trained rows).
 *
 * The backward's `dh` (T, C) is the gradient of `loss_sum`, the SUMMED token loss, not of the
 * mean: so LoRA gradients of several micro-batches add up and `GradAccumulator` divides once
 * by the trained tokens of the whole optimizer step (HF's num_items_in_batch convention).
 * The backward recomputes the head's forward inside (it is cheap next to the blocks), so a
 * training step runs only the backward graph for the head.
 *
 * Dimension letters: T positions, C hidden, V vocabulary.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import { attr } from '../onnx/model.js';
import { Ops, rmsNorm, rmsNormBackward, softcap } from '../onnx/ops.js';
import { IGNORE_INDEX } from './labels.js';

/** What a head graph is built for. */
export interface HeadGraphSpec {
  hiddenSize: number; // C
  vocabSize: number; // V
  rmsNormEps: number;
  /** Final logit soft-cap (absent / null: none). */
  finalSoftcap?: number | null;
}

/** Names of the head graphs' inputs and outputs. */
export const HEAD_NAMES = {
  /** (T, C) float32: the last block's output. */
  h: 'h',
  /** (C) float32: the final RMSNorm weight. */
  norm: 'norm.weight',
  /** (V, C) float32: lm_head (or the tied embedding table). */
  lmHead: 'lm_head.weight',
  /** (T) int64: shifted labels, −100 to skip. */
  labels: 'labels',
  /** float32 scalars. */
  loss: 'loss',
  lossSum: 'loss_sum',
  tokens: 'tokens',
  /** backward output (T, C): d loss_sum / d h. */
  dh: 'dh',
} as const;

function build(spec: HeadGraphSpec, backward: boolean): Uint8Array {
  const { hiddenSize: C, vocabSize: V, rmsNormEps: eps } = spec;
  const g = new GraphBuilder(backward ? 'head_backward' : 'head_forward');
  const o = new Ops(g);
  const h = g.input(HEAD_NAMES.h, 'float32', ['T', C]);
  const w = g.input(HEAD_NAMES.norm, 'float32', [C]);
  const W = g.input(HEAD_NAMES.lmHead, 'float32', [V, C]);
  const labels = g.input(HEAD_NAMES.labels, 'int64', ['T']);

  // RMSNorm: n = h · rstd · w, rstd (T, 1).
  const { y: n, rstd } = rmsNorm(o, h, w, eps);
  let logits = o.matmulBt(n, W); // (T, V)
  let capT: string | undefined;
  if (spec.finalSoftcap != null) ({ y: logits, t: capT } = softcap(o, logits, spec.finalSoftcap));
  const logp = o.op('LogSoftmax', [logits], { axis: attr.int(-1) });

  // Mask and safe labels (a masked row picks class 0, then is zeroed).
  const trained = o.op('Not', [o.op('Equal', [labels, o.scalarInt(IGNORE_INDEX)])]); // bool (T)
  const safe = o.op('Where', [trained, labels, o.scalarInt(0)]); // (T)
  const maskF = o.reshape(o.op('Cast', [trained], { to: attr.int(1) }), [-1, 1]); // (T, 1)
  const safeCol = o.reshape(safe, [-1, 1]); // (T, 1)
  const picked = o.op('GatherElements', [logp, safeCol], { axis: attr.int(1) }); // (T, 1)
  const lossSum = o.op('ReduceSum', [o.op('Neg', [o.mul(picked, maskF)])], { keepdims: attr.int(0) }, { output: HEAD_NAMES.lossSum });
  const tokens = o.op('ReduceSum', [maskF], { keepdims: attr.int(0) }, { output: HEAD_NAMES.tokens });
  const loss = o.op('Div', [lossSum, o.op('Max', [tokens, o.float(1)])], {}, { output: HEAD_NAMES.loss });
  g.output(loss, 'float32', []);
  g.output(lossSum, 'float32', []);
  g.output(tokens, 'float32', []);

  if (backward) {
    // dlogits = softmax − onehot(label): the probabilities with 1 taken off at each row's label
    // (ScatterElements, one pass over (T, V) instead of building a one-hot). Masked rows are
    // zeroed after the product with W, on (T, C) instead of (T, V).
    const probs = o.op('Exp', [logp]);
    const pickedProb = o.sub(o.op('GatherElements', [probs, safeCol], { axis: attr.int(1) }), o.float(1)); // (T, 1)
    let dlogits = o.op('ScatterElements', [probs, safeCol, pickedProb], { axis: attr.int(1) });
    // Through the soft-cap: d/dz cap·tanh(z / cap) = 1 − tanh²(z / cap).
    if (capT) dlogits = o.mul(dlogits, o.sub(o.float(1), o.mul(capT, capT)));
    const dn = o.mul(o.matmul(dlogits, W), maskF); // (T, C)
    // RMSNorm backward: dh = rstd · (gw − ĥ · mean(gw · ĥ)), gw = dn · w.
    const dh = o.op('Identity', [rmsNormBackward(o, dn, h, w, rstd)], {}, { output: HEAD_NAMES.dh });
    g.output(dh, 'float32', ['T', C]);
  }
  return g.toModelBytes();
}

/** Head forward: inputs h, norm.weight, lm_head.weight, labels → loss, loss_sum, tokens. */
export function buildHeadForwardGraph(spec: HeadGraphSpec): Uint8Array {
  return build(spec, false);
}

/** Head backward: the forward's inputs → loss, loss_sum, tokens and dh = d loss_sum / d h (T, C). */
export function buildHeadBackwardGraph(spec: HeadGraphSpec): Uint8Array {
  return build(spec, true);
}
