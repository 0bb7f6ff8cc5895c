import { emptyInputs, type Inputs } from '../types.js';
import { readBackupFolders } from './backup-folders.js';

/** The snapshots and resource dumps in the backup locations a scan is asked to check, as scan inputs. */
export async function readBackups(locations: string[]): Promise<Inputs> {
  const inputs = emptyInputs();
  const { snapshots, resourceDumps, gaps } = await readBackupFolders(locations);
  inputs.backupLocations = [...locations];
  inputs.snapshots = snapshots;
  inputs.resourceDumps = resourceDumps;
  inputs.gaps.push(...gaps);
  return inputs;
}
