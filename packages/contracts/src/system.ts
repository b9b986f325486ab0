import { z } from 'zod';

export const checkStatusSchema = z.enum(['ok', 'degraded', 'down']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

const checkSchema = z.object({ status: checkStatusSchema, message: z.string() });

export const healthSchema = z
  .object({
    status: checkStatusSchema,
    version: z.string(),
    uptimeSeconds: z.number(),
    checks: z.object({
      api: checkSchema,
      database: checkSchema,
      disk: checkSchema.extend({ freeBytes: z.number(), totalBytes: z.number() }),
      engine: checkSchema.extend({ onnxruntime: z.string().nullable() }),
    }),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthSchema>;

export const resourceSampleSchema = z
  .object({
    at: z.string(),
    cpuPercent: z.number(),
    memoryUsedBytes: z.number(),
    memoryTotalBytes: z.number(),
    diskFreeBytes: z.number(),
    diskTotalBytes: z.number(),
  })
  .meta({ id: 'ResourceSample' });
export type ResourceSample = z.infer<typeof resourceSampleSchema>;

export const resourcesSchema = z.object({ intervalSeconds: z.number(), samples: z.array(resourceSampleSchema) }).meta({ id: 'Resources' });
export type Resources = z.infer<typeof resourcesSchema>;

/** One timed MatMul configuration of the system check's benchmark. */
export const matmulBenchmarkSchema = z.object({
  threads: z.number().int().positive(),
  m: z.number().int(),
  n: z.number().int(),
  k: z.number().int(),
  runs: z.number().int(),
  seconds: z.number(),
  gflops: z.number(),
});
export type MatmulBenchmark = z.infer<typeof matmulBenchmarkSchema>;

/** What a system-check job finds. `bestGflops` later feeds training-time estimates. */
export const systemCheckResultSchema = z
  .object({
    node: z.string(),
    onnxruntime: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpuModel: z.string(),
    cpuCores: z.number().int(),
    memoryTotalBytes: z.number(),
    memoryFreeBytes: z.number(),
    diskFreeBytes: z.number(),
    diskTotalBytes: z.number(),
    workspace: z.string(),
    matmul: z.array(matmulBenchmarkSchema),
    bestGflops: z.number(),
  })
  .meta({ id: 'SystemCheckResult' });
export type SystemCheckResult = z.infer<typeof systemCheckResultSchema>;
