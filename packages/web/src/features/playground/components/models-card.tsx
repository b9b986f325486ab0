import type { ModelChoice, PlaygroundCatalogue } from '@qlora-studio/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useRef } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { Skeleton } from '../../../components/ui/skeleton';
import { useFocusFallback } from '../../../lib/use-focus-fallback';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { emptyPane } from '../draft';
import { PaneModelFields } from './model-picker';

/** Most panes a run compares (the contract's bound). */
export const maxPanes = 4;

/** The models to run: one pane, or up to four to compare. */
export function ModelsCard({
  catalogue,
  panes,
  onChange,
}: {
  catalogue: UseQueryResult<PlaygroundCatalogue>;
  panes: ModelChoice[];
  onChange: (panes: ModelChoice[]) => void;
}) {
  const addButton = useRef<HTMLButtonElement>(null);
  const removeRef = useFocusFallback<HTMLButtonElement>(() => addButton.current);
  return (
    <Card aria-labelledby="pg-models-title">
      <CardHeader>
        <div>
          <CardTitle id="pg-models-title">Models</CardTitle>
          <CardDescription>One model, or two to four to compare the same prompt side by side.</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {catalogue.isPending ? (
          <Skeleton className="h-40" />
        ) : catalogue.isError ? (
          <ApiErrorAlert title="Models could not be loaded" error={catalogue.error} onRetry={() => void catalogue.refetch()} />
        ) : catalogue.data.models.length === 0 ? (
          <Alert tone="info" title="No models yet">
            Register or create a model on the Fine-tune page first; adapters appear here when a fine-tune finishes.
          </Alert>
        ) : (
          <>
            <div className={panes.length > 1 ? 'grid gap-4 lg:grid-cols-2' : 'grid gap-4'}>
              {panes.map((p, i) => (
                <PaneModelFields
                  key={i}
                  index={i}
                  choice={p}
                  catalogue={catalogue.data}
                  onChange={(choice) => onChange(panes.map((x, j) => (j === i ? choice : x)))}
                  onRemove={panes.length > 1 ? () => onChange(panes.filter((_, j) => j !== i)) : undefined}
                  removeRef={removeRef}
                  wide={panes.length === 1}
                />
              ))}
            </div>
            {panes.length < maxPanes && (
              <div>
                {/* A new pane starts on the last pane's base model: the usual comparison is base vs adapter. */}
                <Button
                  ref={addButton}
                  variant="secondary"
                  onClick={() => onChange([...panes, { ...(panes[panes.length - 1] ?? emptyPane), adapterId: null }])}
                >
                  <Plus aria-hidden />
                  Add model to compare
                </Button>
              </div>
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
