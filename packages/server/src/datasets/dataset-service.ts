/**
 * Datasets of the workspace. A file arrives (an upload streamed to disk, or a copy of a file
 * on the server), the engine reads it into records and problems, and only then is it stored:
 * `datasets/<id>/v<N>-<file name>` plus a row per version. A version never changes; a fixed
 * file or other parse options make a new one. Anything refused leaves nothing behind.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ApiError,
  importHubDatasetConfigSchema,
  jobResult,
  promptTemplateOfQuery,
  type Dataset,
  type DatasetParseOptions,
  type DatasetRecords,
  type DatasetReport,
  type DatasetReportQuery,
  type Job,
} from '@qlora-studio/contracts';
import {
  buildDatasetReport,
  chatTemplateFor,
  EngineError,
  type ChatTemplate,
  loadModelFolder,
  readDatasetFile,
  type ParsedDataset,
} from '@qlora-studio/engine';
import { recordActivity } from '../store/activity-repo.js';
import type { Db } from '../store/database.js';
import {
  deleteDatasetRows,
  getDatasetOrThrow,
  getVersionOrThrow,
  insertDataset,
  insertDatasetVersion,
  renameDataset,
  type NewVersion,
  type StoredVersion,
} from '../store/datasets-repo.js';
import { getModelOrThrow } from '../store/models-repo.js';
import { newId } from '../store/rows.js';

/**
 * A file name as the user gave it, checked: no folders, no "..", no control characters.
 * (The stored name is ours: `v<N>-<name>` inside the dataset's folder.)
 */
export function checkFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  if (base !== fileName || base === '..' || base === '.' || /[\u0000-\u001f]/.test(fileName) || base.trim() === '') {
    throw new ApiError('DATASET_INVALID', `The file name "${fileName}" is not allowed: give a plain file name without folders or "..".`);
  }
  return base;
}

/**
 * A few recent results by key (parsed versions, reports): record pages and reports re-read
 * nothing while they are here. A failed computation is not kept.
 */
class RecentCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      entry = compute();
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry); // most recent last
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** Drops every entry whose key starts with `prefix`. */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

export class DatasetService {
  private readonly parsedCache = new RecentCache<ParsedDataset>(8);
  private readonly reportCache = new RecentCache<DatasetReport>(16);

  private parsed(version: StoredVersion): Promise<ParsedDataset> {
    return this.parsedCache.get(`${version.datasetId}@${version.version}`, () => readDatasetFile(version.filePath, version.parseOptions));
  }

  constructor(
    private readonly db: Db,
    private readonly workspace: string,
    /** The current upload limit in bytes (a live setting). */
    private readonly uploadLimitBytes: () => number,
  ) {}

  private get root(): string {
    return path.join(this.workspace, 'datasets');
  }

