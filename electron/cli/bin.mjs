#!/usr/bin/env node
// `crm-upgrade` from a clone: TypeScript sources run through tsx, no build step needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
