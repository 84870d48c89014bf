import { UpgradeError, msg } from '../../../shared/message';

/**
 * A database name where T-SQL takes no variable (ALTER DATABASE): checked, then bracket-quoted
 * with `]` doubled, as QUOTENAME does. Everywhere else names travel as parameters.
 */
export function quoteDatabaseName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name.length === 0 || name.length > 128 || /[\u0000-\u001f\u007f]/.test(name) || name.trim() !== name) {
    throw new UpgradeError(msg('sql.database-name-invalid', { database: name.slice(0, 140) }));
  }
  return `[${name.replace(/]/g, ']]')}]`;
}
