import { uiCatalog } from '../i18n';

/** Shown when the page has no engine behind it: in both languages, since none was chosen yet. */
export function BridgeMissing({ detail }: { detail?: string }) {
  return (
    <main className="bridge-missing" data-testid="bridge-missing" role="alert">
      {(['it', 'en'] as const).map((lang) => (
        <section key={lang} lang={lang} className="bridge-missing__block">
          <h1>{uiCatalog[lang]['ui.bridge.missingTitle']}</h1>
          <p>{uiCatalog[lang]['ui.bridge.missingBody']}</p>
        </section>
      ))}
      {detail && <p className="bridge-missing__detail mono">{detail}</p>}
    </main>
  );
}
