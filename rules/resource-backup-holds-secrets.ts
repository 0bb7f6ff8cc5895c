import { defineRule } from '../src/engine/define-rule.js';

export default defineRule({
  id: 'resource-backup-holds-secrets',
  description: 'A resource dump holds Secrets, whose values are only base64-encoded: the file is a credential.',
  category: 'backups',
  judges: 'cluster',
  severity: 'info',
  needs: ['snapshots'],
  remediation:
    'Store the file as a credential: readable by its owner only (chmod 600), encrypted at rest and in transit (age, gpg, sops, or an encrypted bucket), and deleted when it is no longer needed.',
  check(model) {
    return (model.backups?.dumps ?? [])
      .filter((d) => d.secrets > 0)
      .map((d) => ({
        subject: d.subject,
        message: `${d.file} contains ${d.secrets} Secret${d.secrets === 1 ? '' : 's'} in clear base64 (anyone who can read the file can read them); store it like a credential`,
      }));
  },
});
