/**
 * Hub downloads inside a worker process: a model folder, or one data file of a dataset repo,
 * written under the workspace with progress in bytes. The server stores what arrived when the
 * job succeeds (ModelService.storeDownload, DatasetService.storeHubImport); a failed or
 * canceled download stores nothing.
 */
import path from 'node:path';
import { downloadModelConfigSchema, importHubDatasetConfigSchema, type DownloadModelResult, type ImportDatasetResult } from '@qlora-studio/contracts';
import { downloadDatasetFile, downloadModel, type DownloadProgress, type JobContext } from '@qlora-studio/engine';

/** Where downloads land: models in `models/hub`, dataset files in `datasets/.hub` until stored. */
export const hubFolders = {
  models: (workspace: string): string => path.join(workspace, 'models', 'hub'),
  datasets: (workspace: string): string => path.join(workspace, 'datasets', '.hub'),
};

function progressReporter(ctx: JobContext, what: string): (p: DownloadProgress) => void {
  return (p) => {
    const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
    // The bar follows the current file's bytes (KiB, whole numbers); the message says which file of how many.
    ctx.report.progress({
      step: Math.floor(p.bytes / 1024),
      total: Math.max(1, Math.ceil(p.totalBytes / 1024)),
      etaSeconds: null,
      message: `${what} ${p.file}: ${mib(p.bytes)} of ${mib(p.totalBytes)} MiB (file ${p.fileIndex + 1} of ${p.fileCount})`,
    });
  };
}

export async function runDownloadModel(raw: unknown, ctx: JobContext): Promise<DownloadModelResult> {
  const config = downloadModelConfigSchema.parse(raw);
  ctx.report.log('info', `Downloading ${config.repo}@${config.revision} from the Hugging Face Hub.`);
  const dir = await downloadModel({
    repo: config.repo,
    revision: config.revision,
    cacheDir: hubFolders.models(ctx.workspace),
    onProgress: progressReporter(ctx, 'Downloading'),
    signal: ctx.signal,
  });
  return { dir, repo: config.repo };
}

export async function runImportHubDataset(raw: unknown, ctx: JobContext): Promise<ImportDatasetResult> {
  const config = importHubDatasetConfigSchema.parse(raw);
  ctx.report.log('info', `Downloading a data file of the Hub dataset ${config.repo}@${config.revision}.`);
  const destDir = path.join(hubFolders.datasets(ctx.workspace), config.repo.replace('/', '--'));
  const file = await downloadDatasetFile({
    repo: config.repo,
    revision: config.revision,
    destDir,
    onProgress: progressReporter(ctx, 'Downloading'),
    signal: ctx.signal,
    ...(config.file ? { file: config.file } : {}),
  });
  return { file, repo: config.repo };
}
