export { readLive, readLiveClusters, listContexts, LIVE_DEFAULTS } from './read.js';
export type { LiveOptions } from './read.js';
export { KubeconfigError, ClusterReadError } from './errors.js';
export { loadKubeconfig, contextConfig } from './kubeconfig.js';
export type { KubeconfigOptions, LoadedKubeconfig } from './kubeconfig.js';
export { LISTED_RESOURCES, KUBEADM_CONFIG } from './resources.js';
