/**
 * Every training setting the Fine-tune page shows: its tab, label and help text (what it does,
 * a typical range, and what happens when it is too high or too low). One place, so the form,
 * the tooltips and the settings search all say the same thing.
 */

export const settingTabs = ['basics', 'lora', 'optimization', 'data', 'advanced'] as const;
export type SettingTab = (typeof settingTabs)[number];

export const settingTabLabels: Record<SettingTab, string> = {
  basics: 'Basics',
  lora: 'LoRA',
  optimization: 'Optimization',
  data: 'Data',
  advanced: 'Advanced',
};

export interface SettingHelp {
  label: string;
  tab: SettingTab;
  /** What it does, in one or two sentences. */
  what: string;
  /** A typical value or range. */
  typical: string;
  tooHigh?: string;
  tooLow?: string;
}

export const settingsHelp = {
  method: {
    label: 'Method',
    tab: 'basics',
    what: 'QLoRA keeps the frozen base model in 4-bit NF4 and trains small LoRA adapters on top; LoRA keeps the base in full fp32 precision.',
    typical: 'QLoRA for most runs: about 7× less memory for the base weights, with nearly the same quality.',
    tooHigh: 'LoRA needs 4 bytes per parameter for the base weights; large models may not fit in memory.',
    tooLow: 'QLoRA dequantizes weights on the fly, so each step is a little slower than LoRA.',
  },
  stopBy: {
    label: 'Train for',
    tab: 'basics',
    what: 'Stop after a number of passes over the data (epochs) or after a fixed number of optimizer steps.',
    typical: 'Epochs for real runs; a few max steps for a quick smoke test.',
  },
  epochs: {
    label: 'Epochs',
    tab: 'basics',
    what: 'How many times training goes over the whole dataset.',
    typical: '1–3 for thousands of records; 3–5 for a few hundred.',
    tooHigh: 'The model memorises the training data (overfits): training loss keeps falling while validation loss rises.',
    tooLow: 'The adapter learns too little: answers barely change from the base model.',
  },
  maxSteps: {
    label: 'Max steps',
    tab: 'basics',
    what: 'Optimizer steps in all; wins over epochs. One step uses batch size × gradient accumulation records.',
    typical: '2–20 for a smoke test; hundreds to thousands for a real run.',
    tooHigh: 'Long runs and overfitting on small datasets.',
    tooLow: 'Too few updates for the adapter to learn anything useful.',
  },
  learningRate: {
    label: 'Learning rate',
    tab: 'basics',
    what: 'How big each update of the adapter weights is.',
    typical: '2e-4 for QLoRA, 1e-4 for LoRA (range 1e-5 to 5e-4).',
    tooHigh: 'Loss spikes or becomes NaN; the model forgets what it knew.',
    tooLow: 'Loss barely moves; you pay for the run without learning much.',
  },
  batchSize: {
    label: 'Batch size',
    tab: 'basics',
    what: 'Records processed together in one forward and backward pass (a micro-batch).',
    typical: '1–8 on a CPU; raise gradient accumulation instead to get a larger effective batch.',
    tooHigh: 'Peak memory grows with batch size × sequence length: the run may not fit.',
    tooLow: 'Noisier updates and less parallel work per pass (slower per record).',
  },
  seqLen: {
    label: 'Sequence length',
    tab: 'basics',
    what: 'The most tokens of one record the model sees; longer records are truncated.',
    typical: 'Your data’s 99th-percentile length rounded up to a multiple of 64, at most the model’s maximum.',
    tooHigh: 'Memory and time grow with it, even for padding the records never use.',
    tooLow: 'Records are cut off, often losing the answers the model should learn from.',
  },
  loraR: {
    label: 'LoRA rank (r)',
    tab: 'lora',
    what: 'The inner size of each adapter: how much the adapter can change the model.',
    typical: '8–16 for small models, 16–64 for large ones.',
    tooHigh: 'More memory and time, and easier overfitting on small datasets.',
    tooLow: 'The adapter cannot capture the new behaviour.',
  },
  loraAlpha: {
    label: 'LoRA alpha',
    tab: 'lora',
    what: 'Scales the adapter’s output (by alpha / r, or alpha / √r with rsLoRA).',
    typical: 'Twice the rank (r 16 → alpha 32).',
    tooHigh: 'Acts like a higher learning rate: unstable loss.',
    tooLow: 'The adapter’s effect is muted and learning is slow.',
  },
  loraDropout: {
    label: 'LoRA dropout',
    tab: 'lora',
    what: 'The fraction of adapter inputs dropped at random during training, to fight overfitting.',
    typical: '0.05 (0 to 0.1).',
    tooHigh: 'Slower, noisier learning.',
    tooLow: 'Small datasets overfit sooner.',
  },
  targetModules: {
    label: 'Target modules',
    tab: 'lora',
    what: 'Which linear layers get adapters: all-linear, or a comma-separated list such as q_proj,v_proj.',
    typical: 'all-linear (every attention and MLP projection).',
    tooHigh: 'More adapters use more memory and time.',
    tooLow: 'Attention-only adapters (q_proj,v_proj) learn less than all-linear ones.',
  },
  useRslora: {
    label: 'rsLoRA',
    tab: 'lora',
    what: 'Rank-stabilised LoRA: scales by alpha / √r so higher ranks keep learning well.',
    typical: 'Off for r ≤ 16; worth trying for r ≥ 64.',
  },
  optimizer: {
    label: 'Optimizer',
    tab: 'optimization',
    what: 'How gradients become weight updates. AdamW adapts the step per weight; SGD uses one step size.',
    typical: 'AdamW.',
    tooLow: 'SGD usually needs a much higher learning rate and more steps.',
  },
  weightDecay: {
    label: 'Weight decay',
    tab: 'optimization',
    what: 'Pulls adapter weights toward zero each step, a mild guard against overfitting.',
    typical: '0 to 0.1.',
    tooHigh: 'The adapter is held back and learns little.',
    tooLow: 'No regularisation; fine for most LoRA runs.',
  },
  scheduler: {
    label: 'Learning-rate schedule',
    tab: 'optimization',
    what: 'How the learning rate changes over the run after warmup: constant, falling linearly, or along a cosine.',
    typical: 'Linear or cosine.',
  },
  warmupSteps: {
    label: 'Warmup steps',
    tab: 'optimization',
    what: 'Steps over which the learning rate rises from 0 to its full value.',
    typical: 'About 3–10% of all steps.',
    tooHigh: 'Much of the run happens at a low learning rate.',
    tooLow: 'Early updates can be unstable with a high learning rate.',
  },
  maxGradNorm: {
    label: 'Max gradient norm',
    tab: 'optimization',
    what: 'Clips gradients whose overall size exceeds this, to stop a bad batch from wrecking the weights. 0 turns clipping off.',
    typical: '1.0 (0.3 to 1).',
    tooHigh: 'Rare bad batches cause loss spikes.',
    tooLow: 'Every update is shrunk, so learning slows.',
  },
  gradAccum: {
    label: 'Gradient accumulation',
    tab: 'optimization',
    what: 'Micro-batches summed before one optimizer step. Effective batch = batch size × accumulation.',
    typical: 'Enough for an effective batch of 8–16.',
    tooHigh: 'Few optimizer steps per epoch: slow progress on small datasets.',
    tooLow: 'Noisy updates with a small batch size.',
  },
  validation: {
    label: 'Validation data',
    tab: 'data',
    what: 'Data held out to measure how well the model generalises: none, a seeded split of the training data, or another dataset.',
    typical: 'A 10% split for datasets of a few hundred records or more.',
  },
  valRatio: {
    label: 'Held-out share',
    tab: 'data',
    what: 'The fraction of records kept out of training for validation.',
    typical: '0.05–0.1 (from 0.01 to 0.5).',
    tooHigh: 'Fewer records left to train on.',
    tooLow: 'Validation loss is noisy and says little.',
  },
  valSeed: {
    label: 'Split seed',
    tab: 'data',
    what: 'The random seed that picks the held-out records, so the same split can be made again.',
    typical: 'Any whole number, e.g. 42.',
  },
  valDatasetId: {
    label: 'Validation dataset',
    tab: 'data',
    what: 'Another stored dataset used only for validation.',
    typical: 'Records like the training data but not in it.',
  },
  trainOn: {
    label: 'Train on',
    tab: 'data',
    what: 'Completions: learn only the assistant’s answers (prompts are masked). All: learn every token, prompts included.',
    typical: 'Completions for chat and instruction data; all for raw text.',
  },
  packing: {
    label: 'Packing',
    tab: 'data',
    what: 'Puts several short records into one sequence (each still sees only itself), so less compute is spent on padding.',
    typical: 'On when most records are much shorter than the sequence length.',
    tooHigh: 'Little gain when records are already near the sequence length.',
  },
  seed: {
    label: 'Seed',
    tab: 'advanced',
    what: 'The random seed for adapter initialisation, data order and dropout: the same seed repeats the same run.',
    typical: 'Any whole number, e.g. 42.',
  },
  evalEvery: {
    label: 'Evaluate every',
    tab: 'advanced',
    what: 'Steps between validation passes (needs validation data). Empty: only at the end.',
    typical: 'About 10 times per run.',
    tooHigh: 'Overfitting is noticed late.',
    tooLow: 'Much of the run is spent evaluating.',
  },
  checkpointEvery: {
    label: 'Checkpoint every',
    tab: 'advanced',
    what: 'Steps between saved checkpoints, from which an interrupted run resumes. Empty: only at the end.',
    typical: 'Every 50–200 steps, or about every 10 minutes.',
    tooHigh: 'An interruption loses more work.',
    tooLow: 'Time and disk spent on saving.',
  },
  earlyStoppingPatience: {
    label: 'Early-stopping patience',
    tab: 'advanced',
    what: 'Stop when validation loss has not improved for this many evaluations (needs “Evaluate every”). Empty: never stop early.',
    typical: '3–5 evaluations.',
    tooHigh: 'Runs on long after the best point.',
    tooLow: 'Stops on a noisy blip before the model has learned.',
  },
} satisfies Record<string, SettingHelp>;

export type SettingKey = keyof typeof settingsHelp;

export const settingKeys = Object.keys(settingsHelp) as SettingKey[];

/** The help as one paragraph (for a tooltip or a screen reader description). */
export function helpText(key: SettingKey): string {
  const h: SettingHelp = settingsHelp[key];
  return [h.what, `Typical: ${h.typical}`, h.tooHigh && `Too high: ${h.tooHigh}`, h.tooLow && `Too low: ${h.tooLow}`].filter(Boolean).join(' ');
}

/**
 * Settings whose name or help matches every word of the query (case-insensitive), across all
 * tabs, best first: name matches before help-text matches. An empty query matches nothing.
 */
export function searchSettings(query: string): SettingKey[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const scored: { key: SettingKey; score: number }[] = [];
  for (const key of settingKeys) {
    const h: SettingHelp = settingsHelp[key];
    const name = `${h.label} ${key}`.toLowerCase();
    const text = `${name} ${helpText(key)}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    scored.push({ key, score: words.filter((w) => name.includes(w)).length });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.key);
}
