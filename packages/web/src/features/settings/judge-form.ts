/**
 * The judge endpoint form's logic: the draft a stored connection gives, whether it changed, and
 * the request body it makes (checked with the server's own schema, errors by field).
 */
import { updateJudgeConnectionBodySchema, type JudgeConnection, type UpdateJudgeConnectionBody } from '@qlora-studio/contracts';

export interface JudgeDraft {
  baseUrl: string;
  model: string;
  /** A new key typed in; empty keeps the stored one. */
  apiKey: string;
}

export type JudgeDraftErrors = Partial<Record<keyof JudgeDraft, string>>;

/** The form's starting values: the stored endpoint and model; the key is never sent back, so its field starts empty. */
export function draftOf(connection: JudgeConnection): JudgeDraft {
  return { baseUrl: connection.baseUrl ?? '', model: connection.model ?? '', apiKey: '' };
}

/** Whether saving would change anything. */
export function isDirty(draft: JudgeDraft, connection: JudgeConnection): boolean {
  return draft.baseUrl.trim() !== (connection.baseUrl ?? '') || draft.model.trim() !== (connection.model ?? '') || draft.apiKey.trim() !== '';
}

/** The PUT body for a draft, or what is wrong with each field. */
export function judgeBody(draft: JudgeDraft): { body: UpdateJudgeConnectionBody } | { errors: JudgeDraftErrors } {
  const baseUrl = draft.baseUrl.trim();
  const apiKey = draft.apiKey.trim();
  if (baseUrl === '') {
    const errors: JudgeDraftErrors = { baseUrl: 'Enter the base URL, e.g. http://localhost:8000/v1 (to remove the judge, use Remove judge).' };
    if (draft.model.trim() === '') errors.model = 'Name the judge model, e.g. gpt-4o-mini or the model your server serves.';
    return { errors };
  }
  const parsed = updateJudgeConnectionBodySchema.safeParse({ baseUrl, model: draft.model, ...(apiKey ? { apiKey } : {}) });
  if (parsed.success) return { body: parsed.data };
  const errors: JudgeDraftErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if ((field === 'baseUrl' || field === 'model' || field === 'apiKey') && !errors[field]) errors[field] = issue.message;
  }
  return { errors };
}

/** What the key field says about the stored key. */
export function keyStatus(connection: JudgeConnection, draft: JudgeDraft): string {
  if (draft.apiKey.trim() !== '') return 'A new key will be saved';
  return connection.apiKeySet ? 'A key is set' : 'No key is set';
}

/** "412 ms" or "2.4 s". */
export function latencyText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
