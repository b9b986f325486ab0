import { Gauge, MessagesSquare, Sparkles, Target, Upload, type LucideIcon } from 'lucide-react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PermissionButton } from '../../../components/system/permission-button';

const tile = 'h-auto w-full justify-start gap-3 py-3 text-left whitespace-normal';
const Hint = ({ children }: { children: string }) => <span className="block text-sm font-normal">{children}</span>;

/** A quick action that goes to a page: icon, title and a line on what it is for. */
function LinkTile({ to, icon: Icon, title, hint, primary }: { to: string; icon: LucideIcon; title: string; hint: string; primary?: boolean }) {
  return (
    <Button asChild size="lg" variant={primary ? 'primary' : 'secondary'} className={tile}>
      <Link to={to}>
        <Icon aria-hidden />
        <span>
          {title}
          <Hint>{hint}</Hint>
        </span>
      </Link>
    </Button>
  );
}

/** The common next steps: start a fine-tune, try a model, evaluate one, bring a dataset, measure the machine. */
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
        <LinkTile to="/fine-tune" icon={Sparkles} title="New fine-tune" hint="Pick a model and a dataset, then launch" primary />
        <LinkTile to="/playground" icon={MessagesSquare} title="Try a model" hint="Prompt base models and adapters side by side in the Playground" />
        <LinkTile to="/evaluation" icon={Target} title="Evaluate a model" hint="Score base models and adapters on benchmarks, then compare the results" />
        <LinkTile to="/fine-tune#step-dataset" icon={Upload} title="Upload dataset" hint="JSON, JSONL, CSV, Parquet or text, on the Fine-tune page" />
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
