#!/usr/bin/env node
// A throw-away Orthanc PACS with its DICOMweb plugin for tests: a config in a temp dir (storage there too),
// HTTP on 127.0.0.1 at a free port, DICOM networking off, remote access off, no authentication (loopback only).
// Stopped and deleted by stop(), and on process exit.
//
//   node tools/orthanc/start-test-orthanc.mjs        prints the DICOMweb root, runs until Ctrl-C, then cleans up
//   import { startTestOrthanc } from '<repo>/tools/orthanc/start-test-orthanc.mjs'
//
// Binaries from Debian: apt-get install -y orthanc orthanc-dicomweb (Debian does not start it by itself).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../net/free-port.mjs';

export const ORTHANC_BIN = process.env.ORTHANC_BIN ?? '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = process.env.ORTHANC_DICOMWEB_PLUGIN ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** True when both the server and the DICOMweb plugin are installed. */
export function findOrthanc() {
  return existsSync(ORTHANC_BIN) && existsSync(DICOMWEB_PLUGIN);
}

/**
 * Starts a server and waits until its DICOMweb root answers. Returns the REST base URL, the DICOMweb root and stop().
 * @param {{ log?: (line: string) => void, timeoutMs?: number }} [options]
 */
export async function startTestOrthanc(options = {}) {
  if (!findOrthanc()) {
    throw new Error(`start-test-orthanc: Orthanc or its DICOMweb plugin is missing (${ORTHANC_BIN}, ${DICOMWEB_PLUGIN}); apt-get install -y orthanc orthanc-dicomweb`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'oncoboard-orthanc-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const port = await freePort();
  const config = {
    Name: 'OncoBoardTest',
    StorageDirectory: storage,
    IndexDirectory: storage,
    HttpPort: port,
    HttpBindAddress: '127.0.0.1',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    HttpsCACertificates: '',
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Ssl: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const logPath = join(dir, 'orthanc.log');
  const child = spawn(ORTHANC_BIN, [`--logfile=${logPath}`, configPath], { cwd: dir, stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));

  let stopped = false;
  const cleanup = () => {
    if (stopped) return;
    stopped = true;
    if (!exited) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      const log = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n') : '';
      cleanup();
      throw new Error(`start-test-orthanc: Orthanc exited during start:\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/dicom-web/studies`, { headers: { accept: 'application/dicom+json' } });
      if (response.ok || response.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      cleanup();
      throw new Error(`start-test-orthanc: no answer from ${baseUrl}/dicom-web/ within ${options.timeoutMs ?? 30_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  options.log?.(`test Orthanc on ${baseUrl}, storage in ${dir}`);
  return {
    baseUrl,
    dicomWebRoot: `${baseUrl}/dicom-web`,
    port,
    dir,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const timer = setTimeout(r, 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            r(undefined);
          });
        });
      }
      cleanup();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startTestOrthanc({ log: console.log });
  console.log(`DICOMweb root: ${server.dicomWebRoot}  (Ctrl-C stops and deletes it)`);
  process.on('SIGINT', async () => {
    await server.stop();
    process.exit(0);
  });
}
