import { roleLabels } from '@qlora-studio/contracts';
import { ShieldCheck, UserRound } from 'lucide-react';
import { Tooltip } from '../../components/ui/tooltip';
import { useSession } from '../../lib/system/get-session';

/** Who you are to the server, with what that allows. */
export function RoleBadge() {
  const { data } = useSession();
  if (!data) return null;
  const practitioner = data.role === 'practitioner';
  const Icon = practitioner ? ShieldCheck : UserRound;
  const explain = practitioner
    ? 'Full access: launch, cancel and delete jobs, change workspace settings.'
    : 'View jobs and results and run inference. Launching jobs and changing settings needs an ML Practitioner.';
  return (
    <Tooltip content={explain} side="bottom">
      <span
        tabIndex={0}
        className="inline-flex h-9 shrink-0 items-center gap-2 rounded-full border border-line bg-surface-muted px-2.5 text-sm font-medium whitespace-nowrap text-fg-muted md:px-3 hc:border-line-strong"
      >
        <Icon className="size-4" aria-hidden />
        {/* Phones have room for the icon only (the name stays for screen readers); the tooltip says what the role allows. */}
        <span className="sr-only md:not-sr-only">{roleLabels[data.role]}</span>
        <span className="sr-only">. {explain}</span>
      </span>
    </Tooltip>
  );
}
