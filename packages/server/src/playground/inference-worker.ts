/**
 * Entry point of an inference worker process (forked by the InferencePool). Keeps the last
 * few models it loaded, with their adapters, and generates one reply at a time, streaming
 * each piece of text back over IPC. Exits when the server goes away.
 */
import {
  encodePrompt,
  generateTokens,
  promptChatTemplate,
  loadCausalLM,
  loadModelFolder,
  readLoraAdapter,
  type CausalLM,
  type ModelFolder,
} from '@qlora-studio/engine';
import { explainJobError } from '../jobs/failure.js';
import { loadedModelKey, modelsPerWorker, type GenerateTask, type InferenceCommand, type InferenceMessage } from './inference-protocol.js';

interface LoadedModel {
  folder: ModelFolder;
  model: CausalLM;
  /** Adapter folders loaded into the model, least recently used first. */
  adapters: Set<string>;
}

/** Models kept loaded; the least recently used is disposed to load another. The pool assumes the same number. */
const keptModels = modelsPerWorker;
/** Adapters kept loaded per model (least recently used goes): comparing several stays quick, and memory stays bounded. */
const keptAdapters = 4;
const loaded = new Map<string, LoadedModel>();
const queue: GenerateTask[] = [];
let current: { taskId: string; controller: AbortController } | null = null;

function send(message: InferenceMessage): void {
  if (process.connected && process.send) process.send(message);
}

async function modelFor(task: GenerateTask): Promise<LoadedModel> {
  const key = loadedModelKey(task);
  let entry = loaded.get(key);
  if (entry) {
    loaded.delete(key); // re-inserted below: Map order is recency order
  } else {
    // Make room first, so memory never holds one model more than it keeps.
    while (loaded.size >= keptModels) {
      const [oldest, old] = loaded.entries().next().value as [string, LoadedModel];
      loaded.delete(oldest);
      await old.model.dispose();
    }
    send({ type: 'loading', taskId: task.taskId, message: `Loading the model${task.quant === 'nf4' ? ' (quantizing to NF4)' : ''}…` });
    const folder = loadModelFolder(task.modelDir);
    folder.weights.close();
    entry = { folder, model: await loadCausalLM(task.modelDir, { quant: task.quant, kernels: task.kernels }), adapters: new Set() };
  }
  loaded.set(key, entry);
  if (task.adapterDir) {
    if (entry.adapters.has(task.adapterDir)) {
      entry.adapters.delete(task.adapterDir); // re-added below: Set order is recency order
    } else {
      send({ type: 'loading', taskId: task.taskId, message: 'Loading the adapter…' });
      const adapter = readLoraAdapter(task.adapterDir, { modelConfig: entry.folder.config });
      entry.model.loadAdapter(task.adapterDir, { scaling: adapter.scaling, modules: adapter.weights });
    }
    entry.adapters.add(task.adapterDir);
    for (const oldest of [...entry.adapters].slice(0, Math.max(0, entry.adapters.size - keptAdapters))) {
      entry.model.unloadAdapter(oldest);
      entry.adapters.delete(oldest);
    }
  }
  entry.model.setActiveAdapter(task.adapterDir);
  return entry;
}

async function run(task: GenerateTask, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const { folder, model } = await modelFor(task);
  const chatTemplate = task.prompt.kind === 'chat' ? promptChatTemplate(folder, { adapterDir: task.adapterDir, promptTemplate: task.promptTemplate }) : null;
  const { ids, rendered } = encodePrompt(folder, task.prompt, chatTemplate);
  send({ type: 'started', taskId: task.taskId, renderedPrompt: rendered, promptTokens: ids.length });
  if (signal.aborted) {
    // Stopped while the model loaded: skip the prompt's forward pass too.
    const stats = { text: '', finishReason: 'aborted' as const, promptTokens: ids.length, completionTokens: 0, timeToFirstTokenMs: 0, tokensPerSecond: 0 };
    send({ type: 'done', taskId: task.taskId, stats: { ...stats, durationMs: performance.now() - started } });
    return;
  }
  const { settings } = task;
  const stream = generateTokens(model, folder.tokenizer, ids, {
    temperature: settings.temperature,
    topP: settings.topP,
    topK: settings.topK,
    repetitionPenalty: settings.repetitionPenalty,
    maxNewTokens: settings.maxNewTokens,
    seed: settings.seed,
    stopStrings: settings.stopStrings,
    eosTokenIds: folder.tokenizer.eosTokenIds,
    signal,
  });
  let step = await stream.next();
  for (; !step.done; step = await stream.next()) if (step.value.text) send({ type: 'token', taskId: task.taskId, text: step.value.text });
  const result = step.value;
  send({
    type: 'done',
    taskId: task.taskId,
    stats: {
      text: result.text,
      finishReason: result.finishReason,
      promptTokens: result.promptTokens,
      completionTokens: result.tokenIds.length,
      timeToFirstTokenMs: result.timeToFirstTokenMs,
      tokensPerSecond: result.decodeTokensPerSecond,
      durationMs: performance.now() - started,
    },
  });
}

async function drain(): Promise<void> {
  while (!current && queue.length > 0) {
    const task = queue.shift()!;
    current = { taskId: task.taskId, controller: new AbortController() };
    try {
      await run(task, current.controller.signal);
    } catch (error) {
      send({ type: 'failed', taskId: task.taskId, error: explainJobError(error) });
    } finally {
      current = null;
    }
  }
}

process.on('message', (command: InferenceCommand) => {
  if (command.type === 'generate') {
    const { type: _type, ...task } = command;
    queue.push(task);
    void drain();
  } else if (command.type === 'abort') {
    if (current?.taskId === command.taskId) current.controller.abort();
    const queued = queue.findIndex((task) => task.taskId === command.taskId);
    if (queued >= 0) queue.splice(queued, 1);
  }
});
process.on('disconnect', () => process.exit(0));
