import type { createPlaygroundRunBodySchema } from '@qlora-studio/contracts';
import {
  shorten,
  ApiError,
  fillTemplate,
  maxFilledPromptLength,
  queuedPane,
  templateVariables,
  variableValue,
  type PaneOutput,
  type PlaygroundCatalogue,
  type PlaygroundDraft,
  type PlaygroundRun,
  type PlaygroundSession,
  type PlaygroundSessionFile,
  type PlaygroundSessionList,
  type Settings,
  type TokenEvent,
} from '@qlora-studio/contracts';
import type { z } from 'zod';
import type { Db } from '../store/database.js';
import { jobsWithStatus } from '../store/jobs-repo.js';
import { getModelOrThrow, listModels } from '../store/models-repo.js';
import {
  deleteSessionRow,
  getRunRow,
  getSession,
  insertRun,
  insertSession,
  listSessions,
  ownedSessionRow,
  readableSessionRow,
  savePanes,
  unfinishedRuns,
  updateSessionRow,
  type Caller,
} from '../store/playground-repo.js';
import { newId, nowIso } from '../store/rows.js';
import { getAdapterOrThrow, listAdapters } from './adapters.js';
import type { GenerateTask } from './inference-protocol.js';
import type { InferencePool, TaskEvent } from './inference-pool.js';

/** Replies one caller may have waiting or generating at once, over all their runs. */
export const queuedPerCaller = 8;

/** How many replies may generate at once: the setting, but one while a fine-tune runs, whatever the setting (training comes first). */
export function replySlots(db: Db, settings: Settings): number {
  const streams = settings.playgroundConcurrentStreams;
  return streams > 1 && jobsWithStatus(db, 'running').some((job) => job.type === 'train') ? 1 : streams;
}

export type RunEvent = { type: 'token'; data: TokenEvent } | { type: 'pane'; data: PaneOutput } | { type: 'end'; data: PlaygroundRun };

interface LiveRun {
  run: PlaygroundRun;
  ownerTokenId: string | null;
  listeners: Set<(event: RunEvent) => void>;
}

type CreateRunInput = z.output<typeof createPlaygroundRunBodySchema>;

function invalid(message: string): ApiError {
  return new ApiError('PROMPT_INVALID', message);
}

function isFinished(pane: PaneOutput): boolean {
  return pane.status !== 'queued' && pane.status !== 'running';
}

function quoteList(names: string[]): string {
  return names.map((n) => `{{${n}}}`).join(', ');
}

/** A title for a new session: the start of its first prompt, variables filled in. */
function titleFor(prompt: GenerateTask['prompt']): string {
  const text = (prompt.kind === 'text' ? prompt.text : (prompt.messages.at(-1)?.content ?? '')).replace(/\s+/g, ' ').trim();
  if (!text) return 'Untitled session';
  return shorten(text, 60);
}

/**
 * The prompt as the model gets it: variables filled (in the system prompt and user turns; an
 * assistant turn is model output, sent as it is), and for chat the system message first.
 */
function renderPrompt(prompt: CreateRunInput['prompt']): GenerateTask['prompt'] {
  const missing = new Set<string>();
  const empty = new Set<string>();
  const fill = (text: string) => {
    const filled = fillTemplate(text, prompt.variables, { maxLength: maxFilledPromptLength });
    if (filled.tooLong)
      throw invalid(`With its variables filled in, the prompt would be over ${maxFilledPromptLength.toLocaleString('en')} characters: shorten the values.`);
    filled.missing.forEach((name) => missing.add(name));
    templateVariables(text).forEach((name) => variableValue(prompt.variables, name)?.trim() === '' && empty.add(name));
    return filled.text;
  };
  let rendered: GenerateTask['prompt'];
  if (prompt.mode === 'text') {
    rendered = { kind: 'text', text: fill(prompt.template) };
  } else {
    const last = prompt.messages.at(-1);
    if (last?.role !== 'user') throw invalid('A chat must end with a user message for the model to answer.');
    if (!last.content.trim()) throw invalid('The last message is empty: write what the model should answer.');
    const system = fill(prompt.system);
    rendered = {
      kind: 'chat',
      messages: [
        ...(system.trim() ? [{ role: 'system', content: system }] : []),
        ...prompt.messages.map((m) => ({ role: m.role, content: m.role === 'user' ? fill(m.content) : m.content })),
      ],
    };
  }
  if (missing.size > 0)
    throw invalid(`The prompt uses ${quoteList([...missing])} but no value was given: fill ${missing.size === 1 ? 'it' : 'them'} in under Variables.`);
  if (empty.size > 0)
    throw invalid(
      `${quoteList([...empty])} ${empty.size === 1 ? 'is' : 'are'} empty: give ${empty.size === 1 ? 'it a value' : 'them values'} under Variables.`,
    );
  const total = rendered.kind === 'text' ? rendered.text.length : rendered.messages.reduce((n, m) => n + m.content.length, 0);
  if (total > maxFilledPromptLength) throw invalid(`The prompt is over ${maxFilledPromptLength.toLocaleString('en')} characters: shorten it.`);
  if (rendered.kind === 'text' && !rendered.text.trim()) throw invalid('The prompt is empty: write one, or pick a template.');
  return rendered;
}

