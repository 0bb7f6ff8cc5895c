export { inspectSnapshot } from './inspect.js';
export { readBackupFolders } from './backup-folders.js';
export * from './types.js';
