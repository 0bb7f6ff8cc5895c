export { inspectSnapshot } from './inspect.js';
export { readBackupFolders, looksLikeSnapshot, type BackupFolders } from './backup-folders.js';
export * from './types.js';
