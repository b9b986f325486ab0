import { promptTemplateLabel, trainJobConfigSchema, type DatasetFormat, type Job, type TrainJobConfig } from '@qlora-studio/contracts';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatNumber } from '../../../lib/format';
import { datasetsQueryOptions } from '../../../lib/datasets/list-datasets';
import { jobPath } from '../../../components/jobs/job-row';
import { JobStatusBadge } from '../../../components/jobs/job-status';
import { resolvedInfo } from '../board';
import { CopyButton } from '../../../components/copy-button';

/** The config without what the server added at launch: what the user chose. */
export function userConfig(job: Pick<Job, 'config'>): Record<string, unknown> {
  const { resolved: _resolved, ...rest } = job.config;
  return rest;
}

/**
 * What trains, in words. Completion-only loss leaves out prompts, and raw text has none: there
 * every token trains, whichever setting was chosen. `format` is null when it is not known.
 */
export function trainsOnText(trainOn: TrainJobConfig['trainOn'], format: DatasetFormat | null): string {
  if (trainOn === 'all') return 'Whole records';
  if (format === 'text') return 'Every token (raw text has no prompt to leave out)';
  if (format === null) return 'Completions only (raw text: every token)';
  return 'Completions only';
}

/** The summary of a job's settings; `format` is its dataset version's record layout, when known. */
export function configRows(job: Job, format: DatasetFormat | null): [string, string][] {
  if (job.type !== 'train') {
    return Object.entries(userConfig(job))
      .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
      .map(([k, v]) => [k, String(v)]);
  }
  const parsed = trainJobConfigSchema.safeParse(userConfig(job));
  if (!parsed.success) return [];
  const c = parsed.data;
  const v = c.validation;
  return [
    ['Method', c.method === 'qlora' ? 'QLoRA (4-bit NF4 base)' : 'LoRA (fp32 base)'],
    ['LoRA', `rank ${c.lora.r}, alpha ${c.lora.alpha}, dropout ${c.lora.dropout}${c.lora.useRslora ? ', rsLoRA' : ''}`],
    ['Target modules', c.lora.targetModules === 'all-linear' ? 'All linear layers' : c.lora.targetModules.join(', ')],
    ['Length', c.maxSteps !== undefined ? `${c.maxSteps} steps` : `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`],
    ['Learning rate', `${c.learningRate} (${c.scheduler}${c.warmupSteps ? `, ${c.warmupSteps} warm-up steps` : ''})`],
    ['Optimizer', `${c.optimizer === 'adamw' ? 'AdamW' : 'SGD'}${c.weightDecay ? `, weight decay ${c.weightDecay}` : ''}, max grad norm ${c.maxGradNorm}`],
    ['Batch', `${c.batchSize} × ${c.gradAccum} accumulation = ${c.batchSize * c.gradAccum} per step`],
    ['Sequence length', `${formatNumber(c.seqLen, 0)} tokens${c.packing ? ', packed' : ''}`],
    ['Trains on', trainsOnText(c.trainOn, format)],
    ...(format === 'text' ? [] : [['Prompt template', promptTemplateLabel(c.promptTemplate)] as [string, string]]),
    ['Validation', v.kind === 'none' ? 'None' : v.kind === 'split' ? `${Math.round(v.ratio * 100)}% held out (seed ${v.seed})` : 'Another dataset'],
    ['Evaluate every', c.evalEvery ? `${c.evalEvery} steps` : '—'],
    ['Checkpoint every', c.checkpointEvery ? `${c.checkpointEvery} steps` : '—'],
    ['Seed', String(c.seed)],
  ];
}

/** Label and value pairs, two columns from small screens up. */
function Facts({ items }: { items: [string, React.ReactNode][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-3 sm:grid-cols-2">
      {items.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-sm text-fg-muted">{label}</dt>
          <dd className="font-medium break-words">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The record layout of the dataset version a fine-tune read: as stored, or as the job forced it; null when unknown. */
function useDatasetFormat(job: Job): DatasetFormat | null {
  const datasets = useQuery({ ...datasetsQueryOptions(), enabled: job.type === 'train' });
  const info = resolvedInfo(job);
  const dataset = datasets.data?.datasets.find((d) => d.id === info.datasetId);
  const version = dataset?.versions.find((v) => v.version === info.datasetVersion);
  const forced = (job.config.resolved as { dataset?: { parseOptions?: { format?: DatasetFormat } } } | undefined)?.dataset?.parseOptions?.format;
  return version?.format ?? forced ?? null;
}

/** The settings as a readable summary, and the whole config as JSON. */
export function JobConfig({ job }: { job: Job }) {
  const summary = configRows(job, useDatasetFormat(job));
  const json = JSON.stringify(job.config, null, 2);
  return (
    <div className="flex flex-col gap-4">
      {summary.length > 0 && <Facts items={summary} />}
      <details className="rounded-xl border border-line hc:border-line-strong">
        <summary className="flex min-h-11 cursor-pointer items-center px-4 font-medium">Raw config (JSON)</summary>
        <div className="relative border-t border-line">
          <div className="absolute top-2 right-2">
            <CopyButton text={json} what="Config" />
          </div>
          <pre className="max-h-96 overflow-auto p-4 pr-14 font-mono text-sm" tabIndex={0} aria-label="Raw config">
            {json}
          </pre>
        </div>
      </details>
    </div>
  );
}

/** Where the job came from and what came of it: model, data, parent and children. */
export function JobLineage({ job, childJobs }: { job: Job; childJobs: Job[] }) {
  const info = resolvedInfo(job);
  const items: [string, React.ReactNode][] = [];
  if (info.modelName) items.push(['Base model', info.modelName]);
  if (info.datasetName) items.push(['Dataset', `${info.datasetName}${info.datasetVersion !== null ? ` (version ${info.datasetVersion})` : ''}`]);
  if (info.validationDatasetName) items.push(['Validation dataset', info.validationDatasetName]);
  if (info.resumeFrom)
    items.push([
      'Resumed from',
      <code key="r" className="font-mono text-sm break-all">
        {info.resumeFrom}
      </code>,
    ]);
  items.push([
    'Parent job',
    job.parentId ? (
      <Link key="p" to={jobPath(job.parentId)} className="inline-flex min-h-11 items-center font-mono text-primary-text underline-offset-4 hover:underline">
        {job.parentId}
      </Link>
    ) : (
      'None: launched directly'
    ),
  ]);
  return (
    <div className="flex flex-col gap-4">
      <Facts items={items} />
      <div>
        <h3 className="text-sm text-fg-muted">Retries and resumes of this job</h3>
        {childJobs.length ? (
          <ul className="mt-1 flex flex-col">
            {childJobs.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-3">
                <Link to={jobPath(c.id)} className="inline-flex min-h-11 items-center font-medium text-primary-text underline-offset-4 hover:underline">
                  {c.title} <span className="ml-2 font-mono text-sm text-fg-muted">{c.id}</span>
                </Link>
                <JobStatusBadge status={c.status} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="font-medium">None</p>
        )}
      </div>
    </div>
  );
}
