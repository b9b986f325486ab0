import type { TrainJobConfig } from '@qlora-studio/contracts';
import type { SettingKey } from './settings-help';

/**
 * Settings the schema accepts but that are far outside what fine-tunes use (a learning rate of
 * 1, 50 epochs): the review step warns before launch, naming the usual range and what happens.
 * Thresholds sit well past the usual range, so a deliberate but ordinary choice is not flagged.
 */
export interface UnusualSetting {
  setting: SettingKey;
  message: string;
}

/** Up to the 5th significant digit, without trailing zeros or float noise (2e-4, not 0.00020000000000000001). */
const show = (n: number) => String(Number(n.toPrecision(5)));

export function unusualSettings(c: TrainJobConfig): UnusualSetting[] {
  const found: UnusualSetting[] = [];
  const add = (setting: SettingKey, message: string) => found.push({ setting, message });
  if (c.learningRate > 1e-2)
    add(
      'learningRate',
      `A learning rate of ${show(c.learningRate)} is far above the usual 1e-5 to 5e-4 (2e-4 for QLoRA): training will likely diverge, the loss jumping or turning into NaN.`,
    );
  else if (c.learningRate < 1e-6)
    add('learningRate', `A learning rate of ${show(c.learningRate)} is far below the usual 1e-5 to 5e-4: the adapter will barely change.`);
  if (c.maxSteps === undefined && c.epochs > 20)
    add('epochs', `${c.epochs} epochs is far more than the usual 1 to 5: the model will memorise the training data (overfit).`);
  if (c.lora.r > 256)
    add('loraR', `A LoRA rank of ${c.lora.r} is far above the usual 8 to 64: many more trainable weights, more memory and slower steps, rarely better.`);
  if (c.lora.alpha > 16 * c.lora.r)
    add(
      'loraAlpha',
      `LoRA alpha ${show(c.lora.alpha)} is over 16 times the rank ${c.lora.r} (usually twice it): updates are scaled up that much and training may diverge.`,
    );
  if (c.lora.dropout > 0.5)
    add('loraDropout', `A LoRA dropout of ${show(c.lora.dropout)} is far above the usual 0 to 0.1: most of the adapter's input is dropped at each step.`);
  if (c.weightDecay > 0.3)
    add('weightDecay', `A weight decay of ${show(c.weightDecay)} is far above the usual 0 to 0.1: it pulls the adapter back towards zero.`);
  if (c.maxGradNorm > 10) add('maxGradNorm', `A max gradient norm of ${show(c.maxGradNorm)} is far above the usual 0.3 to 1: clipping hardly ever acts.`);
  if (c.maxSteps !== undefined && c.warmupSteps >= c.maxSteps)
    add(
      'warmupSteps',
      `${c.warmupSteps} warmup steps cover the whole run of ${c.maxSteps} steps (usually 3–10% of them): the learning rate never reaches its value.`,
    );
  return found;
}
