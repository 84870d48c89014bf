import { type ReactElement, type ReactNode, isValidElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { createI18n, type Language } from '../i18n';
import type { UpgradeStore } from '../store';
import { UpgradeStoreProvider } from '../store/react';

/** Test helpers (not shipped: only *.test.ts(x) import them). */

type Props = Record<string, unknown> & { children?: ReactNode };

/**
 * Renders `Component` with `props` inside the store and i18n providers, in node (no DOM), and
 * keeps the element tree it returned: a test can then press one of its buttons by calling the
 * button's onClick, which goes through the real store to the (fake) bridge.
 */
export function renderCapturing<P extends object>(
  Component: (props: P) => ReactNode,
  props: P,
  store: UpgradeStore,
  language: Language = 'it',
): { html: string; tree: ReactNode } {
  let tree: ReactNode = null;
  // Called as a function inside a component's render, so its hooks run as usual.
  function Probe() {
    tree = Component(props);
    return <>{tree}</>;
  }
  const html = renderToStaticMarkup(
    <I18nextProvider i18n={createI18n(language)}>
      <UpgradeStoreProvider store={store}>
        <Probe />
      </UpgradeStoreProvider>
    </I18nextProvider>,
  );
  return { html, tree };
}

function walk(node: ReactNode, visit: (element: ReactElement<Props>) => void): void {
  if (Array.isArray(node)) {
    for (const child of node as ReactNode[]) walk(child, visit);
    return;
  }
  if (!isValidElement<Props>(node)) return;
  visit(node);
  walk(node.props.children, visit);
}

/** The props of the one element in `tree` with this data-testid; throws when there is none or several. */
export function byTestId(tree: ReactNode, testId: string): Props {
  const found: Props[] = [];
  walk(tree, (element) => {
    if (element.props['data-testid'] === testId) found.push(element.props);
  });
  if (found.length !== 1) throw new Error(`${found.length} elements with data-testid="${testId}"`);
  return found[0] as Props;
}

/** Presses the button with this data-testid (calls its onClick), as a click would. */
export function press(tree: ReactNode, testId: string): void {
  const { onClick, disabled } = byTestId(tree, testId);
  if (disabled === true) throw new Error(`data-testid="${testId}" is disabled`);
  if (typeof onClick !== 'function') throw new Error(`data-testid="${testId}" has no onClick`);
  (onClick as () => void)();
}
