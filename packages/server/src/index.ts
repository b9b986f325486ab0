export { buildApp, databasePath, type AppOptions } from './app.js';
export type { AppContext } from './context.js';
export { resolveConfig, defaultHome, defaultPort, defaultHost } from './config.js';
export { main } from './cli/main.js';
