import { Gauge, MessagesSquare, Sparkles, Upload } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PermissionButton } from '../../system/components/permission-button';

const tile = 'h-auto w-full justify-start gap-3 py-3 text-left whitespace-normal';
const Hint = ({ children }: { children: string }) => <span className="block text-sm font-normal">{children}</span>;

/** The common next steps: start a fine-tune, try a model, bring a dataset, measure the machine. */
export function QuickActions({ onSystemCheck, checkPending, checkActive }: { onSystemCheck: () => void; checkPending: boolean; checkActive: boolean }) {
  return (
    <Card aria-labelledby="quick-actions-title">
      <CardHeader>
        <div>
          <CardTitle id="quick-actions-title">Quick actions</CardTitle>
          <CardDescription>Start something new</CardDescription>
        </div>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <Button asChild size="lg" className={tile}>
          <Link to="/fine-tune">
            <Sparkles aria-hidden />
            <span>
              New fine-tune
              <Hint>Pick a model and a dataset, then launch</Hint>
            </span>
          </Link>
        </Button>
        <Button asChild size="lg" variant="secondary" className={tile}>
          <Link to="/playground">
            <MessagesSquare aria-hidden />
            <span>
              Try a model
              <Hint>Prompt base models and adapters side by side in the Playground</Hint>
            </span>
          </Link>
        </Button>
        <Button asChild size="lg" variant="secondary" className={tile}>
          <Link to="/fine-tune">
            <Upload aria-hidden />
            <span>
              Upload dataset
              <Hint>JSON, JSONL, CSV, Parquet or text, on the Fine-tune page</Hint>
            </span>
          </Link>
        </Button>
        <PermissionButton
          permission="jobs:launch"
          size="lg"
          variant="secondary"
          className={tile}
          onClick={onSystemCheck}
          loading={checkPending}
          disabled={checkActive}
        >
          <Gauge aria-hidden />
          <span>
            {checkActive ? 'System check running' : 'Run system check'}
            <Hint>A one-minute benchmark of this machine</Hint>
          </span>
        </PermissionButton>
      </CardContent>
    </Card>
  );
}
