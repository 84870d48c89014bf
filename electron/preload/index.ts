import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildUpgraderApi } from './api';

/**
 * The sandboxed preload (bundled to one CommonJS file, out/preload/index.cjs). It exposes the
 * intent-level API and nothing else: never ipcRenderer, never the IPC event object.
 */
const api = buildUpgraderApi(
  (channel, args) => ipcRenderer.invoke(channel, ...args),
  (channel, listener) => {
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
);

contextBridge.exposeInMainWorld('upgrader', api);
