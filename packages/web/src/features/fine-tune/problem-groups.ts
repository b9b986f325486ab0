import type { DatasetProblem, DatasetProblemKind } from '@qlora-studio/contracts';

/**
 * A dataset's problems as a person reads them: one entry per kind of problem with how many
 * records have it and where, instead of the same sentence once per record. Problems group by
 * severity, kind, field and message with the numbers taken out, so "an exact duplicate of
 * line 3." and "… of line 9." are one group, and so are `messages[1].content` and
 * `messages[3].content`.
 */
export interface ProblemGroup {
  key: string;
  kind: DatasetProblemKind;
  severity: DatasetProblem['severity'];
  /** The field, numbers shown as "#" when they differ between records (`messages[#].content`). */
  field: string | undefined;
  /** The message, as written when every record has the same one, else with the varying numbers as "…". */
  message: string;
  /** Whether records have different messages (then each location is listed with its own). */
  varies: boolean;
  problems: DatasetProblem[];
}

const numbers = /\d+/g;
const normalise = (text: string) => text.replace(numbers, '#');

/** Groups in order: errors first, then the biggest groups, then as first found. */
export function groupProblems(problems: readonly DatasetProblem[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup & { order: number }>();
  for (const p of problems) {
    const key = [p.severity, p.kind, normalise(p.field ?? ''), normalise(p.message)].join('\u0000');
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { key, kind: p.kind, severity: p.severity, field: p.field, message: p.message, varies: false, problems: [p], order: groups.size });
      continue;
    }
    group.problems.push(p);
    if (p.message !== group.message && !group.varies) {
      group.varies = true;
      group.message = p.message.replace(numbers, '…').replace(/…\./g, '…');
    }
    if (p.field !== group.field && group.field !== undefined) group.field = normalise(group.field);
  }
  return [...groups.values()]
    .sort((a, b) => (a.severity === b.severity ? b.problems.length - a.problems.length || a.order - b.order : a.severity === 'error' ? -1 : 1))
    .map(({ order: _order, ...group }) => group);
}

/**
 * Where a group's problems are, in few words: "Lines 3, 7 and 12", "Lines 1, 2, 3, 4, 5 and
 * 295 more" (the first `shown`), or mixed places as they are ("line 3, record 4").
 */
export function describeLocations(locations: readonly string[], shown = 5): string {
  const parts = locations.map((l) => /^(\w+) (\d+)$/.exec(l));
  const sameWord = parts.every((m) => m && m[1] === parts[0]![1]);
  const word = sameWord && parts[0] ? parts[0][1]! : null;
  const names = word ? parts.map((m) => m![2]!) : [...locations];
  const listed = names.slice(0, shown);
  const rest = names.length - listed.length;
  const head = word ? `${word[0]!.toUpperCase()}${word.slice(1)}${names.length === 1 ? '' : 's'} ` : '';
  if (rest > 0) return `${head}${listed.join(', ')} and ${rest.toLocaleString()} more`;
  if (listed.length === 1) return `${head}${listed[0]}`;
  return `${head}${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}`;
}
