import { describe, expect, it } from 'vitest';
import type { SessionGroup } from '../ports';
import { crmSessionsFromOthers, mergeMembers } from './members';

/** Issue 15: the farm's servers, from the sources that name them, and the CRM's sessions from other hosts. */

describe('mergeMembers', () => {
  it('puts this server first, alone, when nothing names another', () => {
    expect(mergeMembers('CRM-APP01', { list: [], profile: [], ledger: [], sessions: [] })).toEqual([
      { hostname: 'CRM-APP01', sources: ['this'] },
    ]);
  });

  it('names each server once, whatever its case, with every source that names it, in the sources’ order', () => {
    const members = mergeMembers('CRM-APP01', {
      list: ['CRM-APP02', 'crm-app01'],
      profile: ['CRM-APP03', 'crm-app02'],
      ledger: ['CRM-APP02', 'CRM-APP01', 'CRM-APP04', 'CRM-APP04'],
      sessions: ['Crm-App03', 'CRM-APP05'],
    });
    expect(members).toEqual([
      { hostname: 'CRM-APP01', sources: ['this', 'list', 'ledger'] },
      { hostname: 'CRM-APP02', sources: ['list', 'profile', 'ledger'] },
      { hostname: 'CRM-APP03', sources: ['profile', 'sessions'] },
      { hostname: 'CRM-APP04', sources: ['ledger'] },
      { hostname: 'CRM-APP05', sources: ['sessions'] },
    ]);
  });

  it('keeps this server first even when a source names it after others', () => {
    const members = mergeMembers('crm-app03', {
      list: ['CRM-APP01', 'CRM-APP02', 'CRM-APP03'],
      profile: [],
      ledger: [],
      sessions: [],
    });
    expect(members.map((m) => m.hostname)).toEqual(['crm-app03', 'CRM-APP01', 'CRM-APP02']);
    expect(members[0]?.sources).toEqual(['this', 'list']);
  });
});

describe('crmSessionsFromOthers', () => {
  const group = (host: string, login: string, program = '.Net SqlClient Data Provider'): SessionGroup => ({
    host,
    login,
    program,
    sessions: 3,
    sleeping: 2,
  });
  const hosts = (groups: SessionGroup[]) => groups.map((g) => `${g.host}/${g.login}`);

  it('never counts this host’s own sessions, whatever the case of its name', () => {
    const groups = [group('CRM-APP01', 'crm_app'), group('crm-app01', 'crm_app')];
    expect(crmSessionsFromOthers(groups, 'CRM-APP01', 'crm_app', ['CRM-APP01'])).toEqual([]);
  });

  it('counts another host by the CRM’s own login (any case), and no other login from an unknown host', () => {
    const groups = [
      group('CRM-APP02', 'CRM_APP'),
      group('DBA-PC', 'CONTOSO\\dba', 'Microsoft SQL Server Management Studio'),
      group('REPORTS01', 'report_reader'),
    ];
    expect(hosts(crmSessionsFromOthers(groups, 'CRM-APP01', 'crm_app', []))).toEqual(['CRM-APP02/CRM_APP']);
  });

  it('counts a known member of the farm by any login', () => {
    const groups = [group('crm-app03', 'CONTOSO\\svc-crm'), group('DBA-PC', 'CONTOSO\\dba')];
    expect(hosts(crmSessionsFromOthers(groups, 'CRM-APP01', 'crm_app', ['CRM-APP03']))).toEqual([
      'crm-app03/CONTOSO\\svc-crm',
    ]);
  });

  it('never counts a session with no host name, even with the CRM’s login', () => {
    expect(crmSessionsFromOthers([group('', 'crm_app')], 'CRM-APP01', 'crm_app', [''])).toEqual([]);
  });

  it('does not take an empty login for the CRM’s (permissions that could not name it)', () => {
    const groups = [group('CRM-APP02', ''), group('DBA-PC', 'CONTOSO\\dba')];
    expect(crmSessionsFromOthers(groups, 'CRM-APP01', '', [])).toEqual([]);
  });
});
