import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { UpgradeState, UpgradeStore } from './index';

const StoreContext = createContext<UpgradeStore | null>(null);

export function UpgradeStoreProvider({ store, children }: { store: UpgradeStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useUpgradeStoreApi(): UpgradeStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useUpgrade() outside <UpgradeStoreProvider>');
  return store;
}

/** The React hook over the store: select a slice (return primitives or stable references). */
export function useUpgrade<T>(selector: (state: UpgradeState) => T): T {
  return useStore(useUpgradeStoreApi(), selector);
}
