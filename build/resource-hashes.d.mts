// Types of resource-hashes.mjs, for the tests that import it.
export const RESOURCES_DIR: string;
export function shippedResourceFiles(resourcesDir?: string): string[];
export function resourceHashes(resourcesDir?: string): Record<string, string>;
export function resourceHashesDefine(resourcesDir?: string): Record<string, string>;
