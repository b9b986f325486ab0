import fs from 'node:fs';
import path from 'node:path';
import { buildApp, databasePath } from '../app.js';
import { isLoopbackHost, type ServerConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { hasPractitionerToken } from '../store/tokens-repo.js';

/** Thrown for problems the user can fix; the CLI prints the message alone, without a stack. */
export class UserError extends Error {}

/**
 * Start the server and keep it running until SIGINT/SIGTERM. On another host than loopback it
 * refuses to start unless a practitioner token exists, since anyone on the network could
 * otherwise launch jobs.
 */
export async function serve(config: ServerConfig): Promise<void> {
  if (!isLoopbackHost(config.host)) {
    const db = openDatabase(databasePath(config.home));
    const ok = hasPractitionerToken(db);
    db.close();
    if (!ok) {
      throw new UserError(
        `Refusing to listen on ${config.host} without authentication: anyone who can reach it could run jobs.\n` +
          `Create a practitioner token first:  npx qlora token create --role practitioner --name admin\n` +
          `then start again. Requests from other machines must send "Authorization: Bearer <token>".`,
      );
    }
  }
  const logFile = path.join(config.home, 'logs', 'server.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const app = await buildApp({ home: config.home, webRoot: config.webRoot, logger: { level: config.logLevel, file: logFile } });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UserError(`Port ${config.port} on ${config.host} is already in use. Start with --port ${config.port + 1}, or set QLORA_STUDIO_PORT.`);
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`QLoRA Studio is running at http://${shownHost}:${port}`);
  console.log(`  workspace: ${config.home}`);
  console.log(`  logs:      ${logFile}`);
  console.log(`  API docs:  http://${shownHost}:${port}/api/docs`);
  if (!fs.existsSync(path.join(config.webRoot, 'index.html'))) {
    console.log(`  The web app is not built (${config.webRoot}); run "npm run build".`);
  }
  console.log('Press Ctrl+C to stop.');

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: stopping (running jobs are marked interrupted)…`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
