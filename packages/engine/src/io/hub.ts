/**
 * Download a model from the Hugging Face Hub into a plain folder: only the files the engine
 * needs, each streamed to `<name>.part` and renamed when whole and checked, so an interrupted
 * download resumes where it stopped (HTTP Range) and a folder never holds a half file under
 * its real name.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HubApiError, listFiles } from '@huggingface/hub';
import { EngineError } from '../errors.js';
import { throwIfAborted } from '../jobs/reporter.js';
import { asRecord, readJsonFile } from './json-file.js';

/** The public Hub. */
export const HUB_URL = 'https://huggingface.co';

/** The Hub to use: `HF_ENDPOINT` (as huggingface_hub reads it, e.g. a mirror), else huggingface.co. */
export function hubUrlFromEnv(): string {
  return process.env.HF_ENDPOINT || HUB_URL;
}

export interface DownloadProgress {
  /** File name inside the repo, e.g. 'model.safetensors'. */
  file: string;
  /** Bytes of this file on disk so far. */
  bytes: number;
  /** Size of this file. */
  totalBytes: number;
  /** 0-based position of this file in the download, of `fileCount`. */
  fileIndex: number;
  fileCount: number;
}

export interface DownloadModelOptions {
  /** Hub model id, e.g. 'HuggingFaceTB/SmolLM2-135M-Instruct'. */
  repo: string;
  /** Branch, tag or commit; default 'main'. */
  revision?: string;
  /** The folder is created inside it (see `localModelDir`). */
  cacheDir: string;
  /** Access token for gated or private models; default `HF_TOKEN` from the environment ('' for none). */
  token?: string;
  /** Default `HF_ENDPOINT`, else https://huggingface.co. */
  hubUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/** Files besides the weights that a model folder uses. */
const wantedFiles = /^(config\.json|generation_config\.json|tokenizer.*\.json|special_tokens_map\.json|chat_template\.jinja)$/;
const indexFile = 'model.safetensors.index.json';
const progressIntervalMs = 100;
const networkCodes = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

interface RemoteFile {
  path: string;
  size: number;
  /** sha256 of LFS files, or the git blob sha1 of others (what the tree API calls oid). */
  check: { algorithm: 'sha256' | 'git-sha1'; hex: string } | null;
}

/** The folder `downloadModel` fills: `<cacheDir>/<owner>--<name>`, plus `@<revision>` unless main. */
export function localModelDir(cacheDir: string, repo: string, revision = 'main'): string {
  const name = repo.replace('/', '--') + (revision === 'main' ? '' : `@${revision.replace(/[^\w.-]/g, '_')}`);
  return path.join(cacheDir, name);
}

/** What a Hub repo holds: the tree and file URLs differ (`/api/datasets/…`, `/datasets/…/resolve`). */
type RepoKind = 'model' | 'dataset';

function checkRepoId(repo: string, kind: RepoKind = 'model'): void {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo) || repo.split('/').some((part) => part === '.' || part === '..' || part.startsWith('.'))) {
    throw new EngineError('INVALID_ARGUMENT', `"${repo}" is not a Hugging Face ${kind} id (owner/name).`);
  }
}

