import { generationPresets, generationSettingsSchema, type GenerationPresetName } from '@qlora-studio/contracts';
import { Field, Input } from '../../../components/ui/input';
import { Segmented, SegmentedItem } from '../../../components/ui/radio-group';
import { applyPreset, matchingPreset, type SettingsErrors, type SettingsForm } from '../draft';

type NumberKey = Exclude<keyof SettingsForm, 'stopStrings'>;

const fields: { key: NumberKey; label: string; step: string; min: number; max: number; integer?: boolean }[] = [
  { key: 'temperature', label: 'Temperature', step: '0.05', min: 0, max: 5 },
  { key: 'topP', label: 'Top-p', step: '0.01', min: 0.01, max: 1 },
  { key: 'topK', label: 'Top-k', step: '1', min: 0, max: 1000, integer: true },
  { key: 'maxNewTokens', label: 'Max new tokens', step: '1', min: 1, max: 8192, integer: true },
  { key: 'repetitionPenalty', label: 'Repetition penalty', step: '0.05', min: 0.5, max: 3 },
  { key: 'seed', label: 'Seed', step: '1', min: 0, max: 2 ** 31 - 1, integer: true },
];

/** The inline help of a setting: the contract's own description. */
const help = (key: keyof SettingsForm) => generationSettingsSchema.shape[key].description ?? '';

export interface SettingsPanelProps {
  form: SettingsForm;
  errors: SettingsErrors;
  onChange: (form: SettingsForm) => void;
  /** The workspace's bound on max new tokens, once the catalogue is loaded. */
  maxNewTokensLimit: number | null;
  readOnly?: boolean;
}

/** Generation settings: presets, then each setting with its help and its error. */
export function SettingsPanel({ form, errors, onChange, maxNewTokensLimit, readOnly }: SettingsPanelProps) {
  const preset = matchingPreset(form);
  const set = (key: keyof SettingsForm, value: string) => onChange({ ...form, [key]: value });

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-2">
        <span id="pg-preset-label" className="text-sm font-medium">
          Preset
        </span>
        <Segmented
          aria-labelledby="pg-preset-label"
          value={preset ?? ''}
          disabled={readOnly}
          onValueChange={(name) => onChange(applyPreset(form, name as GenerationPresetName))}
        >
          {(Object.entries(generationPresets) as [GenerationPresetName, (typeof generationPresets)[GenerationPresetName]][]).map(([name, p]) => (
            <SegmentedItem key={name} value={name} aria-describedby={`pg-preset-${name}`}>
              {p.label}
            </SegmentedItem>
          ))}
        </Segmented>
        <p className="text-sm text-fg-muted">
          {preset ? generationPresets[preset].description : 'Custom settings. A preset changes temperature, top-p, top-k and repetition penalty only.'}
        </p>
        {(Object.keys(generationPresets) as GenerationPresetName[]).map((name) => (
          <span key={name} id={`pg-preset-${name}`} className="sr-only">
            {generationPresets[name].description}
          </span>
        ))}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {fields.map((f) => {
          const max = f.key === 'maxNewTokens' && maxNewTokensLimit !== null ? Math.min(f.max, maxNewTokensLimit) : f.max;
          const description =
            f.key === 'maxNewTokens' && maxNewTokensLimit !== null
              ? `${help(f.key)} This workspace allows up to ${maxNewTokensLimit.toLocaleString()}.`
              : help(f.key);
          return (
            <Field key={f.key} label={f.label} description={description} error={errors[f.key]}>
              {(ids) => (
                <Input
                  {...ids}
                  type="number"
                  inputMode={f.integer ? 'numeric' : 'decimal'}
                  step={f.step}
                  min={f.min}
                  max={max}
                  value={form[f.key]}
                  readOnly={readOnly}
                  onChange={(e) => set(f.key, e.target.value)}
                  onBlur={() => {
                    // Clamp a number typed past the workspace's limit to the limit.
                    const n = Number(form[f.key]);
                    if (f.key === 'maxNewTokens' && form[f.key] !== '' && Number.isFinite(n) && n > max) set(f.key, String(max));
                  }}
                />
              )}
            </Field>
          );
        })}
      </div>
      <Field label="Stop strings" description={`${help('stopStrings')} One per line; write \\n for a line break.`} error={errors.stopStrings}>
        {(ids) => (
          <textarea
            {...ids}
            rows={3}
            value={form.stopStrings}
            readOnly={readOnly}
            spellCheck={false}
            placeholder={'###\n\\n\\nUser:'}
            onChange={(e) => set('stopStrings', e.target.value)}
            className="w-full rounded-lg border border-line-strong bg-surface px-3 py-2 font-mono text-sm text-fg placeholder:text-fg-muted aria-[invalid=true]:border-danger"
          />
        )}
      </Field>
    </div>
  );
}
