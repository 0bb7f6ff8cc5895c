import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClusterCerts {
  caFile: string;
  certFile: string;
  keyFile: string;
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`);
  }
}

/**
 * A throw-away CA and a serving certificate for 127.0.0.1/localhost, as
 * envtest makes them, plus the service-account signing keys the apiserver
 * requires (--service-account-key-file / --service-account-signing-key-file).
 */
export function makeCerts(dir: string): ClusterCerts {
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'apiserver.key');
  const csr = join(dir, 'apiserver.csr');
  const certFile = join(dir, 'apiserver.crt');
  const ext = join(dir, 'apiserver.ext');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=kcheck-test-ca']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csr, '-subj', '/CN=kube-apiserver']);
  writeFileSync(
    ext,
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n',
  );
  openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext]);

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountPublicKey = join(dir, 'sa.pub');
  const serviceAccountPrivateKey = join(dir, 'sa.key');
  writeFileSync(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(serviceAccountPrivateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { caFile, certFile, keyFile, serviceAccountPublicKey, serviceAccountPrivateKey };
}
