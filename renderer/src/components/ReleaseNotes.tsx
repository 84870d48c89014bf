import Markdown, { type Components } from 'react-markdown';
import type { ReleaseNote } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';

/** Links are shown, never followed; images are named, never loaded (no remote content, ever). */
const components: Components = {
  a: ({ href, children }) => (
    <span className="md-link">
      {children} <code>{href}</code>
    </span>
  ),
  img: ({ src, alt }) => (
    <span className="md-image">
      [{alt || 'img'}] <code>{typeof src === 'string' ? src : ''}</code>
    </span>
  ),
};

/** Notes of one version in the UI's language, or the other when that one is missing. */
export function pickNotes(notes: readonly ReleaseNote[], language: 'it' | 'en'): ReleaseNote[] {
  const versions = [...new Set(notes.map((n) => n.version))];
  return versions.flatMap((v) => {
    const own = notes.find((n) => n.version === v && n.lang === language);
    const other = notes.find((n) => n.version === v);
    const chosen = own ?? other;
    return chosen ? [chosen] : [];
  });
}

/** NOTA BENE 1: what changes between the installed version and the kit's, newest first. */
export function ReleaseNotes({ notes }: { notes: readonly ReleaseNote[] }) {
  const { t, language } = useI18n();
  const shown = pickNotes(notes, language);
  if (shown.length === 0) return <p data-testid="release-notes-none">{t('ui.notes.none')}</p>;
  return (
    <div className="release-notes" data-testid="release-notes">
      {shown.map((n) => (
        <article key={n.version} className="release-notes__version" data-version={n.version} lang={n.lang}>
          <h4>
            {n.version}
            {n.lang !== language && <span className="tag">{t('ui.notes.otherLanguage')}</span>}
          </h4>
          <Markdown skipHtml components={components}>
            {n.markdown}
          </Markdown>
        </article>
      ))}
    </div>
  );
}
