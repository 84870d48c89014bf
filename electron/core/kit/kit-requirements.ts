import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** On every kit, listed and signed like its other files: what the server must be, before anyone starts. */
export const KIT_REQUIREMENTS = 'REQUISITI.txt';

export const KIT_REQUIREMENTS_TEXT = `CRM Upgrade Manager - requisiti del server / server requirements

IT
- Windows Server 2016 (10.0.14393) o successivo: 2016, 2019, 2022, 2025; anche Server Core con la riga di comando.
- Windows PowerShell 5.1 (incluso in Windows Server 2016 e successivi).
- IIS con il CRM installato; SQL Server raggiungibile via TCP dal server.
- Avvio come amministratore (il programma lo chiede).
- Windows Server 2012 R2 non è supportato: la finestra non parte (Electron non supporta più
  Windows 8.1) e PowerShell vi è alla versione 4.0 (serve Windows Management Framework 5.1).

EN
- Windows Server 2016 (10.0.14393) or later: 2016, 2019, 2022, 2025; Server Core with the command line too.
- Windows PowerShell 5.1 (part of Windows Server 2016 and later).
- IIS with the CRM installed; SQL Server reachable over TCP from the server.
- Run as administrator (the program asks for it).
- Windows Server 2012 R2 is not supported: the window does not start (Electron no longer supports
  Windows 8.1) and its PowerShell is 4.0 (Windows Management Framework 5.1 is needed).
`.replace(/\n/g, '\r\n');

export async function writeKitRequirements(kitDir: string): Promise<void> {
  await writeFile(path.join(kitDir, KIT_REQUIREMENTS), KIT_REQUIREMENTS_TEXT, 'utf8');
}