/** What a waiting pane shows. */
function waitingText(ahead: number | null): string {
  if (ahead === null || ahead === 0) return 'Starting…';
  return `Waiting for ${ahead} ${ahead === 1 ? 'reply' : 'replies'} ahead`;
}

/**
 * The Playground: runs prompts on base models and adapters through the inference pool,
 * streams what they generate to whoever follows a run, and keeps every run in its session.
 */
export class PlaygroundService {
  private readonly live = new Map<string, LiveRun>();

  constructor(
    private readonly db: Db,
    private readonly pool: InferencePool,
    private readonly settings: () => Settings,
  ) {
    // Replies a stopped server left half-done are closed, with what they had, as failed.
    for (const run of unfinishedRuns(db)) {
      const panes = run.panes.map((pane): PaneOutput =>
        isFinished(pane)
          ? pane
          : {
              ...pane,
              status: 'failed',
              statusText: undefined,
              error: { message: 'The server stopped before this reply was finished.', hint: 'Run the prompt again.' },
            },
      );
      savePanes(db, { ...run, panes });
    }
  }

  catalogue(): PlaygroundCatalogue {
    const settings = this.settings();
    return {
      models: listModels(this.db),
      adapters: listAdapters(this.db),
      limits: { maxNewTokens: settings.playgroundMaxNewTokens, concurrentStreams: settings.playgroundConcurrentStreams, queuedPerCaller },
    };
  }

  createRun(body: CreateRunInput, caller: Caller): PlaygroundRun {
    const limit = this.settings().playgroundMaxNewTokens;
    if (body.settings.maxNewTokens > limit) {
      throw invalid(`Max new tokens is ${body.settings.maxNewTokens}; this workspace allows at most ${limit} per reply (Settings → Workspace).`);
    }
    const pending = [...this.live.values()].filter((l) => l.ownerTokenId === caller.tokenId).flatMap((l) => l.run.panes.filter((p) => !isFinished(p))).length;
    if (pending + body.panes.length > queuedPerCaller) {
      throw new ApiError('PLAYGROUND_BUSY', `You have ${pending} replies waiting or generating; at most ${queuedPerCaller} may be at once.`);
    }
    const rendered = renderPrompt(body.prompt);
    const panes = body.panes.map((choice, index) => {
      const model = getModelOrThrow(this.db, choice.modelId);
      const adapter = choice.adapterId ? getAdapterOrThrow(this.db, choice.adapterId) : null;
      if (adapter && adapter.baseModelId !== model.id) {
        throw invalid(`The adapter "${adapter.title}" was trained on ${adapter.baseModelName}, not ${model.name}: choose it with its own base model.`);
      }
      const promptTemplate = choice.promptTemplate ?? adapter?.promptTemplate ?? null;
      if (rendered.kind === 'chat' && !model.hasChatTemplate && (promptTemplate === null || promptTemplate.id === 'model')) {
        throw invalid(
          `${model.name} has no chat template, so it cannot take a conversation: choose a prompt template for it (its fine-tunes' own, or Question / Answer, Alpaca…), or use Text mode.`,
        );
      }
      // Named by what it runs; full precision is said, since comparing it with NF4 is a common question.
      const precision = choice.quant === 'none' ? ', full precision' : choice.kernels === 'exact' ? ', exact NF4 kernels' : '';
      const label = `${adapter ? `${model.name} + ${adapter.title}` : model.name}${precision}`;
      return { index, choice, modelDir: model.path, adapterDir: adapter?.path ?? null, label };
    });

    const draft: PlaygroundDraft = { prompt: body.prompt, settings: body.settings, panes: body.panes };
    let sessionId = body.sessionId;
    if (sessionId) {
      ownedSessionRow(this.db, sessionId, caller);
      updateSessionRow(this.db, sessionId, { draft });
    } else {
      sessionId = insertSession(this.db, caller, { title: titleFor(rendered), draft });
    }
    const run: PlaygroundRun = {
      id: newId('run'),
      sessionId,
      createdAt: nowIso(),
      prompt: body.prompt,
      settings: body.settings,
      panes: panes.map(({ index, choice, label }) => queuedPane(index, choice, label)),
    };
    insertRun(this.db, run);
    const live: LiveRun = { run, ownerTokenId: caller.tokenId, listeners: new Set() };
    this.live.set(run.id, live);
    for (const pane of panes) {
      const task: GenerateTask = {
        taskId: `${run.id}:${pane.index}`,
        modelDir: pane.modelDir,
        quant: pane.choice.quant,
        kernels: pane.choice.kernels,
        adapterDir: pane.adapterDir,
        promptTemplate: pane.choice.promptTemplate ?? null,
        prompt: rendered,
        settings: body.settings,
      };
      this.pool.submit(task, caller.tokenId ?? 'this machine', (event) => this.onTaskEvent(live, pane.index, event));
    }
    this.showQueue();
    return structuredClone(run);
  }

