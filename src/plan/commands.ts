import { installCommands } from '../facts/packages.js';
import type { Version } from '../model/version.js';

/** Commands to run in one place, in order. */
export interface CommandBlock {
  /** A node name, or ADMIN for wherever kubectl talks to the cluster. */
  on: string;
  commands: string[];
}

export const ADMIN = 'a machine with kubectl access';

const minorText = (v: Version): string => `${v.major}.${v.minor}`;

/**
 * Before the control plane moves: a snapshot of a stacked etcd with kubeadm's
 * certificate paths, and a copy of the PKI (the seeds' and
 * https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#snapshot-using-etcdctl-options),
 * checked with `kcheck snapshot`; then a Velero backup of every namespace,
 * kept past the maintenance (`--ttl`; `--from-schedule` would keep the
 * Schedule's TTL), checked with `kcheck scan`, whose Velero rules judge it.
 * `etcdctl snapshot status` is deprecated since etcd 3.5; etcdutl reads the file.
 */
export function backupCommands(node: string, v: Version, stackedEtcd: boolean): CommandBlock[] {
  const file = `/var/backups/kubernetes/etcd-before-v${minorText(v)}.db`;
  const velero = `before-v${v.major}-${v.minor}`;
  return [
    {
      on: node,
      commands: [
        ...(stackedEtcd ? [] : ['# no stacked etcd was seen in the input: point --endpoints and the certificates at your etcd cluster']),
        'sudo mkdir -p /var/backups/kubernetes',
        'sudo ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt ' +
          `--cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save ${file}`,
        `sudo etcdutl snapshot status ${file} --write-out=table`,
        `sudo kcheck snapshot ${file}`,
        `sudo cp -a /etc/kubernetes/pki /var/backups/kubernetes/pki-before-v${minorText(v)}`,
      ],
    },
    {
      on: ADMIN,
      commands: [
        '# with Velero installed: every namespace, its volumes as its Schedules back them up, kept 30 days',
        `velero backup create ${velero} --ttl 720h --wait`,
        `velero backup describe ${velero} --details`,
        'kcheck scan --live --window 24h',
      ],
    },
  ];
}

const lines = (text: string): string[] => text.split('\n');

/** The repository switch and its notes are needed once per node, not once per package. */
function once(commands: string[]): string[] {
  const seen = new Set<string>();
  return commands.filter((c) => {
    if (c.startsWith('# legacy')) return true;
    if (seen.has(c) || (c.startsWith('# pkgs.k8s.io') && seen.size > 0 && [...seen].some((s) => s.startsWith('# pkgs.k8s.io')))) return false;
    seen.add(c);
    return true;
  });
}

/** kubeadm first (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade/). */
export function kubeadmInstallCommands(node: string, v: Version): CommandBlock[] {
  return [{ on: node, commands: [...lines(installCommands(['kubeadm'], v)), 'kubeadm version -o short'] }];
}

/** kubeadm upgrades to its own version: the newest patch of the minor the package repository served. */
export function applyCommands(node: string): CommandBlock[] {
  return [{ on: node, commands: ['sudo kubeadm upgrade plan', 'sudo kubeadm upgrade apply "$(kubeadm version -o short)"'] }];
}

export function upgradeNodeCommands(node: string, v: Version): CommandBlock[] {
  return [{ on: node, commands: [...lines(installCommands(['kubeadm'], v)), 'sudo kubeadm upgrade node'] }];
}

/**
 * One node's kubelet: drain, (on a worker: kubeadm and `kubeadm upgrade node`),
 * kubelet and kubectl packages, restart, uncordon.
 */
export function nodeCommands(node: string, v: Version, drain: string, worker: boolean): CommandBlock[] {
  return [
    { on: ADMIN, commands: [drain] },
    {
      on: node,
      commands: once([
        ...(worker ? [...lines(installCommands(['kubeadm'], v)), 'sudo kubeadm upgrade node'] : []),
        ...lines(installCommands(['kubelet', 'kubectl'], v)),
        'sudo systemctl daemon-reload && sudo systemctl restart kubelet',
      ]),
    },
    { on: ADMIN, commands: [`kubectl uncordon ${node}`, 'kubectl get nodes'] },
  ];
}
