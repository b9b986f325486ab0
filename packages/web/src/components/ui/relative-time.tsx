import { formatDateTime, formatRelativeTime } from '../../lib/format';
import { useNow } from '../../lib/use-now';

/** "5 minutes ago", kept fresh, with the exact time on hover and in the markup. */
export function RelativeTime({ date, className }: { date: string; className?: string }) {
  const now = useNow();
  return (
    <time dateTime={date} title={formatDateTime(date)} className={className}>
      {formatRelativeTime(date, now)}
    </time>
  );
}
