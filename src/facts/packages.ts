import type { Version } from '../model/version.js';

export type KubePackage = 'kubeadm' | 'kubelet' | 'kubectl';

/**
 * Install commands for both package-repository styles:
 * pkgs.k8s.io has one repository per minor and versions like `1.31.2-1.1`
 * (https://kubernetes.io/blog/2023/08/15/pkgs-k8s-io-introduction/); the frozen
 * apt.kubernetes.io used `1.20.0-00`.
 */
export function installCommands(packages: KubePackage[], v: Version, patchKnown = false): string {
  const minor = `${v.major}.${v.minor}`;
  const newStyle = patchKnown ? `${minor}.${v.patch}-1.1` : `${minor}.x-*`;
  const oldStyle = patchKnown ? `${minor}.${v.patch}-00` : `${minor}.x-00`;
  const list = packages.join(' ');
  const pin = (version: string) => packages.map((p) => `${p}='${version}'`).join(' ');
  return [
    `# pkgs.k8s.io: point the repository at v${minor} first`,
    `sudo sed -i 's#/v[0-9.]*/deb/#/v${minor}/deb/#' /etc/apt/sources.list.d/kubernetes.list`,
    `sudo apt-get update && apt-cache madison ${packages[0]}`,
    `sudo apt-mark unhold ${list} && sudo apt-get install -y ${pin(newStyle)} && sudo apt-mark hold ${list}`,
    `# legacy apt.kubernetes.io (versions like 1.20.0-00):`,
    `sudo apt-mark unhold ${list} && sudo apt-get install -y ${pin(oldStyle)} && sudo apt-mark hold ${list}`,
    ...(patchKnown ? [] : ['# replace x with the newest patch release that apt-cache madison lists']),
  ].join('\n');
}
