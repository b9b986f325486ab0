import type { DatasetProblem } from '@qlora-studio/contracts';
import { ChevronDown } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { cn } from '../../../lib/cn';
import { describeLocations, groupProblems, type ProblemGroup } from '../problem-groups';

/** Locations named before "and N more": the rest are one click away. */
const FIRST_LOCATIONS = 5;

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

function GroupItem({ group }: { group: ProblemGroup }) {
  const [open, setOpen] = useState(false);
  const listId = useId();
  const n = group.problems.length;
  const error = group.severity === 'error';
  const expandable = n > FIRST_LOCATIONS || group.varies;
  return (
    <li className="flex flex-col gap-1.5 px-3 py-3">
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <Badge tone={error ? 'danger' : 'warning'}>{error ? 'Error: left out' : 'Warning'}</Badge>
        <p className="min-w-0 flex-1 font-medium break-words">{sentence(group.message)}</p>
        <span className="text-sm text-fg-muted tabular-nums">
          {n.toLocaleString()} record{n === 1 ? '' : 's'}
        </span>
      </div>
      <p className="text-sm text-fg-muted">
        {group.field && (
          <>
            Field <code className="font-mono text-xs text-fg">{group.field}</code> ·{' '}
          </>
        )}
        {describeLocations(
          group.problems.map((p) => p.location),
          FIRST_LOCATIONS,
        )}
      </p>
      {expandable && (
        <Button variant="ghost" className="self-start" aria-expanded={open} aria-controls={open ? listId : undefined} onClick={() => setOpen((o) => !o)}>
          <ChevronDown className={cn('transition-transform', open && 'rotate-180')} aria-hidden />
          {open ? 'Hide the list' : `List all ${n.toLocaleString()}`}
          <span className="sr-only"> records with “{group.message}”</span>
        </Button>
      )}
      {open && (
        <ul
          id={listId}
          className="max-h-64 overflow-auto rounded-md border border-line bg-surface-muted px-3 py-2 text-sm"
          tabIndex={0}
          aria-label={`Records with “${group.message}”`}
        >
          {group.problems.map((p, i) => (
            <li key={i} className="py-0.5">
              <span className="font-medium">{p.location}</span>
              {p.field && p.field !== group.field && <code className="ml-2 font-mono text-xs">{p.field}</code>}
              {group.varies && <span className="text-fg-muted">: {p.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** The report's problems, one entry per kind of problem with its count and where (see problem-groups.ts). */
export function ProblemList({ problems, total }: { problems: DatasetProblem[]; total: number }) {
  const groups = useMemo(() => groupProblems(problems), [problems]);
  return (
    <div className="flex flex-col gap-2">
      <h4 className="font-semibold">Problems</h4>
      <p className="text-sm text-fg-muted">
        {total.toLocaleString()} problem{total === 1 ? '' : 's'}
        {groups.length > 1 ? ` of ${groups.length} kinds` : ''}.{' '}
        {total > problems.length && `The first ${problems.length.toLocaleString()} are listed by kind below.`}
      </p>
      <ul aria-label="Problems found in the dataset, by kind" className="flex flex-col divide-y divide-line rounded-lg border border-line">
        {groups.map((g) => (
          <GroupItem key={g.key} group={g} />
        ))}
      </ul>
    </div>
  );
}
