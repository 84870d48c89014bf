import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App';
import { BridgeMissingError, getBridge } from './bridge';
import { BridgeMissing } from './components/BridgeMissing';
import { createI18n } from './i18n';
import { createUpgradeStore } from './store';
import { UpgradeStoreProvider } from './store/react';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);

let bridge: ReturnType<typeof getBridge> | null = null;
try {
  bridge = getBridge();
} catch (error) {
  if (!(error instanceof BridgeMissingError)) throw error;
  console.error(error.message);
}

if (bridge === null) {
  root.render(
    <StrictMode>
      <BridgeMissing />
    </StrictMode>,
  );
} else {
  const store = createUpgradeStore(bridge);
  const i18n = createI18n(store.getState().language);
  window.addEventListener('beforeunload', () => store.dispose());
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <UpgradeStoreProvider store={store}>
          <App />
        </UpgradeStoreProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
