import { Compass } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../components/ui/button';
import { EmptyState } from '../components/ui/empty-state';
import { PageHeader } from '../components/ui/page-header';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState
        icon={Compass}
        title="There is nothing at this address"
        action={
          <Button asChild>
            <Link to="/">Go to the Dashboard</Link>
          </Button>
        }
      >
        The link may be old, or the page may arrive in a later version. Use the sidebar or press Ctrl K to find your way.
      </EmptyState>
    </>
  );
}
