/**
 * Test support only (never shipped): a TDS (SQL Server wire protocol) test server for running
 * the real mssql/tedious driver against scripted replies. See server.ts for the entry point.
 */
export { TdsTestServer, LOOPBACK } from './server';
export { useTdsServer } from './use-server';
export type {
  TdsColumn,
  TdsColumnType,
  TdsDatabaseState,
  TdsInfoSpec,
  TdsLogin,
  TdsLoginAttempt,
  TdsMatcher,
  TdsMessageSpec,
  TdsParam,
  TdsParamType,
  TdsReply,
  TdsReplyFn,
  TdsRequest,
  TdsResultSet,
  TdsTestServerOptions,
  TdsValue,
} from './script';
