import type { Rule } from '../src/engine/types.js';
import apiserverCertificateSans from './apiserver-certificate-sans.js';
import apiserverVersionSkew from './apiserver-version-skew.js';
import certificateExpiry from './certificate-expiry.js';
import certificateKeyMismatch from './certificate-key-mismatch.js';
import certificateMissing from './certificate-missing.js';
import certificateWrongIssuer from './certificate-wrong-issuer.js';
import controlPlaneVersionSkew from './control-plane-version-skew.js';
import deprecatedApi from './deprecated-api.js';
import drainBreaksWebhook from './drain-breaks-webhook.js';
import drainDaemonsetPod from './drain-daemonset-pod.js';
import drainEmptydirData from './drain-emptydir-data.js';
import drainInputAssumed from './drain-input-assumed.js';
import drainMultiplePdbs from './drain-multiple-pdbs.js';
import drainNoCapacity from './drain-no-capacity.js';
import drainPdbBlocks from './drain-pdb-blocks.js';
import drainUnmanagedPod from './drain-unmanaged-pod.js';
import etcdBackupCorrupt from './etcd-backup-corrupt.js';
import etcdBackupMissing from './etcd-backup-missing.js';
import etcdBackupNotKubernetes from './etcd-backup-not-kubernetes.js';
import etcdBackupStale from './etcd-backup-stale.js';
import etcdBackupUnverifiable from './etcd-backup-unverifiable.js';
import etcdDataDirMismatch from './etcd-data-dir-mismatch.js';
import etcdRestoreNotWired from './etcd-restore-not-wired.js';
import etcdServiceFailsToStart from './etcd-service-fails-to-start.js';
import etcdTlsFilesMissing from './etcd-tls-files-missing.js';
import etcdVersionMismatch from './etcd-version-mismatch.js';
import ignoreWithoutReason from './ignore-without-reason.js';
import kubeProxyVersionSkew from './kube-proxy-version-skew.js';
import kubeadmVersionMismatch from './kubeadm-version-mismatch.js';
import kubectlVersionSkew from './kubectl-version-skew.js';
import kubeletClientCertificate from './kubelet-client-certificate.js';
import kubeletVersionSkew from './kubelet-version-skew.js';
import nodeCordoned from './node-cordoned.js';
import parseError from './parse-error.js';
import releaseDataOutdated from './release-data-outdated.js';
import removedApi from './removed-api.js';
import resourceBackupHoldsSecrets from './resource-backup-holds-secrets.js';
import resourceBackupIncomplete from './resource-backup-incomplete.js';
import resourceBackupStale from './resource-backup-stale.js';
import singleReplicaDowntime from './single-replica-downtime.js';
import unsupportedVersion from './unsupported-version.js';
import upgradeBlockedByKubeletSkew from './upgrade-blocked-by-kubelet-skew.js';
import upgradeSkipsMinor from './upgrade-skips-minor.js';
import veleroBackupExpires from './velero-backup-expires.js';
import veleroBackupFailed from './velero-backup-failed.js';
import veleroBackupStale from './velero-backup-stale.js';
import veleroNamespaceNotCovered from './velero-namespace-not-covered.js';
import veleroStorageUnavailable from './velero-storage-unavailable.js';
import veleroVolumesNotCovered from './velero-volumes-not-covered.js';
import versionUnknown from './version-unknown.js';

/** Every rule, sorted by id. A test fails when a rule file is missing here. */
export const rules: Rule<any>[] = [
  apiserverCertificateSans,
  apiserverVersionSkew,
  certificateExpiry,
  certificateKeyMismatch,
  certificateMissing,
  certificateWrongIssuer,
  controlPlaneVersionSkew,
  deprecatedApi,
  drainBreaksWebhook,
  drainDaemonsetPod,
  drainEmptydirData,
  drainInputAssumed,
  drainMultiplePdbs,
  drainNoCapacity,
  drainPdbBlocks,
  drainUnmanagedPod,
  etcdBackupCorrupt,
  etcdBackupMissing,
  etcdBackupNotKubernetes,
  etcdBackupStale,
  etcdBackupUnverifiable,
  etcdDataDirMismatch,
  etcdRestoreNotWired,
  etcdServiceFailsToStart,
  etcdTlsFilesMissing,
  etcdVersionMismatch,
  ignoreWithoutReason,
  kubeProxyVersionSkew,
  kubeadmVersionMismatch,
  kubectlVersionSkew,
  kubeletClientCertificate,
  kubeletVersionSkew,
  nodeCordoned,
  parseError,
  releaseDataOutdated,
  removedApi,
  resourceBackupHoldsSecrets,
  resourceBackupIncomplete,
  resourceBackupStale,
  singleReplicaDowntime,
  unsupportedVersion,
  upgradeBlockedByKubeletSkew,
  upgradeSkipsMinor,
  veleroBackupExpires,
  veleroBackupFailed,
  veleroBackupStale,
  veleroNamespaceNotCovered,
  veleroStorageUnavailable,
  veleroVolumesNotCovered,
  versionUnknown,
];
