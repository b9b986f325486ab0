/**
 * Evaluation metrics. Per-item scores (exactMatch, tokenF1, rougeL) are in [0, 1]; corpus BLEU and
 * chrF are on sacreBLEU's 0–100 scale; pairedBootstrap compares two systems' per-item scores.
 */

export {
  answerExtractor,
  canonicalNumber,
  exactMatch,
  extractAnswer,
  lastNumber,
  lcsLength,
  normalizeAnswer,
  rougeL,
  rougeTokens,
  squadTokens,
  tokenF1,
  type AnswerExtractor,
  type PrecisionRecallF,
  type RougeOptions,
} from './metrics.js';
export { bleuFromStats, corpusBleu, sentenceBleu, tokenize13a, type BleuOptions, type BleuScore, type BleuSmoothing, type BleuTokenizer } from './bleu.js';
export { chrfFromStats, corpusChrf, sentenceChrf, type ChrfOptions, type ChrfScore } from './chrf.js';
export { pairedBootstrap, verdictText, type BootstrapOptions, type BootstrapResult, type VerdictOptions } from './bootstrap.js';
