import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServerConfig {
  host: string;
  port: number;
  home: string;
  webRoot: string;
  logLevel: string;
}

export const defaultPort = 7860;
export const defaultHost = '127.0.0.1';

/** The web app built by `npm run build`, beside this package in the repository. */
export const defaultWebRoot = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.QLORA_STUDIO_HOME ?? path.join(os.homedir(), '.qlora-studio'));
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`"${raw}" is not a valid port: use a whole number from 0 to 65535.`);
  }
  return port;
}

/** Flags win over environment variables, which win over defaults. */
export function resolveConfig(flags: Partial<Record<keyof ServerConfig, string>>, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: flags.host ?? env.QLORA_STUDIO_HOST ?? defaultHost,
    port: parsePort(flags.port ?? env.QLORA_STUDIO_PORT ?? env.PORT ?? String(defaultPort)),
    home: flags.home ? path.resolve(flags.home) : defaultHome(env),
    webRoot: path.resolve(flags.webRoot ?? env.QLORA_STUDIO_WEB_ROOT ?? defaultWebRoot),
    logLevel: flags.logLevel ?? env.QLORA_STUDIO_LOG_LEVEL ?? 'info',
  };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