/** Turn what fetch or @huggingface/hub threw into an EngineError; aborts pass through. */
function hubError(error: unknown, repo: string, errorCode: string | null, hasToken: boolean, kind: RepoKind): unknown {
  if (error instanceof EngineError || (error as Error)?.name === 'AbortError') return error;
  const status = error instanceof HubApiError ? error.statusCode : undefined;
  const detail = (error as Error)?.message ?? String(error);
  // The Hub answers 401 with X-Error-Code RepoNotFound for a missing (or private) repo when no token is sent.
  if (status === 404 || (status === 401 && errorCode === 'RepoNotFound' && !hasToken)) {
    return new EngineError('HUB_NOT_FOUND', `The Hub has no ${kind} "${repo}" (or it is private or gated). ${detail}`, { cause: error });
  }
  if (status === 401 || status === 403) {
    return new EngineError('HUB_UNAUTHORIZED', `The Hub refused access to "${repo}" (HTTP ${status}). ${detail}`, { cause: error });
  }
  if (error instanceof TypeError && /access token must start with/.test(detail)) {
    return new EngineError('HUB_UNAUTHORIZED', 'HF_TOKEN does not look like a Hugging Face token (those start with "hf_").', { cause: error });
  }
  const cause = (error as { cause?: { code?: string } })?.cause;
  if ((error instanceof TypeError && detail === 'fetch failed') || networkCodes.has(cause?.code ?? '')) {
    return new EngineError('HUB_OFFLINE', `Cannot reach the Hub to download "${repo}": ${cause?.code ?? detail}.`, { cause: error });
  }
  if (status !== undefined) return new EngineError('HUB_OFFLINE', `The Hub answered HTTP ${status} for "${repo}". ${detail}`, { cause: error });
  return error;
}

/** Everything one download shares: where from, with what credentials, and the last Hub error code seen. */
class HubSession {
  lastErrorCode: string | null = null;
  readonly fetch: typeof fetch;

  constructor(
    readonly repo: string,
    readonly revision: string,
    readonly hubUrl: string,
    readonly token: string | undefined,
    readonly signal: AbortSignal | undefined,
    readonly kind: RepoKind = 'model',
  ) {
    // Every request gets the signal, and error codes are kept for `hubError` (HubApiError drops headers).
    this.fetch = async (input, init) => {
      const response = await fetch(input, { ...init, signal: this.signal });
      if (!response.ok) this.lastErrorCode = response.headers.get('x-error-code');
      return response;
    };
  }

  fail(error: unknown): unknown {
    return hubError(error, this.repo, this.lastErrorCode, this.token !== undefined, this.kind);
  }

  async list(): Promise<Map<string, RemoteFile>> {
    const files = new Map<string, RemoteFile>();
    const entries = listFiles({
      repo: { type: this.kind, name: this.repo },
      revision: this.revision,
      hubUrl: this.hubUrl,
      accessToken: this.token,
      fetch: this.fetch,
    });
    for await (const entry of entries) {
      if (entry.type !== 'file') continue;
      const size = entry.lfs?.size ?? entry.size;
      const check = entry.lfs ? { algorithm: 'sha256' as const, hex: entry.lfs.oid } : entry.oid ? { algorithm: 'git-sha1' as const, hex: entry.oid } : null;
      files.set(entry.path, { path: entry.path, size, check });
    }
    return files;
  }

