import { describe, expect, it } from 'vitest';
import { msg } from '../../../electron/shared/message';
import { createUpgradeStore } from '../store';
import { FakeBridge, session, step } from '../testing/fixtures';
import { renderCapturing } from '../testing/render';
import { CredentialsForm } from './CredentialsForm';

const EXCEPTION = 'credentials-allow-unvalidated-certificate';

function render(finding: ReturnType<typeof msg>, language: 'it' | 'en' = 'it') {
  const s = session({}, [
    step('check.sql.Produzione', { status: 'failed', finding, actions: ['provide-sql-credentials'] }),
  ]);
  const store = createUpgradeStore(new FakeBridge(s), { session: s, load: false });
  return renderCapturing(CredentialsForm, { step: s.steps[0]! }, store, language).html;
}

describe('CredentialsForm', () => {
  it('offers the certificate exception only after a validated connection failed on the certificate', () => {
    const needed = render(msg('sql.credentials-needed', { connection: 'Produzione' }));
    expect(needed).not.toContain(EXCEPTION);
    const untrusted = msg('sql.certificate-untrusted', {
      connection: 'Produzione',
      detail: 'CERT_HAS_EXPIRED',
    });
    expect(render(untrusted)).toContain(EXCEPTION);
    expect(render(untrusted)).toContain('certificato di SQL Server non è verificato');
    expect(render(untrusted, 'en')).toContain('SQL Server&#x27;s certificate is not validated');
    // Never ticked in advance: the consent is the admin's own act.
    expect(render(untrusted)).not.toMatch(/type="checkbox" checked/);
  });
});
