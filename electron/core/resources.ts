import { fileURLToPath } from 'node:url';

/** The repo's resources/ folder when running from source; the packaged app passes process.resourcesPath instead. */
export function sourceResourcesDir(): string {
  return fileURLToPath(new URL('../../resources', import.meta.url));
}
