import { defineConfig } from 'vitest/config';

/** One Vitest run covers every package; `--project NAME` picks one. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'contracts', root: 'packages/contracts', include: ['test/**/*.test.ts'] } },
      { test: { name: 'engine', root: 'packages/engine', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'server', root: 'packages/server', include: ['test/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: { name: 'web', root: 'packages/web', include: ['src/**/*.test.{ts,tsx}'], environment: 'node' },
      },
      {
        test: {
          name: 'e2e',
          root: 'e2e',
          include: ['**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // A poll often waits on a server round trip and a render: 1 s (the default) is tight on a busy 2-core machine.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
