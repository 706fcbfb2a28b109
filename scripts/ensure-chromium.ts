// The e2e tests drive a real Chromium. Playwright cannot download its own browsers here, so use the
// system's: CHROMIUM_PATH, then /usr/bin/chromium; if neither exists, install Debian's package when we
// can (root on Debian), otherwise say exactly what to run.
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(candidate)) process.exit(0);

const isDebian = existsSync('/etc/debian_version') || /debian/i.test(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (isDebian && isRoot) {
	console.log(`No Chromium at ${candidate}: installing Debian's chromium package for the browser tests (apt-get, about 120 MB)...`);
	execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
	if (existsSync('/usr/bin/chromium')) {
		console.log('Chromium installed at /usr/bin/chromium.');
		process.exit(0);
	}
}
console.error(
	`The browser tests need Chromium and none was found at ${candidate}.\n` +
		(isDebian ? 'Install it with:  sudo apt-get install -y chromium\n' : 'Install Chromium, then set CHROMIUM_PATH to its executable.\n') +
		'Or point CHROMIUM_PATH at an existing Chromium or Chrome.'
);
process.exit(1);
