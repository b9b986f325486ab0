/**
 * Playground latency: time from POST /api/playground/runs to the first streamed token, for the
 * first run (an inference worker starts and loads the model) and the next (model loaded), on
 * the demo model through a real server. Usage: node --import tsx packages/server/bench/playground.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaseModel, PlaygroundRun } from '@qlora-studio/contracts';
import { buildApp } from '../src/app.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qlora-bench-playground-'));
const app = await buildApp({ home, webRoot: null });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const post = async <T>(url: string, body: unknown): Promise<T> =>
  (await fetch(base + url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<T>;

try {
  const model = await post<BaseModel>('/api/models/demo', {});
  const settings = { temperature: 0, topP: 1, topK: 0, maxNewTokens: 64, repetitionPenalty: 1, seed: 0, stopStrings: [] };
  for (const label of ['first run (worker start + model load)', 'next run (model loaded)']) {
    const started = performance.now();
    const run = await post<PlaygroundRun>('/api/playground/runs', {
      prompt: { mode: 'text', template: 'Once upon a time', variables: {} },
      settings,
      panes: [{ modelId: model.id }],
    });
    const stream = (await fetch(`${base}/api/playground/runs/${run.id}/stream`)).body!.getReader();
    let text = '';
    let firstToken = 0;
    for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) {
      text += new TextDecoder().decode(chunk.value);
      if (!firstToken && text.includes('event: token')) firstToken = performance.now() - started;
    }
    const end = JSON.parse(/event: end\ndata: (.*)/.exec(text)![1]!) as PlaygroundRun;
    const pane = end.panes[0]!;
    console.log(
      `${label}: first token ${Math.round(firstToken)} ms after the request (engine TTFT ${pane.timeToFirstTokenMs} ms), ${pane.completionTokens} tokens at ${pane.tokensPerSecond} tok/s, ${Math.round(performance.now() - started)} ms in all`,
    );
  }
} finally {
  await app.close();
  fs.rmSync(home, { recursive: true, force: true });
}
