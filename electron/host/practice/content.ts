import { createHash } from 'node:crypto';

/**
 * Deterministic bytes, so two practice servers made the same way are byte-identical. SHAKE256
 * stretches the seed to any length in one call: every test's practice server is made of these.
 */
export function pseudoRandomBytes(seed: string, size: number): Buffer {
  return createHash('shake256', { outputLength: size }).update(seed).digest();
}

export const FROM_VERSION = '7.8.4.13050210_x64';
export const TO_VERSION = '7.8.5.13100517_x64';

export const CONNECTIONS = [
  { name: 'Produzione', database: 'CRM_PROD' },
  { name: 'Formazione', database: 'CRM_FORMAZIONE' },
] as const;

export function webConfig(server: string): string {
  const adds = CONNECTIONS.map(
    (c) =>
      `    <add name="${c.name}" connectionString="Data Source=${server};Initial Catalog=${c.database};User ID=crm_app;Password=Pr4tica!;" providerName="System.Data.SqlClient" />`,
  ).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings>
${adds}
  </connectionStrings>
  <system.web>
    <compilation debug="false" targetFramework="4.8" />
    <sessionState timeout="20" />
  </system.web>
</configuration>
`;
}

/** The CRM's pages at a given version: what the setup replaces. */
export function crmFiles(version: string): Record<string, string | Buffer> {
  const page = (title: string) =>
    `<%@ Page Language="C#" %>\n<!-- CRM ${version} -->\n<html><body><h1>${title}</h1></body></html>\n`;
  return {
    'bin/version.txt': `${version}\n`,
    'bin/Crm.Web.dll': pseudoRandomBytes(`Crm.Web.dll ${version}`, 180_000),
    'bin/Crm.Core.dll': pseudoRandomBytes(`Crm.Core.dll ${version}`, 240_000),
    'bin/Crm.Data.dll': pseudoRandomBytes(`Crm.Data.dll ${version}`, 90_000),
    'Default.aspx': page('CRM'),
    'Login.aspx': page('Accesso'),
    'Admin/ElencoUtentiConnessi.aspx': page('Elenco Utenti Connessi'),
    'Admin/InformazioniSu.aspx': page('Informazioni su'),
    'Admin/AggiornaDatabase.aspx': page('Aggiorna Database'),
    'js/crm.js': `// CRM ${version}\nwindow.crm = { version: '${version}' };\n`,
    'css/crm.css': `/* CRM ${version} */\nbody { font-family: sans-serif; }\n`,
  };
}

/** The CRM's web services folder beside it, which the main setup changes when the kit says so. */
export const SERVICES_FROM_CRM = '../CRMServices';
export const SERVICES_DIR = 'C/inetpub/wwwroot/CRMServices';

export function servicesFiles(version: string): Record<string, string | Buffer> {
  return {
    'version.txt': `${version}\n`,
    'Crm.Services.dll': pseudoRandomBytes(`Crm.Services.dll ${version}`, 40_000),
  };
}

export function mobileFiles(version: string): Record<string, string | Buffer> {
  return {
    'bin/version.txt': `${version}\n`,
    'bin/Crm.Mobile.dll': pseudoRandomBytes(`Crm.Mobile.dll ${version}`, 120_000),
    'api/sync.ashx': `<%@ WebHandler Language="C#" Class="Crm.Mobile.Sync" %>\n// ${version}\n`,
  };
}
