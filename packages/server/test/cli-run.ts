/** Running the `qlora` command in-process for tests. */
import { vi } from 'vitest';
import { main } from '../src/cli/main.js';

/** Run the CLI in-process and collect what it prints. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void (out += `${parts.join(' ')}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void (err += `${parts.join(' ')}\n`));
  try {
    return { code: await main(args), out, err };
  } finally {
    write.mockRestore();
    log.mockRestore();
    error.mockRestore();
  }
}
