import { z } from 'zod';

/**
 * Every error code the API can answer with, in one place.
 * `status` is the HTTP status; `hint` is what the user can do next, shown by the UI.
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, hint: 'Correct the fields named in the details and send the request again.' },
  UNAUTHENTICATED: { status: 401, hint: 'Send an access token as "Authorization: Bearer <token>". Create one with `qlora token create`.' },
  FORBIDDEN: { status: 403, hint: 'Your role does not allow this action. Ask an ML Practitioner of this workspace.' },
  NOT_FOUND: { status: 404, hint: 'Check the address; the resource may have been deleted.' },
  JOB_NOT_FOUND: { status: 404, hint: 'The job may have been deleted. Open Activity to see the jobs that exist.' },
  JOB_NOT_CANCELABLE: { status: 409, hint: 'Only queued or running jobs can be canceled.' },
  JOB_NOT_DELETABLE: { status: 409, hint: 'Cancel the job and wait for it to stop before deleting it.' },
  JOB_NOT_FINISHED: { status: 409, hint: 'Wait for the job to finish, or cancel it, then try again.' },
  JOB_NOT_RESUMABLE: {
    status: 409,
    hint: 'Only a fine-tune that was interrupted, canceled or failed after saving a checkpoint can resume; retry it instead (it starts over). Set "checkpoint every" to make future runs resumable.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, hint: 'Send a smaller request.' },
  MODEL_NOT_FOUND: { status: 404, hint: 'The model may have been removed. Open Fine-tune to see the registered models.' },
  DATASET_NOT_FOUND: { status: 404, hint: 'The dataset or version may have been deleted. Open Fine-tune to see the stored datasets.' },
  DATASET_INVALID: {
    status: 422,
    hint: 'Fix the file as the message says (or choose the format and columns by hand) and upload it again; nothing was stored.',
  },
  DATASET_TOO_LARGE: { status: 413, hint: 'Split the file, or raise the upload limit in Settings → Workspace.' },
  DATASET_IN_USE: {
    status: 409,
    hint: 'Wait for the jobs that use this dataset to finish (or cancel them), and delete the benchmarks made from it, then delete it.',
  },
  MODEL_INVALID: { status: 422, hint: 'Choose a folder holding a Hugging Face model: config.json, *.safetensors and tokenizer.json.' },
  ADAPTER_NOT_FOUND: { status: 404, hint: 'The fine-tune or its adapter folder may have been deleted. Open Activity to see the finished fine-tunes.' },
  PLAYGROUND_SESSION_NOT_FOUND: {
    status: 404,
    hint: 'The session may have been deleted, or it is private to whoever started it. Open the Playground history to see the sessions you can open.',
  },
  PLAYGROUND_RUN_NOT_FOUND: { status: 404, hint: 'The run may have been deleted with its session.' },
  PROMPT_INVALID: { status: 422, hint: 'Change the prompt as the message says; nothing was run.' },
  PLAYGROUND_BUSY: { status: 429, hint: 'Wait for your running generations to finish, or stop some, then try again.' },
  BENCHMARK_IN_USE: { status: 409, hint: 'Wait for the evaluate jobs that use this benchmark to finish, or cancel them, then delete it.' },
  BENCHMARK_NOT_FOUND: { status: 404, hint: 'The benchmark or version may not exist. List the benchmarks to see those stored.' },
  BENCHMARK_INVALID: {
    status: 422,
    hint: 'Fix the field mapping or the template (or the dataset rows) as the message says; nothing was stored. The preview shows every row that cannot become an item.',
  },
  BENCHMARK_SAMPLE_NOT_FOUND: { status: 404, hint: 'List the built-in samples (GET /api/benchmarks/samples) to see their ids.' },
  EVALUATION_BATCH_NOT_FOUND: { status: 404, hint: 'The batch id may be mistyped, or its jobs deleted. List the evaluations to see the batches.' },
  EVALUATION_BATCH_NOT_RETRYABLE: {
    status: 409,
    hint: 'A batch retry queues only the pairs whose newest job failed, was canceled or interrupted; wait for running jobs, or launch the batch again.',
  },
  JUDGE_NOT_CONFIGURED: {
    status: 422,
    hint: 'Open Settings → Connections and set an OpenAI-compatible judge endpoint (any server with /v1/chat/completions), then launch again; nothing was queued.',
  },
  JUDGE_UNREACHABLE: {
    status: 502,
    hint: 'Check the judge endpoint address, model name and API key in Settings → Connections, and that the server is running.',
  },
  EVALUATE_CONFIG_INVALID: { status: 422, hint: 'Change the model, adapter or benchmark named in the message; nothing was queued.' },
  EVALUATION_COMPARE_INVALID: {
    status: 422,
    hint: 'Choose two or more succeeded evaluate jobs of one benchmark version, evaluated with the same limit, the base first.',
  },
  TRAIN_CONFIG_INVALID: { status: 422, hint: 'Change the setting named in the message; nothing was queued.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, hint: 'Send the body as JSON with "Content-Type: application/json".' },
  RATE_LIMITED: { status: 429, hint: 'Wait a moment and try again.' },
  INTERNAL: { status: 500, hint: 'This is a bug in QLoRA Studio. The server log has the details.' },
  DATABASE_UNAVAILABLE: { status: 503, hint: 'The workspace database could not be reached. Check disk space and permissions of the workspace folder.' },
} as const satisfies Record<string, { status: number; hint: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]];
export const errorCodeSchema = z.enum(errorCodes);

/** The one error shape every route answers with. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Thrown by server code; turned into an ErrorBody by the error handler. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return errorCatalogue[this.code].status;
  }
}
