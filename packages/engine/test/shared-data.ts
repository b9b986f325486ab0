import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real data in ../shared/data (a pretrained tiny Llama, real datasets). It is not part of
 * the repository: tests that use it skip, with a message, when it is absent.
 */
export const sharedData = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const stories260K = `${sharedData}models/stories260K-hf`;
export const hasStories260K = fs.existsSync(`${stories260K}/model.safetensors`);
export const skipWithoutShared = hasStories260K ? '' : ' (skipped: ../shared/data is absent)';
