import type { KubeObject } from '../types.js';
import type { Position } from './pieces.js';

/** What a manifest stream yields, in the order it is found. */
export type ManifestEvent =
  | { type: 'object'; object: KubeObject; at: Position }
  | { type: 'version'; clientVersion?: string; serverVersion?: string; at: Position }
  | { type: 'problem'; message: string; at: Position }
  | { type: 'skipped'; reason: string; at: Position };