  /** Tell each waiting pane how many replies are ahead of it (called when the queue moves). */
  showQueue(): void {
    for (const live of this.live.values()) {
      for (const pane of live.run.panes) {
        if (pane.status !== 'queued') continue;
        const text = waitingText(this.pool.position(`${live.run.id}:${pane.index}`));
        if (text === pane.statusText) continue;
        pane.statusText = text;
        this.emit(live, { type: 'pane', data: structuredClone(pane) });
      }
    }
  }

  private onTaskEvent(live: LiveRun, index: number, event: TaskEvent): void {
    const pane = live.run.panes[index]!;
    if (isFinished(pane)) return;
    if (event.type === 'token') {
      const offset = pane.text.length;
      pane.text += event.text;
      this.emit(live, { type: 'token', data: { pane: index, offset, text: event.text } });
      return;
    }
    if (event.type === 'loading') {
      Object.assign(pane, { status: 'running', statusText: event.message });
    } else if (event.type === 'started') {
      Object.assign(pane, { status: 'running', statusText: undefined, renderedPrompt: event.renderedPrompt, promptTokens: event.promptTokens });
    } else if (event.type === 'done') {
      const { stats } = event;
      // The generator holds back text that might be the start of a stop string or of a
      // character; what it held when the reply ended is sent now, so streams end complete.
      if (stats.text.length > pane.text.length && stats.text.startsWith(pane.text)) {
        this.emit(live, { type: 'token', data: { pane: index, offset: pane.text.length, text: stats.text.slice(pane.text.length) } });
      }
      Object.assign(pane, {
        status: stats.finishReason === 'aborted' ? 'stopped' : 'done',
        statusText: undefined,
        text: stats.text,
        finishReason: stats.finishReason,
        promptTokens: stats.promptTokens,
        completionTokens: stats.completionTokens,
        timeToFirstTokenMs: Math.round(stats.timeToFirstTokenMs),
        tokensPerSecond: Math.round(stats.tokensPerSecond * 10) / 10,
        durationMs: Math.round(stats.durationMs),
      });
    } else {
      Object.assign(pane, { status: 'failed', statusText: undefined, error: event.error });
    }
    this.paneChanged(live, pane);
  }

  private paneChanged(live: LiveRun, pane: PaneOutput): void {
    this.emit(live, { type: 'pane', data: structuredClone(pane) });
    if (!isFinished(pane)) return;
    savePanes(this.db, live.run);
    if (live.run.panes.every(isFinished)) {
      this.live.delete(live.run.id);
      this.emit(live, { type: 'end', data: structuredClone(live.run) });
      live.listeners.clear();
    }
  }

  private emit(live: LiveRun, event: RunEvent): void {
    for (const listener of live.listeners) listener(event);
  }

  /** The run as it stands (a live one from memory) if the caller may see it. */
  getRun(id: string, caller: Caller): PlaygroundRun {
    const run = this.live.get(id)?.run ?? getRunRow(this.db, id);
    if (!run) throw new ApiError('PLAYGROUND_RUN_NOT_FOUND', `No Playground run "${id}".`);
    try {
      readableSessionRow(this.db, run.sessionId, caller);
    } catch {
      throw new ApiError('PLAYGROUND_RUN_NOT_FOUND', `No Playground run "${id}" that you can open.`);
    }
    return structuredClone(run);
  }

  /**
   * Follow a run: `snapshot` is the run now; `listener` then gets every change. A finished run
   * gets no events (its snapshot is final). Returns the unsubscribe function.
   */
  follow(id: string, caller: Caller, listener: (event: RunEvent) => void): { snapshot: PlaygroundRun; finished: boolean; unsubscribe: () => void } {
    const snapshot = this.getRun(id, caller);
    const live = this.live.get(id);
    if (!live) return { snapshot, finished: true, unsubscribe: () => {} };
    live.listeners.add(listener);
    return { snapshot, finished: false, unsubscribe: () => live.listeners.delete(listener) };
  }

