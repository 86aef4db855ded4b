#!/usr/bin/env node
// Installs what a fresh machine lacks before any TypeScript tool can run: npm packages, and on
// Debian the OS packages of the local stack. Plain Node with no dependencies on purpose.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** OS packages and a file each one installs, to tell whether it is present. */
const osPackages = [
  ['postgresql-15', '/usr/lib/postgresql/15/bin/initdb'],
  ['postgresql-15-cron', '/usr/lib/postgresql/15/lib/pg_cron.so'],
  ['postgresql-15-pgtap', '/usr/share/postgresql/15/extension/pgtap.control'],
  ['libtap-parser-sourcehandler-pgtap-perl', '/usr/bin/pg_prove'],
  ['chromium', '/usr/bin/chromium'],
  ['redis-server', '/usr/bin/redis-server'],
  // Real phone audio for realtime-mode tests: speech from text, converted to 8 kHz mu-law.
  ['espeak-ng', '/usr/bin/espeak-ng'],
  ['sox', '/usr/bin/sox'],
];

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error(`bootstrap: \`${cmd} ${args.join(' ')}\` failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

function installOsPackages() {
  const missing = osPackages.filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`bootstrap: missing OS packages: ${missing.join(', ')}\nRun as root:\n  ${command}`);
    process.exit(1);
  }
  console.log(`bootstrap: installing ${missing.join(', ')}`);
  run('sh', ['-c', `export DEBIAN_FRONTEND=noninteractive; ${command}`]);
}

function installNpmPackages() {
  // npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale.
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh && existsSync(join(root, 'node_modules', '.bin', 'tsx'))) return;
  console.log('bootstrap: installing npm packages');
  // Not `npm ci`: the registry here lacks the Supabase CLI's binaries for other platforms, so the
  // lockfile cannot list them and `npm ci` refuses it; `npm install` keeps to the lockfile anyway.
  run('npm', ['install', '--no-audit', '--no-fund']);
}

installOsPackages();
installNpmPackages();
try {
  execFileSync(join(root, 'node_modules', '.bin', 'deno'), ['--version'], { stdio: 'ignore' });
} catch {
  console.error('bootstrap: the deno binary from npm does not run; reinstall with `npm ci`');
  process.exit(1);
}
