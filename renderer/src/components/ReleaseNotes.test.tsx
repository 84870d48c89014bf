import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n';
import { ReleaseNotes, pickNotes } from './ReleaseNotes';

const render = (markdown: string, lang: 'it' | 'en' = 'it') =>
  renderToStaticMarkup(
    <I18nextProvider i18n={createI18n(lang)}>
      <ReleaseNotes notes={[{ version: '7.8.5.13100517_x64', lang: 'it', markdown }]} />
    </I18nextProvider>,
  );

describe('release notes', () => {
  it('renders Markdown', () => {
    const html = render('# 7.8.5\n\n- **Elenco Utenti Connessi** mostra il dispositivo');
    expect(html).toContain('<h1>7.8.5</h1>');
    expect(html).toContain('<strong>Elenco Utenti Connessi</strong>');
  });

  it('drops raw HTML', () => {
    const html = render(
      'ok <script>alert(1)</script> <img src=x onerror="alert(2)"> <iframe src="https://evil"></iframe>',
    );
    expect(html).not.toMatch(/<script|<img|<iframe|onerror/);
    expect(html).toContain('ok');
  });

  it('shows links without following them and never loads images', () => {
    const html = render(
      '[sito](https://vendor.example/notes) ![schema](https://tracker.example/p.png) [js](javascript:alert(1))',
    );
    expect(html).not.toMatch(/<a\b|<img\b/);
    expect(html).toContain('https://vendor.example/notes');
    expect(html).toContain('[schema]');
  });

  it('falls back to the other language, newest version first as given', () => {
    const notes = [
      { version: '7.8.5.13100517_x64', lang: 'en' as const, markdown: 'five' },
      { version: '7.8.4.13050210_x64', lang: 'it' as const, markdown: 'quattro' },
      { version: '7.8.4.13050210_x64', lang: 'en' as const, markdown: 'four' },
    ];
    expect(pickNotes(notes, 'it').map((n) => n.markdown)).toEqual(['five', 'quattro']);
    expect(pickNotes(notes, 'en').map((n) => n.markdown)).toEqual(['five', 'four']);
  });
});