  stop(id: string, caller: Caller, pane?: number): PlaygroundRun {
    const run = this.getRun(id, caller);
    ownedSessionRow(this.db, run.sessionId, caller);
    const live = this.live.get(id);
    if (!live) return run;
    for (const p of live.run.panes) {
      if (isFinished(p) || (pane !== undefined && p.index !== pane)) continue;
      // A waiting reply never started: it ends here. A running one ends at its next token.
      if (this.pool.abort(`${id}:${p.index}`)) {
        Object.assign(p, { status: 'stopped', statusText: undefined, finishReason: 'aborted', completionTokens: 0 });
        this.paneChanged(live, p);
      }
    }
    this.showQueue();
    return structuredClone(live.run);
  }

  updatePane(id: string, index: number, patch: { note?: string | undefined; vote?: 'up' | 'down' | null | undefined }, caller: Caller): PaneOutput {
    const run = this.getRun(id, caller);
    ownedSessionRow(this.db, run.sessionId, caller);
    const target = this.live.get(id)?.run ?? run;
    const pane = target.panes[index];
    if (!pane) throw new ApiError('NOT_FOUND', `The run has ${target.panes.length} pane(s); there is no pane ${index + 1}.`);
    if (patch.note !== undefined) pane.note = patch.note;
    if (patch.vote !== undefined) pane.vote = patch.vote;
    savePanes(this.db, target);
    return structuredClone(pane);
  }

  // ---- sessions ----

  listSessions(caller: Caller, query: { q?: string | undefined; limit: number; after?: string | undefined }): PlaygroundSessionList {
    return listSessions(this.db, caller, query);
  }

  getSession(id: string, caller: Caller): PlaygroundSession {
    const session = getSession(this.db, id, caller);
    // Runs still generating show what they have so far.
    return { ...session, runs: session.runs.map((run) => structuredClone(this.live.get(run.id)?.run ?? run)) };
  }

  createSession(caller: Caller, body: { title?: string | undefined; draft?: PlaygroundDraft | undefined }): PlaygroundSession {
    return this.getSession(insertSession(this.db, caller, { title: body.title ?? 'Untitled session', draft: body.draft ?? null }), caller);
  }

  updateSession(
    id: string,
    caller: Caller,
    patch: { title?: string | undefined; shared?: boolean | undefined; draft?: PlaygroundDraft | undefined },
  ): PlaygroundSession {
    ownedSessionRow(this.db, id, caller);
    updateSessionRow(this.db, id, patch);
    return this.getSession(id, caller);
  }

  deleteSession(id: string, caller: Caller): void {
    ownedSessionRow(this.db, id, caller);
    for (const live of [...this.live.values()].filter((l) => l.run.sessionId === id)) {
      for (const pane of live.run.panes) {
        if (isFinished(pane)) continue;
        this.pool.abort(`${live.run.id}:${pane.index}`);
        Object.assign(pane, { status: 'stopped', statusText: undefined, finishReason: 'aborted', error: { message: 'The session was deleted.', hint: null } });
      }
      this.live.delete(live.run.id);
      this.emit(live, { type: 'end', data: structuredClone(live.run) });
      live.listeners.clear();
    }
    deleteSessionRow(this.db, id);
    this.showQueue();
  }

  exportSession(id: string, caller: Caller): PlaygroundSessionFile {
    const session = this.getSession(id, caller);
    return {
      format: 'qlora-studio.playground-session',
      version: 1,
      exportedAt: nowIso(),
      session: { title: session.title, draft: session.draft, runs: session.runs.map(({ sessionId: _sessionId, ...run }) => run) },
    };
  }

  /** A new session of the caller's with the file's runs (new ids; replies not finished in the file are marked failed). */
  importSession(file: PlaygroundSessionFile, caller: Caller): PlaygroundSession {
    const sessionId = this.db.transaction(() => {
      const id = insertSession(this.db, caller, { title: file.session.title, draft: file.session.draft });
      for (const run of file.session.runs) {
        const panes = run.panes.map((pane): PaneOutput =>
          isFinished(pane)
            ? pane
            : {
                ...pane,
                status: 'failed',
                statusText: undefined,
                error: { message: 'This reply was not finished when the session was exported.', hint: null },
              },
        );
        insertRun(this.db, { ...run, id: newId('run'), sessionId: id, panes });
      }
      return id;
    })();
    return this.getSession(sessionId, caller);
  }
}
