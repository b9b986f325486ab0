import type { EvaluationSummary } from '@qlora-studio/contracts';
import { ExternalLink } from 'lucide-react';
import { Link } from 'react-router';
import { buttonVariants } from '../../../../components/ui/button';
import { cn } from '../../../../lib/cn';
import type { Example } from '../examples';
import { playgroundHref } from '../links';
import { OutcomeBadge } from './example-outcome';

/** A score as stored: 0/1 and fractions with two decimals, losses with three. */
const scoreText = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 1 ? 2 : 3));

/** One model's side of an example: its answer, the raw output or each choice's log-probability, its scores. */
function ModelAnswer({
  cell,
  job,
  example,
  isBase,
}: {
  cell: Example['models'][number];
  job: EvaluationSummary | undefined;
  example: Example;
  isBase: boolean;
}) {
  const best = cell.choices ? Math.max(...cell.choices.map((c) => c.logprob)) : null;
  return (
    <section
      aria-label={`${cell.label}${isBase ? ' (base)' : ''}`}
      className="flex min-w-0 flex-col gap-2 rounded-lg border border-line p-3 hc:border-line-strong"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">
          {cell.label}
          {isBase ? <span className="font-normal text-fg-muted"> (base)</span> : null}
        </h4>
        {isBase ? null : <OutcomeBadge outcome={cell.outcome} />}
      </div>
      <p className="text-sm">
        <span className="text-fg-muted">Answer: </span>
        <span className="literal-text font-medium break-words whitespace-pre-wrap">{cell.prediction || '(empty)'}</span>{' '}
        <span className={cell.correct ? 'text-success-text' : 'text-danger-text'}>{cell.correct ? '✓ right' : '✗ wrong'}</span>
      </p>
      {cell.output !== undefined && cell.output !== cell.prediction && (
        <div className="text-sm">
          <p className="text-fg-muted">Full output</p>
          <pre className="mt-1 max-h-48 overflow-auto rounded-md bg-surface-muted p-2 text-xs whitespace-pre-wrap">{cell.output}</pre>
        </div>
      )}
      {cell.choices && (
        <table className="text-sm">
          <caption className="text-left text-fg-muted">Log-probability of each choice (higher is more likely)</caption>
          <tbody>
            {cell.choices.map((c, i) => (
              <tr key={i} className={c.logprob === best ? 'font-semibold' : undefined}>
                <th scope="row" className={cn('literal-text pr-3 text-left break-words', c.logprob === best ? 'font-semibold' : 'font-normal')}>
                  {c.text}
                  {c.logprob === best ? ' (chosen)' : ''}
                </th>
                <td className="text-right tabular-nums">{c.logprob.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {Object.keys(cell.scores).length > 0 && (
        <p className="text-xs text-fg-muted">
          {Object.entries(cell.scores)
            .map(([k, v]) => `${k} ${scoreText(v)}`)
            .join(' · ')}
        </p>
      )}
      {job && (
        <Link
          to={playgroundHref(example.prompt, job.model.id, job.adapter?.ref)}
          className={cn(buttonVariants({ variant: 'link' }), 'self-start text-sm')}
          aria-label={`Open in Playground: item ${example.index} with ${cell.label}`}
        >
          <ExternalLink className="size-4" aria-hidden />
          Open in Playground
        </Link>
      )}
    </section>
  );
}

/** An example in full: the prompt, the reference and every model's answer side by side. */
export function ExampleDetails({ example, jobs }: { example: Example; jobs: (EvaluationSummary | undefined)[] }) {
  return (
    <div className="flex flex-col gap-3 py-2">
      <div className="grid gap-3 md:grid-cols-2">
        <div className="min-w-0">
          <p className="text-sm font-medium">Prompt</p>
          <pre className="mt-1 max-h-60 overflow-auto rounded-md bg-surface-muted p-2 text-xs whitespace-pre-wrap">{example.prompt}</pre>
        </div>
        <div className="min-w-0">
          <p className="text-sm font-medium">Reference</p>
          <pre className="mt-1 max-h-60 overflow-auto rounded-md bg-surface-muted p-2 text-xs whitespace-pre-wrap">{example.reference}</pre>
        </div>
      </div>
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {example.models.map((cell, i) => (
          <ModelAnswer key={cell.label} cell={cell} job={jobs[i]} example={example} isBase={i === 0} />
        ))}
      </div>
    </div>
  );
}
