import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; browser tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a printed reason,
 * unless `REQUIRE_SERVICES=1` (CI), where the missing browser is a failure.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} and REQUIRE_SERVICES=1`);
  console.warn(`skipping ${suite}: ${reason}`);
  return false;
}

/** Headless Chromium for tests, with the network features this sandbox refuses turned off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
