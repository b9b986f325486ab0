/**
 * The label convention shared by tokenizing, collating, the training graphs, scoring and the
 * float64 reference loss.
 */

/** The label of a token the loss ignores (PyTorch's `ignore_index`). */
export const IGNORE_INDEX = -100;
