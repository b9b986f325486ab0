import { ArrowRight } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';

/** A card header's "All … →" link to the full page. */
export function SeeAllLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Button asChild variant="ghost">
      <Link to={to}>
        {children} <ArrowRight aria-hidden />
      </Link>
    </Button>
  );
}
