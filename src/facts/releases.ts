import { loadData } from './load-table.js';
import type { Version } from '../model/version.js';

export interface Release {
  minor: string;
  released: string;
  endOfLife: string;
}

interface ReleaseTable {
  taken: string;
  releases: Release[];
}

export const releaseTable = loadData<ReleaseTable>('releases.yaml');

export function releaseOf(v: Version): Release | undefined {
  return releaseTable.releases.find((r) => r.minor === `${v.major}.${v.minor}`);
}

export const oldestKnownRelease = releaseTable.releases[0]!;
export const newestKnownRelease = releaseTable.releases.at(-1)!;
