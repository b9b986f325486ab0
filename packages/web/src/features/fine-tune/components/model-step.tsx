import type { BaseModel } from '@qlora-studio/contracts';
import { Boxes, FolderOpen, Sparkles } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog, DialogBody, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '../../../components/ui/dialog';
import { EmptyState } from '../../../components/ui/empty-state';
import { Field, Input } from '../../../components/ui/input';
import { RadioCard, RadioGroup } from '../../../components/ui/radio-group';
import { Skeleton } from '../../../components/ui/skeleton';
import { formatBytes, formatParameters } from '../../../lib/format';
import { PermissionButton } from '../../../components/system/permission-button';
import { useCreateDemoModel } from '../api/create-demo-model';
import { useModels } from '../api/list-models';
import { useRegisterModel } from '../api/register-model';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { HubDownloads, HubImportButton } from './hub-import';

function RegisterModelDialog({
  open,
  onOpenChange,
  onRegistered,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onRegistered: (m: BaseModel) => void;
}) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const register = useRegisterModel();
  const pathError =
    touched && !path.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path.trim())
      ? 'Enter an absolute path to a folder on the server, e.g. /models/SmolLM2-135M.'
      : null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!path.trim().startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path.trim())) return;
    register.mutate(
      { path: path.trim(), name: name.trim() || undefined },
      {
        onSuccess: (model) => {
          toast.success(`Registered ${model.name}`);
          onRegistered(model);
          onOpenChange(false);
          setPath('');
          setName('');
          setTouched(false);
        },
      },
    );
  };

  return (
    <Dialog open={open} onOpenChange={(o) => (register.reset(), onOpenChange(o))}>
      <DialogContent>
        <form onSubmit={onSubmit} noValidate className="flex min-h-0 flex-col">
          <DialogHeader>
            <DialogTitle>Register a model folder</DialogTitle>
            <DialogDescription>
              A Hugging Face model folder on the server with config.json, safetensors weights and tokenizer.json. It stays where it is.
            </DialogDescription>
          </DialogHeader>
          <DialogBody className="flex flex-col gap-4">
            <Field label="Folder path" error={pathError}>
              {(ids) => (
                <Input
                  {...ids}
                  value={path}
                  onChange={(e) => setPath(e.target.value)}
                  placeholder="/models/SmolLM2-135M-Instruct"
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
            <Field label="Name (optional)" description="Defaults to the folder name.">
              {(ids) => <Input {...ids} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
            </Field>
            {register.isError && <ApiErrorAlert title="The folder could not be registered" error={register.error} />}
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={register.isPending}>
              Register
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Step 1: pick a registered base model, make a demo one, or register a folder. */
export function ModelStep({ modelId, onSelect }: { modelId: string; onSelect: (model: BaseModel) => void }) {
  const models = useModels();
  const demo = useCreateDemoModel();
  const [registerOpen, setRegisterOpen] = useState(false);
  const list = models.data?.models ?? [];

  const makeDemo = () =>
    demo.mutate(
      {},
      {
        onSuccess: (model) => {
          toast.success(`Created ${model.name}`, { description: 'A small random model: good for trying the flow, not for real results.' });
          onSelect(model);
        },
      },
    );

  const actions = (
    <div className="flex flex-wrap gap-3">
      <PermissionButton permission="models:write" variant="secondary" onClick={makeDemo} loading={demo.isPending}>
        <Sparkles aria-hidden />
        Create demo model
      </PermissionButton>
      <PermissionButton permission="models:write" variant="secondary" onClick={() => setRegisterOpen(true)}>
        <FolderOpen aria-hidden />
        Register a folder
      </PermissionButton>
      <HubImportButton kind="model" />
    </div>
  );

  return (
    <div className="flex flex-col gap-4">
      {actions}
      {demo.isError && <ApiErrorAlert title="The demo model could not be created" error={demo.error} />}
      <HubDownloads kind="model" />
      {models.isPending ? (
        <Skeleton className="h-24" />
      ) : models.isError ? (
        <ApiErrorAlert title="Models could not be loaded" error={models.error} onRetry={() => void models.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState icon={Boxes} title="No base models yet">
          Create a demo model to try the app offline, register a Hugging Face model folder on the server, or download one from the Hub.
        </EmptyState>
      ) : (
        <RadioGroup
          aria-label="Base model"
          value={modelId}
          onValueChange={(id) => {
            const m = list.find((x) => x.id === id);
            if (m) onSelect(m);
          }}
          className="md:grid-cols-2"
        >
          {list.map((m) => (
            <RadioCard key={m.id} value={m.id}>
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-semibold text-fg">{m.name}</span>
                {m.source === 'demo' && <Badge tone="warning">Demo</Badge>}
              </span>
              <span className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm text-fg-muted">
                <span>Architecture: {m.architecture}</span>
                <span>Parameters: {formatParameters(m.parameters)}</span>
                <span>Max length: {m.maxPositionEmbeddings.toLocaleString()} tokens</span>
                <span>Chat template: {m.hasChatTemplate ? 'yes' : 'no'}</span>
                <span className="col-span-2">Size on disk: {formatBytes(m.sizeBytes)}</span>
              </span>
            </RadioCard>
          ))}
        </RadioGroup>
      )}
      <RegisterModelDialog open={registerOpen} onOpenChange={setRegisterOpen} onRegistered={onSelect} />
    </div>
  );
}
