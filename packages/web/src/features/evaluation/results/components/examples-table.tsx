import { exampleOutcomes, type EvaluationComparison, type EvaluationSummary } from '@qlora-studio/contracts';
import { ArrowDownWideNarrow, ArrowUpNarrowWide, ChevronDown, ChevronRight, Search } from 'lucide-react';
import { Fragment, useDeferredValue, useId, useMemo, useState } from 'react';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { Input } from '../../../../components/ui/input';
import { cn } from '../../../../lib/cn';
import { countOutcomes, outcomeOf, pageOf, scoreOf, selectExamples, type ExampleOutcome, type ExampleSortKey } from '../examples';
import { headlineMetric } from '../verdict';
import { ExampleDetails } from './example-details';
import { OutcomeBadge, outcomeStyle } from './example-outcome';

const PAGE_SIZE = 25;
const selectClass = 'h-11 rounded-lg border border-line-strong bg-surface px-3 text-base text-fg';
const sortLabels: Record<ExampleSortKey, string> = { index: 'Item number', outcome: 'Outcome', score: 'Score' };

/** Every benchmark item with each model's answer: filter by outcome and text, sort, page, and open one in full. */
export function ExamplesTable({ comparison, jobs }: { comparison: EvaluationComparison; jobs: (EvaluationSummary | undefined)[] }) {
  const titleId = useId();
  const statusId = useId();
  const [model, setModel] = useState(1);
  const [outcomes, setOutcomes] = useState<ExampleOutcome[]>([]);
  const [text, setText] = useState('');
  const [sort, setSort] = useState<ExampleSortKey>('index');
  const [descending, setDescending] = useState(false);
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const deferredText = useDeferredValue(text);

  const firstScores = comparison.examples[0]?.models[model]?.scores ?? {};
  const headline = headlineMetric(comparison)?.name;
  const scoreName = headline && headline in firstScores ? headline : (Object.keys(firstScores)[0] ?? '');
  const counts = useMemo(() => countOutcomes(comparison.examples, model), [comparison.examples, model]);
  const shown = useMemo(
    () => selectExamples(comparison.examples, { model, outcomes, text: deferredText, sort, descending, scoreName }),
    [comparison.examples, model, outcomes, deferredText, sort, descending, scoreName],
  );
  const current = pageOf(shown, page, PAGE_SIZE);
  const modelName = comparison.models[model]?.label ?? '';
  const first = shown.length ? current.page * PAGE_SIZE + 1 : 0;
  const last = Math.min(shown.length, (current.page + 1) * PAGE_SIZE);

  const toggleOutcome = (o: ExampleOutcome) => {
    setOutcomes((list) => (list.includes(o) ? list.filter((x) => x !== o) : [...list, o]));
    setPage(0);
  };
  const toggleRow = (index: number) =>
    setOpen((set) => {
      const next = new Set(set);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });

  return (
    <Card aria-labelledby={titleId}>
      <CardHeader>
        <div>
          <CardTitle id={titleId}>Examples</CardTitle>
          <CardDescription className="wrap-anywhere">
            Each item with every model&rsquo;s answer. Won: {modelName} right where the base was wrong; lost: the other way round.
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div className="flex flex-wrap items-end gap-3">
          {comparison.models.length > 2 && (
            <label className="flex w-full min-w-0 flex-col gap-1.5 text-sm font-medium sm:w-auto sm:max-w-md">
              Outcome and score of
              <select
                className={`${selectClass} w-full min-w-0`}
                value={model}
                onChange={(e) => {
                  setModel(Number(e.target.value));
                  setPage(0);
                }}
              >
                {comparison.models.slice(1).map((m, i) => (
                  <option key={m.label} value={i + 1}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="flex min-w-48 flex-1 flex-col gap-1.5 text-sm font-medium">
            Search examples
            <span className="relative">
              <Search className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-muted" aria-hidden />
              <Input
                type="search"
                className="pl-9"
                value={text}
                placeholder="Prompt, reference or answer"
                onChange={(e) => {
                  setText(e.target.value);
                  setPage(0);
                }}
              />
            </span>
          </label>
          <label className="flex flex-col gap-1.5 text-sm font-medium">
            Sort by
            <select className={selectClass} value={sort} onChange={(e) => setSort(e.target.value as ExampleSortKey)}>
              {(Object.keys(sortLabels) as ExampleSortKey[]).map((k) => (
                <option key={k} value={k}>
                  {k === 'score' && scoreName ? `Score (${scoreName})` : sortLabels[k]}
                </option>
              ))}
            </select>
          </label>
          <Button
            variant="secondary"
            onClick={() => setDescending((d) => !d)}
            aria-label={descending ? 'Sorted descending: sort ascending' : 'Sorted ascending: sort descending'}
          >
            {descending ? <ArrowDownWideNarrow aria-hidden /> : <ArrowUpNarrowWide aria-hidden />}
            {descending ? 'Descending' : 'Ascending'}
          </Button>
        </div>
        <fieldset className="flex flex-wrap gap-2">
          <legend className="mb-1.5 text-sm font-medium">Show outcomes (none chosen: all)</legend>
          {exampleOutcomes.map((o) => {
            const { label, icon: Icon, help } = outcomeStyle[o];
            const on = outcomes.includes(o);
            return (
              <Button
                key={o}
                variant="secondary"
                aria-pressed={on}
                title={help}
                onClick={() => toggleOutcome(o)}
                className={cn('text-sm', on && 'border-primary bg-primary-soft text-primary-text hc:border-primary')}
              >
                <Icon className="size-4" aria-hidden />
                {label} ({counts[o]})
              </Button>
            );
          })}
        </fieldset>
        <p id={statusId} role="status" className="text-sm text-fg-muted">
          {shown.length ? `Showing ${first}–${last} of ${shown.length} examples` : 'No example matches: clear the search or choose other outcomes.'}
          {shown.length !== comparison.examples.length ? ` (${comparison.examples.length} in all)` : ''}.
        </p>
        <div
          role="region"
          aria-label="Examples table"
          aria-describedby={statusId}
          tabIndex={0}
          className="relative overflow-x-auto rounded-lg border border-line hc:border-line-strong"
        >
          {/* Below 640 px each row is a small card (number, outcome, score, button; the prompt under them) instead of a wide table. */}
          <table className="w-full text-left text-sm max-sm:block sm:min-w-[36rem]">
            <thead className="bg-surface-muted text-fg-muted max-sm:hidden">
              <tr>
                <th scope="col" className="w-12 px-3 py-2 font-medium" aria-sort={sort === 'index' ? (descending ? 'descending' : 'ascending') : undefined}>
                  #
                </th>
                <th scope="col" className="px-3 py-2 font-medium" aria-sort={sort === 'outcome' ? (descending ? 'descending' : 'ascending') : undefined}>
                  Outcome
                </th>
                <th scope="col" className="px-3 py-2 font-medium" aria-sort={sort === 'score' ? (descending ? 'descending' : 'ascending') : undefined}>
                  {scoreName || 'Score'}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Prompt
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody className="max-sm:block">
              {current.items.map((e) => {
                const expanded = open.has(e.index);
                const score = scoreOf(e, model, scoreName);
                const detailsId = `${titleId}-item-${e.index}`;
                return (
                  <Fragment key={e.index}>
                    <tr className="border-t border-line align-top first:border-t-0 max-sm:grid max-sm:grid-cols-[auto_1fr_auto_auto] max-sm:items-center sm:first:border-t">
                      <td className="px-3 py-2 tabular-nums">
                        <span className="text-fg-muted sm:hidden">#</span>
                        {e.index}
                      </td>
                      <td className="px-3 py-2">
                        <OutcomeBadge outcome={outcomeOf(e, model)} />
                      </td>
                      <td className="px-3 py-2 whitespace-nowrap tabular-nums">
                        <span className="text-fg-muted sm:hidden">{scoreName} </span>
                        {Number.isNaN(score) ? '—' : Number.isInteger(score) ? score : score.toFixed(3)}
                      </td>
                      <td className="px-3 py-2 max-sm:order-last max-sm:col-span-full max-sm:pt-0">
                        <p className="literal-text line-clamp-2 break-words">{e.prompt}</p>
                      </td>
                      <td className="px-1 py-1 text-right">
                        <Button
                          variant="ghost"
                          size="icon"
                          aria-expanded={expanded}
                          aria-controls={expanded ? detailsId : undefined}
                          aria-label={`${expanded ? 'Hide' : 'Show'} item ${e.index} in full`}
                          onClick={() => toggleRow(e.index)}
                        >
                          {expanded ? <ChevronDown aria-hidden /> : <ChevronRight aria-hidden />}
                        </Button>
                      </td>
                    </tr>
                    {expanded && (
                      <tr id={detailsId} className="max-sm:block">
                        <td colSpan={5} className="px-3 pb-3 max-sm:block">
                          <ExampleDetails example={e} jobs={jobs} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
        {current.pages > 1 && (
          <nav aria-label="Examples pages" className="flex flex-wrap items-center justify-between gap-3">
            <Button variant="secondary" disabled={current.page === 0} onClick={() => setPage(current.page - 1)}>
              Previous page
            </Button>
            <span className="text-sm text-fg-muted">
              Page {current.page + 1} of {current.pages}
            </span>
            <Button variant="secondary" disabled={current.page >= current.pages - 1} onClick={() => setPage(current.page + 1)}>
              Next page
            </Button>
          </nav>
        )}
      </CardContent>
    </Card>
  );
}
