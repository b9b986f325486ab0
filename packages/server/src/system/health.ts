import type { CheckStatus, Health } from '@qlora-studio/contracts';
import { checkEngine } from '@qlora-studio/engine';
import type { Db } from '../store/database.js';
import { diskSpace } from './resources.js';
import { appVersion } from '../version.js';

const GiB = 1024 ** 3;
const rank: Record<CheckStatus, number> = { ok: 0, degraded: 1, down: 2 };

function databaseCheck(db: Db): Health['checks']['database'] {
  try {
    db.prepare('SELECT 1').get();
    return { status: 'ok', message: 'The workspace database answers.' };
  } catch (error) {
    return { status: 'down', message: `The workspace database does not answer: ${(error as Error).message}` };
  }
}

function diskCheck(folder: string): Health['checks']['disk'] {
  const { freeBytes, totalBytes } = diskSpace(folder);
  const free = `${(freeBytes / GiB).toFixed(1)} GiB free`;
  if (freeBytes < 0.5 * GiB) return { status: 'down', message: `${free}: too little to save checkpoints or models.`, freeBytes, totalBytes };
  if (freeBytes < 5 * GiB) return { status: 'degraded', message: `${free}: models and checkpoints may not fit.`, freeBytes, totalBytes };
  return { status: 'ok', message: free, freeBytes, totalBytes };
}

/** The health of each part the app depends on; the overall status is the worst of them. */
export async function computeHealth(db: Db, workspace: string, startedAt: number): Promise<Health> {
  const engine = await checkEngine();
  const checks: Health['checks'] = {
    api: { status: 'ok', message: 'The API answers.' },
    database: databaseCheck(db),
    disk: diskCheck(workspace),
    engine: { status: engine.ok ? 'ok' : 'down', message: engine.message, onnxruntime: engine.onnxruntime },
  };
  const status = Object.values(checks).reduce<CheckStatus>((worst, c) => (rank[c.status] > rank[worst] ? c.status : worst), 'ok');
  return { status, version: appVersion, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), checks };
}