  /** Same URL scheme and auth header as @huggingface/hub's downloadFile. */
  resolveUrl(file: string): string {
    return `${this.hubUrl}/${this.kind === 'dataset' ? 'datasets/' : ''}${this.repo}/resolve/${encodeURIComponent(this.revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }
}

function newHash(check: RemoteFile['check'], size: number): Hash | null {
  if (!check) return null;
  if (check.algorithm === 'sha256') return createHash('sha256');
  return createHash('sha1').update(`blob ${size}\0`);
}

async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
}

/**
 * Fetch one file into `dir`, resuming `<file>.part` with a Range request. The direct fetch (not
 * downloadFile's Blob) is on purpose: resuming must tell a 206 from a 200 that restarts the file.
 */
async function fetchFile(session: HubSession, remote: RemoteFile, dir: string, report: (bytes: number) => void, retried = false): Promise<void> {
  const final = path.join(dir, remote.path);
  const part = `${final}.part`;
  if (fs.existsSync(final) && fs.statSync(final).size === remote.size) return report(remote.size);
  let have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  if (have > remote.size) have = 0;
  report(have);
  let response: Response | null = null;
  if (have < remote.size || remote.size === 0) {
    const headers: Record<string, string> = {};
    if (session.token) headers.Authorization = `Bearer ${session.token}`;
    if (have > 0) headers.Range = `bytes=${have}-`;
    response = await session.fetch(session.resolveUrl(remote.path), { headers });
    if (response.status === 416 && !retried) {
      fs.rmSync(part, { force: true });
      return fetchFile(session, remote, dir, report, true);
    }
    if (!response.ok) throw new HubApiError(response.url, response.status, undefined, `Downloading ${remote.path} failed with HTTP ${response.status}.`);
    if (response.status !== 206)
      have = 0; // the server sent the whole file
    else if (!(response.headers.get('content-range') ?? '').startsWith(`bytes ${have}-`)) {
      await response.body?.cancel();
      if (retried) throw new EngineError('HUB_OFFLINE', `The Hub sent the wrong part of ${remote.path} when resuming.`);
      fs.rmSync(part, { force: true });
      return fetchFile(session, remote, dir, report, true);
    }
  }
  const hash = newHash(remote.check, remote.size);
  if (hash && have > 0) await hashFile(part, hash);
  const handle = await fs.promises.open(part, have > 0 ? 'a' : 'w');
  try {
    if (response?.body) {
      for await (const chunk of response.body) {
        await handle.write(chunk);
        hash?.update(chunk);
        have += chunk.byteLength;
        report(have);
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (have !== remote.size) {
    throw new EngineError('HUB_OFFLINE', `The download of ${remote.path} stopped at ${have} of ${remote.size} bytes; run it again to resume.`);
  }
  if (hash && hash.digest('hex') !== remote.check!.hex) {
    fs.rmSync(part, { force: true });
    if (!retried) return fetchFile(session, remote, dir, report, true);
    throw new EngineError('HUB_DOWNLOAD_DAMAGED', `${remote.path} arrived damaged twice (its checksum does not match the Hub's); try again later.`);
  }
  fs.renameSync(part, final);
}

/** The files to fetch, in order: small files first, then the weights (shards named by the index). */
async function plan(session: HubSession, remote: Map<string, RemoteFile>, dir: string): Promise<RemoteFile[]> {
  for (const required of ['config.json', 'tokenizer.json']) {
    if (!remote.has(required)) throw new EngineError('MODEL_FILE_MISSING', `The Hub model "${session.repo}" has no ${required}, which QLoRA Studio needs.`);
  }
  const files = [...remote.values()].filter((f) => wantedFiles.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const index = remote.get(indexFile);
  if (index) {
    await fetchFile(session, index, dir, () => {});
    const weightMap = asRecord(asRecord(readJsonFile(path.join(dir, indexFile), 'SAFETENSORS_INVALID'))?.weight_map) ?? {};
    const shards = [...new Set(Object.values(weightMap))].filter((s): s is string => typeof s === 'string').sort();
    files.push(index);
    for (const shard of shards) {
      const file = remote.get(shard);
      if (!file || shard.includes('/'))
        throw new EngineError('HUB_NOT_FOUND', `${indexFile} of "${session.repo}" lists ${shard}, which the repo does not have.`);
      files.push(file);
    }
  } else {
    const single = remote.get('model.safetensors');
    if (!single) {
      throw new EngineError(
        'HUB_NOT_FOUND',
        `The Hub model "${session.repo}" has no safetensors weights (model.safetensors or ${indexFile}); other formats are not supported.`,
      );
    }
    files.push(single);
  }
  return files;
}

/**
 * Download the files a model needs (config, generation config, tokenizer files, chat template,
 * safetensors weights) into `localModelDir(cacheDir, repo, revision)` and return that folder.
 * Complete files are skipped; partial ones resume. Throws HUB_OFFLINE, HUB_NOT_FOUND or
 * HUB_UNAUTHORIZED with the reason, or an AbortError when `signal` fires.
 */
export async function downloadModel(options: DownloadModelOptions): Promise<string> {
  checkRepoId(options.repo);
  const revision = options.revision ?? 'main';
  const token = (options.token ?? process.env.HF_TOKEN) || undefined;
  const session = new HubSession(options.repo, revision, (options.hubUrl ?? hubUrlFromEnv()).replace(/\/+$/, ''), token, options.signal);
  const dir = localModelDir(options.cacheDir, options.repo, revision);
  try {
    const remote = await session.list();
    fs.mkdirSync(dir, { recursive: true });
    const files = await plan(session, remote, dir);
    for (const [fileIndex, file] of files.entries()) {
      if (options.signal) throwIfAborted(options.signal, 'The download');
      // At most one report per progressIntervalMs while bytes flow, but always the first and the last.
      let last = -Infinity;
      const report = (bytes: number): void => {
        const now = performance.now();
        if (bytes !== file.size && now - last < progressIntervalMs) return;
        last = now;
        options.onProgress?.({ file: file.path, bytes, totalBytes: file.size, fileIndex, fileCount: files.length });
      };
      await fetchFile(session, file, dir, report);
    }
  } catch (error) {
    throw session.fail(error);
  }
  return dir;
}

/** File types a dataset repo's data file may have (what `readDatasetFile` reads). */
const datasetFile = /\.(jsonl|ndjson|json|csv|tsv|parquet|txt)$/i;

export interface DownloadDatasetFileOptions {
  /** Hub dataset id, e.g. 'tatsu-lab/alpaca'. */
  repo: string;
  /** The data file inside the repo; default: its only data file (an error lists them when there are several). */
  file?: string;
  revision?: string;
  /** The folder the file is written to, at its path inside the repo. */
  destDir: string;
  token?: string;
  hubUrl?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Download one data file of a Hub dataset repo into `destDir`, resuming and checking it like a
 * model download, and return its local path. Throws HUB_OFFLINE / HUB_NOT_FOUND /
 * HUB_UNAUTHORIZED, or INVALID_ARGUMENT naming the data files when the choice is not clear.
 */
export async function downloadDatasetFile(options: DownloadDatasetFileOptions): Promise<string> {
  checkRepoId(options.repo, 'dataset');
  const revision = options.revision ?? 'main';
  const token = (options.token ?? process.env.HF_TOKEN) || undefined;
  const session = new HubSession(options.repo, revision, (options.hubUrl ?? hubUrlFromEnv()).replace(/\/+$/, ''), token, options.signal, 'dataset');
  try {
    const remote = await session.list();
    const candidates = [...remote.values()]
      .filter((f) => datasetFile.test(f.path))
      .map((f) => f.path)
      .sort();
    let chosen: RemoteFile | undefined;
    if (options.file !== undefined) {
      chosen = remote.get(options.file);
      if (!chosen)
        throw new EngineError(
          'HUB_NOT_FOUND',
          `The Hub dataset "${options.repo}" has no file ${options.file}. Its data files: ${candidates.join(', ') || 'none'}.`,
        );
    } else if (candidates.length === 1) chosen = remote.get(candidates[0]!);
    else if (candidates.length === 0)
      throw new EngineError('HUB_NOT_FOUND', `The Hub dataset "${options.repo}" has no data file QLoRA Studio reads (JSON, JSONL, CSV, TSV, Parquet or text).`);
    else
      throw new EngineError(
        'INVALID_ARGUMENT',
        `The Hub dataset "${options.repo}" has ${candidates.length} data files; choose one: ${candidates.slice(0, 20).join(', ')}${candidates.length > 20 ? ', …' : ''}.`,
      );
    const file = chosen!;
    if (file.path.split('/').some((part) => part === '..' || part === ''))
      throw new EngineError('HUB_NOT_FOUND', `The Hub listed an odd path "${file.path}" in "${options.repo}".`);
    // The local copy keeps the repo's sub-folders: destDir/<path>.
    fs.mkdirSync(path.dirname(path.join(options.destDir, file.path)), { recursive: true });
    let last = -Infinity;
    await fetchFile(session, file, options.destDir, (bytes) => {
      const now = performance.now();
      if (bytes !== file.size && now - last < progressIntervalMs) return;
      last = now;
      options.onProgress?.({ file: file.path, bytes, totalBytes: file.size, fileIndex: 0, fileCount: 1 });
    });
    return path.join(options.destDir, file.path);
  } catch (error) {
    throw session.fail(error);
  }
}
