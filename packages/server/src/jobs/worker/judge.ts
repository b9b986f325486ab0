/**
 * The judge phase of a judge evaluate job, inside the worker: each answer the model wrote is
 * sent to the judge with the benchmark's rubric, and the reply's score read back.
 *
 * The API key is not in the job's config (configs are shown by the API and the UI): the server
 * reads it from the workspace database when it starts the job and sends it in the start message
 * (protocol.ts, WorkerSecrets). The endpoint and model
 * the job was queued with are in the config (they key the results cache), so a connection
 * changed to another endpoint or model since then fails the job instead of judging elsewhere.
 */
import type { BenchmarkJudge } from '@qlora-studio/contracts';
import { judgeChat, JudgeUnreachableError, type JudgeEndpoint } from '../judge-client.js';
import { fillRubric, parseJudgeScore, type RubricValues } from './judge-rubric.js';

/**
 * The judge connection as stored when the job started (sent by the server in the start message,
 * key included), checked against the one the job was queued with.
 */
export function workerJudgeEndpoint(stored: JudgeEndpoint | null | undefined, queued: { baseUrl: string; model: string }): JudgeEndpoint {
  if (!stored) {
    throw new JudgeUnreachableError(
      `The judge endpoint was removed from Settings after this job was queued (it was ${queued.model} at ${queued.baseUrl}): set it again, then retry the evaluation.`,
    );
  }
  if (stored.baseUrl !== queued.baseUrl || stored.model !== queued.model) {
    throw new JudgeUnreachableError(
      `The judge endpoint changed after this job was queued (${queued.model} at ${queued.baseUrl}, now ${stored.model} at ${stored.baseUrl}): launch the evaluation again so its result records the judge that scored it.`,
    );
  }
  return stored;
}

export interface Judgment {
  score: number;
  reply: string;
}

export interface JudgeOptions {
  signal?: AbortSignal;
  /** After each item judged, with how many are done. */
  onProgress?: (done: number, total: number) => void;
  /** A warning for the job log (a reply without a score). */
  warn?: (message: string) => void;
  /** Per request (default 120 s: a judge may write a long explanation first). */
  timeoutMs?: number;
}

/**
 * Judge each item's answer in turn. A reply without a "Score: N" is asked once more; a second
 * reply without one counts as score 1 (the reply is kept, and a warning names the item).
 */
export async function judgeAnswers(
  endpoint: JudgeEndpoint,
  settings: BenchmarkJudge,
  items: readonly RubricValues[],
  options: JudgeOptions = {},
): Promise<Judgment[]> {
  const judgments: Judgment[] = [];
  const timeoutMs = options.timeoutMs ?? 120_000;
  for (const [index, item] of items.entries()) {
    options.signal?.throwIfAborted();
    const prompt = fillRubric(settings.rubric, item);
    let { reply } = await judgeChat(endpoint, prompt, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    let score = parseJudgeScore(reply);
    if (score === null) {
      ({ reply } = await judgeChat(endpoint, prompt, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }));
      score = parseJudgeScore(reply);
    }
    if (score === null) {
      options.warn?.(
        `Item ${index + 1}: the judge replied twice without a "Score: N" line (1–10); counted as score 1. Its reply: ${JSON.stringify(reply.slice(0, 200))}. Make the rubric ask for a last line "Score: N".`,
      );
      score = 1;
    }
    judgments.push({ score, reply });
    options.onProgress?.(index + 1, items.length);
  }
  return judgments;
}

/** judge_score: the mean score (1–10); judge_pass: the share of items scored at or above the pass mark. */
export function judgeMetrics(judgments: readonly Judgment[], passMark: number): { judge_score: number; judge_pass: number } {
  const n = judgments.length;
  return {
    judge_score: judgments.reduce((sum, j) => sum + j.score, 0) / n,
    judge_pass: judgments.filter((j) => j.score >= passMark).length / n,
  };
}