  /** Streams `body` to a temporary file, refusing it once it passes the limit. */
  private async receive(body: Readable, fileName: string): Promise<{ file: string; sizeBytes: number; sha256: string }> {
    const incoming = path.join(this.root, '.incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const file = path.join(incoming, `${newId('upload')}-${fileName}`);
    const limit = this.uploadLimitBytes();
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        sizeBytes += chunk.length;
        if (sizeBytes > limit)
          return done(new ApiError('DATASET_TOO_LARGE', `The file is over the upload limit of ${Math.round(limit / 2 ** 20)} MiB; nothing was stored.`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, fs.createWriteStream(file));
    } catch (error) {
      fs.rmSync(file, { force: true });
      if (error instanceof ApiError) throw error;
      throw new ApiError('DATASET_INVALID', `The upload of ${fileName} did not complete (${(error as Error).message}); nothing was stored.`);
    }
    return { file, sizeBytes, sha256: hash.digest('hex') };
  }

  /** Reads a received file with the engine; a whole-file problem becomes DATASET_INVALID. */
  private async read(file: string, displayName: string, options: DatasetParseOptions): Promise<ParsedDataset> {
    try {
      return await readDatasetFile(file, { ...options, maxBytes: this.uploadLimitBytes() });
    } catch (error) {
      if (error instanceof EngineError) throw new ApiError('DATASET_INVALID', error.message.split(file).join(displayName));
      throw error;
    }
  }

  /** Reads, then stores the received file as version `version` of dataset `id` (moving it in place). */
  private async store(
    received: { file: string; sizeBytes: number; sha256: string },
    fileName: string,
    options: DatasetParseOptions,
    save: (v: NewVersion) => Dataset,
    id: string,
    version: number,
  ): Promise<Dataset> {
    let stored: string | null = null;
    try {
      const parsed = await this.read(received.file, fileName, options);
      const dir = path.join(this.root, id);
      fs.mkdirSync(dir, { recursive: true });
      stored = path.join(dir, `v${version}-${fileName}`);
      fs.renameSync(received.file, stored);
      const report = buildDatasetReport(parsed, { problemLimit: 0 });
      return save({
        fileName,
        filePath: stored,
        sizeBytes: received.sizeBytes,
        sha256: received.sha256,
        fileType: parsed.fileType,
        format: parsed.format,
        parseOptions: options,
        records: report.records,
        valid: report.valid,
        errorCount: report.errorCount,
        warningCount: report.warningCount,
      });
    } catch (error) {
      fs.rmSync(received.file, { force: true });
      if (stored) fs.rmSync(stored, { force: true });
      throw error;
    }
  }

  async upload(body: Readable, query: { fileName: string; name?: string | undefined }, parseOptions: DatasetParseOptions = {}): Promise<Dataset> {
    const fileName = checkFileName(query.fileName);
    const received = await this.receive(body, fileName);
    const id = newId('dataset');
    const name = query.name ?? fileName.replace(/\.[^.]+$/, '');
    const dataset = await this.store(
      received,
      fileName,
      parseOptions,
      (v) => insertDataset(this.db, { id, name, source: 'upload', sourceRef: fileName, version: v }),
      id,
      1,
    ).catch((error: unknown) => {
      fs.rmSync(path.join(this.root, id), { recursive: true, force: true });
      throw error;
    });
    recordActivity(this.db, 'dataset.created', `Dataset "${dataset.name}" uploaded (${dataset.latest.records} records)`);
    return dataset;
  }

  /** A new version of dataset `id`: detected afresh, or read as the newest version was with `keepLayout`. */
  async uploadVersion(id: string, body: Readable, query: { fileName: string; keepLayout?: 'true' | 'false' | undefined }): Promise<Dataset> {
    const current = getDatasetOrThrow(this.db, id);
    const fileName = checkFileName(query.fileName);
    const received = await this.receive(body, fileName);
    const next = current.latest.version + 1;
    // A text file's document separator is not a layout: it carries over either way.
    const { separator } = current.latest.parseOptions;
    const options = query.keepLayout === 'true' ? current.latest.parseOptions : separator === undefined ? {} : { separator };
    const dataset = await this.store(received, fileName, options, (v) => insertDatasetVersion(this.db, id, v), id, next);
    recordActivity(this.db, 'dataset.versioned', `Dataset "${dataset.name}" version ${next} uploaded (${dataset.latest.records} records)`);
    return dataset;
  }

  async importPath(body: { path: string; name?: string | undefined; parseOptions?: DatasetParseOptions | undefined }): Promise<Dataset> {
    if (!path.isAbsolute(body.path)) throw new ApiError('DATASET_INVALID', `Give the file as an absolute path on the server, not "${body.path}".`);
    return this.importFile(body.path, { name: body.name, source: 'path', sourceRef: body.path, parseOptions: body.parseOptions ?? {} });
  }

  /** The data file a Hub import job downloaded, named as the job asked (the job's finalizer); the download is removed once stored. */
  async importDownloaded(job: Job): Promise<Dataset> {
    const result = jobResult(job, 'import-dataset');
    if (!result) throw new Error('the import reported no file.');
    const { file, repo } = result;
    try {
      const name = importHubDatasetConfigSchema.parse(job.config).name;
      return await this.importFile(file, { name: name ?? repo, source: 'hub', sourceRef: repo, parseOptions: {} });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Copies a file on the server in (never moves or changes the original) and stores it. */
  private async importFile(
    file: string,
    as: { name: string | undefined; source: Dataset['source']; sourceRef: string; parseOptions: DatasetParseOptions },
  ): Promise<Dataset> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new ApiError('DATASET_INVALID', `${file} does not exist on the server.`);
    }
    if (!stat.isFile()) throw new ApiError('DATASET_INVALID', `${file} is not a file.`);
    const fileName = path.basename(file);
    const received = await this.receive(fs.createReadStream(file), fileName);
    const id = newId('dataset');
    const name = as.name ?? fileName.replace(/\.[^.]+$/, '');
    const dataset = await this.store(
      received,
      fileName,
      as.parseOptions,
      (v) => insertDataset(this.db, { id, name, source: as.source, sourceRef: as.sourceRef, version: v }),
      id,
      1,
    ).catch((error: unknown) => {
      fs.rmSync(path.join(this.root, id), { recursive: true, force: true });
      throw error;
    });
    recordActivity(this.db, 'dataset.created', `Dataset "${dataset.name}" imported from ${as.sourceRef} (${dataset.latest.records} records)`);
    return dataset;
  }

  /** The newest file read again with other options: a new version sharing the stored file. */
  async reparse(id: string, parseOptions: DatasetParseOptions): Promise<Dataset> {
    const latest = getVersionOrThrow(this.db, id);
    const parsed = await this.read(latest.filePath, latest.fileName, parseOptions);
    const report = buildDatasetReport(parsed, { problemLimit: 0 });
    const dataset = insertDatasetVersion(this.db, id, {
      ...latest,
      parseOptions,
      fileType: parsed.fileType,
      format: parsed.format,
      records: report.records,
      valid: report.valid,
      errorCount: report.errorCount,
      warningCount: report.warningCount,
    });
    recordActivity(this.db, 'dataset.versioned', `Dataset "${dataset.name}" version ${dataset.latest.version}: read as ${parsed.format}`);
    return dataset;
  }

  get(id: string): Dataset {
    return getDatasetOrThrow(this.db, id);
  }

  rename(id: string, name: string): Dataset {
    const before = getDatasetOrThrow(this.db, id);
    const dataset = renameDataset(this.db, id, name);
    recordActivity(this.db, 'dataset.renamed', `Dataset "${before.name}" renamed to "${name}"`);
    return dataset;
  }

  /**
   * Deletes the rows, then the files; `inUse` names active jobs that read the dataset, and
   * `benchmarks` the benchmarks made from it (their items are its rows: delete them first).
   */
  delete(id: string, inUse: string[], benchmarks: string[] = []): void {
    const dataset = getDatasetOrThrow(this.db, id);
    if (inUse.length > 0)
      throw new ApiError(
        'DATASET_IN_USE',
        `Dataset "${dataset.name}" is used by ${inUse.length === 1 ? 'job' : 'jobs'} ${inUse.join(', ')}, which ${inUse.length === 1 ? 'is' : 'are'} still queued or running.`,
      );
    if (benchmarks.length > 0)
      throw new ApiError(
        'DATASET_IN_USE',
        `Dataset "${dataset.name}" holds the items of ${benchmarks.length === 1 ? 'benchmark' : 'benchmarks'} ${benchmarks.map((b) => `"${b}"`).join(', ')}: delete ${benchmarks.length === 1 ? 'it' : 'them'} first.`,
      );
    deleteDatasetRows(this.db, id);
    this.parsedCache.forget(`${id}@`);
    this.reportCache.forget(`${id}@`);
    fs.rmSync(path.join(this.root, id), { recursive: true, force: true });
    recordActivity(this.db, 'dataset.deleted', `Dataset "${dataset.name}" deleted`);
  }

  async records(id: string, query: { version?: number | undefined; offset: number; limit: number }): Promise<DatasetRecords> {
    const version = getVersionOrThrow(this.db, id, query.version);
    const parsed = await this.parsed(version);
    const slice = parsed.records.slice(query.offset, query.offset + query.limit);
    return {
      version: version.version,
      total: parsed.records.length,
      offset: query.offset,
      records: slice.map((record, i) => ({ index: query.offset + i, record })),
    };
  }

  async report(id: string, query: DatasetReportQuery): Promise<DatasetReport> {
    const version = getVersionOrThrow(this.db, id, query.version);
    if (query.modelId) getModelOrThrow(this.db, query.modelId); // also when the report is cached
    const template = promptTemplateOfQuery(query);
    const key = `${id}@${version.version}|${query.modelId ?? ''}|${query.seqLen}|${query.trainOn}|${query.samples}|${JSON.stringify(template ?? null)}`;
    return this.reportCache.get(key, async () => {
      const parsed = await this.parsed(version);
      if (!query.modelId) return buildDatasetReport(parsed, { samples: query.samples });
      const model = getModelOrThrow(this.db, query.modelId);
      const folder = loadModelFolder(model.path);
      try {
        let chatTemplate: ChatTemplate | null;
        try {
          chatTemplate = chatTemplateFor(folder, template);
        } catch (error) {
          if (error instanceof EngineError) throw new ApiError('VALIDATION_FAILED', error.message);
          throw error;
        }
        return buildDatasetReport(parsed, { tokenizer: folder.tokenizer, chatTemplate, seqLen: query.seqLen, trainOn: query.trainOn, samples: query.samples });
      } finally {
        folder.weights.close();
      }
    });
  }
}
