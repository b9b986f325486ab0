export * from './errors.js';
export * from './auth.js';
export * from './jobs.js';
export * from './events.js';
export * from './system.js';
export * from './settings.js';
export * from './activity.js';
export * from './routes.js';
