import { useCommands } from '../lib/commands';
import { Shortcut } from './ui/kbd';

/** Every command that has a keyboard shortcut, grouped, read from the command registry. */
export function ShortcutList({ headingLevel = 3 }: { headingLevel?: 2 | 3 | 4 }) {
  const commands = useCommands().filter((c) => c.shortcut);
  const groups = [...new Set(commands.map((c) => c.group))];
  const Heading = (['h2', 'h3', 'h4'] as const)[headingLevel - 2]!;
  if (!commands.length) return <p className="text-sm text-fg-muted">No shortcuts are registered.</p>;
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      {groups.map((group) => (
        <section key={group}>
          <Heading className="mb-2 text-xs font-semibold tracking-wide text-fg-muted uppercase">{group}</Heading>
          <ul className="flex flex-col">
            {commands
              .filter((c) => c.group === group)
              .map((c) => (
                <li key={c.id} className="flex min-h-10 items-center justify-between gap-4 border-b border-line py-1.5 last:border-0">
                  <span className="text-sm">{c.title}</span>
                  <Shortcut shortcut={c.shortcut!} />
                </li>
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
