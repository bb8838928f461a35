/**
 * A real Chromium for browser tests and the bench: Debian's /usr/bin/chromium (or CHROMIUM_PATH)
 * driven by playwright-core, with the switches that keep it off the network on this closed
 * machine (otherwise startup waits on connections that never come). Playwright gives each launch a
 * fresh profile directory and removes it on close.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  // Chromium 156 preloads its own omnibox popup (a WebUI page in a renderer of its own) for every
  // new window, even headless: 400 chrome:// requests competing with the page under test.
  "--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup",
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}
