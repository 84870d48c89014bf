import path from 'node:path';
import { expect, it } from 'vitest';
import { isWithin, samePath } from './paths';

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

it('tells the same folder, however written, from one inside or beside it', () => {
  const root = path.resolve('/srv/crm');
  expect(samePath(root, `${root}${path.sep}`)).toBe(true);
  expect(samePath(root, path.join(root, 'a', '..'))).toBe(true);
  expect(samePath(path.join(root, 'Backup'), root)).toBe(false);
  expect(samePath(root, path.join(root, 'Backup'))).toBe(false);
  expect(samePath(path.resolve('/srv/CRM'), root)).toBe(process.platform === 'win32');
});
