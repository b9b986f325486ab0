import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The version of QLoRA Studio, from the server package. */
export const appVersion: string = (require('../package.json') as { version: string }).version;
