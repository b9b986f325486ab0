import { describe, expect, it } from 'vitest';
import {
  fillTemplate,
  shorten,
  templateVariables,
  apiRoutes,
  createJobBodySchema,
  defaultSettings,
  errorCatalogue,
  fillPath,
  isTerminal,
  jobStatuses,
  jobTransitions,
  permissions,
  rolePermissions,
  settingsPatchSchema,
  workerEventSchema,
} from '../src/index.js';

describe('job states', () => {
  it('lets nothing leave a terminal state, and every other state reach one', () => {
    for (const status of jobStatuses) {
      if (isTerminal(status)) expect(jobTransitions[status]).toEqual([]);
      else expect(jobTransitions[status].some(isTerminal)).toBe(true);
    }
  });
});

describe('job bodies', () => {
  it('fills a system check config with defaults and refuses nonsense', () => {
    expect(createJobBodySchema.parse({ type: 'system-check' })).toEqual({
      type: 'system-check',
      config: { benchmarkSeconds: 2, matrixSize: 1024 },
    });
    expect(createJobBodySchema.safeParse({ type: 'system-check', config: { benchmarkSeconds: 999 } }).success).toBe(false);
    expect(createJobBodySchema.safeParse({ type: 'sleep' }).success).toBe(false);
  });

  it('validates what workers report', () => {
    expect(workerEventSchema.safeParse({ kind: 'progress', step: 1, total: 2, etaSeconds: null }).success).toBe(true);
    expect(workerEventSchema.safeParse({ kind: 'progress', step: -1, total: 2, etaSeconds: null }).success).toBe(false);
    expect(workerEventSchema.safeParse({ kind: 'log', level: 'shout', message: 'x' }).success).toBe(false);
  });
});

describe('routes', () => {
  it('have unique method + path pairs and known permissions', () => {
    const keys = Object.values(apiRoutes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of Object.values(apiRoutes)) expect(permissions).toContain(route.permission);
  });

  it('fill path parameters, encoded, and insist on all of them', () => {
    expect(fillPath('/api/jobs/:id/cancel', { id: 'a/b' })).toBe('/api/jobs/a%2Fb/cancel');
    expect(() => fillPath('/api/jobs/:id', {})).toThrow(/Missing path parameter "id"/);
  });
});

describe('roles, settings and errors', () => {
  it('give the practitioner every permission and the member a strict subset', () => {
    expect([...rolePermissions.practitioner].sort()).toEqual([...permissions].sort());
    expect(rolePermissions.member.length).toBeLessThan(permissions.length);
  });

  it('keep settings patches strict', () => {
    expect(defaultSettings).toEqual({
      jobConcurrency: 1,
      cancelGraceSeconds: 10,
      uploadLimitMiB: 1024,
      playgroundMaxNewTokens: 1024,
      playgroundConcurrentStreams: 1,
    });
    expect(settingsPatchSchema.safeParse({ jobConcurrency: 2 }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ theme: 'dark' }).success).toBe(false);
  });

  it('give every error code an HTTP error status', () => {
    for (const entry of Object.values(errorCatalogue)) {
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
    }
  });
});

describe('train job config', () => {
  it('fills typical QLoRA defaults and refuses what cannot work, in words', async () => {
    const { trainJobConfigSchema } = await import('../src/jobs.js');
    const config = trainJobConfigSchema.parse({ modelId: 'm', datasetId: 'd' });
    expect(config).toMatchObject({
      method: 'qlora',
      lora: { r: 16, alpha: 32, dropout: 0.05, targetModules: 'all-linear' },
      epochs: 1,
      validation: { kind: 'none' },
      packing: false,
    });
    const bad = trainJobConfigSchema.safeParse({ modelId: '', datasetId: 'd', lora: { r: 0, dropout: 1 }, validation: { kind: 'split', ratio: 0.9 } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join(' | ');
    expect(messages).toContain('Choose a base model.');
    expect(messages).toContain('LoRA rank must be at least 1.');
    expect(messages).toContain('Dropout must be below 1.');
    expect(messages).toContain('Hold out at most half.');
  });
});

describe('prompt templates and text', () => {
  it('finds variables, not object properties, and leaves {{__proto__}} as text', () => {
    expect(templateVariables('{{ a }} {{b-c}} {{a}} {{__proto__}} {{9x}}')).toEqual(['a', 'b-c']);
    expect(fillTemplate('{{constructor}} {{toString}}', {})).toEqual({
      text: '{{constructor}} {{toString}}',
      missing: ['constructor', 'toString'],
      tooLong: false,
    });
    expect(fillTemplate('Hi {{__proto__}} {{name}}', { name: 'Ada' }).text).toBe('Hi {{__proto__}} Ada');
  });

  it('shortens on whole characters', () => {
    expect(shorten('abc', 3)).toBe('abc');
    expect(shorten('abcd', 3)).toBe('ab…');
    expect(shorten('a😀😀b', 3)).toBe('a😀…');
    expect(shorten('😀😀😀😀', 3)).toBe('😀😀…');
  });
});
