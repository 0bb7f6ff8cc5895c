export { readLive, readLiveClusters, listContexts } from './read.js';
export type { LiveOptions } from './read.js';
export { readVelero } from './velero.js';
export { KubeconfigError, ClusterReadError } from './errors.js';
export { loadKubeconfig, contextConfig } from './kubeconfig.js';


