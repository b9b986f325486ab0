import { z } from 'zod';

/** Workspace settings kept by the server. Per-browser preferences (theme, font size) stay in the browser. */
export const settingsSchema = z
  .object({
    jobConcurrency: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('How many jobs run at the same time. Training jobs use every core, so 1 is best on most machines.'),
    cancelGraceSeconds: z
      .number()
      .int()
      .min(1)
      .max(600)
      .default(10)
      .describe('How long a canceled job may take to stop cleanly before it is stopped by force.'),
    uploadLimitMiB: z
      .number()
      .int()
      .min(1)
      .max(65536)
      .default(1024)
      .describe('The largest dataset file an upload may be, in MiB. Larger uploads are refused and nothing is stored.'),
    playgroundMaxNewTokens: z
      .number()
      .int()
      .min(1)
      .max(8192)
      .default(1024)
      .describe('The most tokens one Playground reply may have. Longer requests are refused, so one user cannot hold the CPU for long.'),
    playgroundConcurrentStreams: z
      .number()
      .int()
      .min(1)
      .max(8)
      .default(1)
      .describe('How many Playground replies are generated at the same time; the rest wait in line. Each uses CPU that a running fine-tune also needs.'),
  })
  .meta({ id: 'Settings' });
export type Settings = z.infer<typeof settingsSchema>;
export const defaultSettings: Settings = settingsSchema.parse({});

export const settingsPatchSchema = settingsSchema.partial().strict().meta({ id: 'SettingsPatch' });
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
