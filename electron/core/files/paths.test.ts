import path from 'node:path';
import { expect, it } from 'vitest';
import { isWithin } from './paths';

it('tells a folder, or anything under it, from what is beside or above it', () => {
  const root = path.resolve('/srv/crm');
  expect(isWithin(root, root)).toBe(true);
  expect(isWithin(path.join(root, 'Backup'), root)).toBe(true);
  expect(isWithin(path.join(root, '..copie'), root)).toBe(true);
  expect(isWithin(path.join(root, 'a', '..', '..', 'crm-copie'), root)).toBe(false);
  expect(isWithin(path.resolve('/srv/crm-copie'), root)).toBe(false);
  expect(isWithin(path.resolve('/srv'), root)).toBe(false);
  expect(isWithin(path.resolve('/srv/CRM/Backup'), root)).toBe(process.platform === 'win32');
});
