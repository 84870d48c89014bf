/** Test support: SQL Server's answers the TDS test server gives in more than one test file. */
import type { TdsReply } from './tds';

/** msdb's record of the backup just taken (position, backupSize, compressedSize). */
export const backupRecordReply = (
  position: number,
  backupSize: number,
  compressedSize: number | null,
): TdsReply => ({
  results: [
    {
      columns: [
        { name: 'position', type: 'int' },
        { name: 'backupSize', type: 'bigint' },
        { name: 'compressedSize', type: 'bigint' },
      ],
      rows: [[position, backupSize, compressedSize]],
    },
  ],
});
