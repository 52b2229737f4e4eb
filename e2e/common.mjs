// What the browser scripts share: Debian's headless Chromium, screenshots numbered by step,
// and a check that names what was expected and where.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export async function launch(outDir) {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // The browser asks for Vietnamese.
  const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  let step = 0;
  const shot = async (name) => {
    step += 1;
    const file = join(outDir, `${String(step).padStart(2, "0")}-${name}.png`);
    // A screenshot is a record of the step, not a check: Chromium sometimes answers a capture
    // with "Unable to capture screenshot" (seen once in CI on a page that had rendered); one
    // more try after a moment, then the error stands.
    try {
      await page.screenshot({ path: file, fullPage: true });
    } catch (err) {
      if (!String(err).includes("Unable to capture screenshot")) throw err;
      await page.waitForTimeout(500);
      await page.screenshot({ path: file, fullPage: true });
    }
    console.log(`screenshot ${file}`);
  };
  const expect = (cond, what) => {
    if (!cond) throw new Error(`expected: ${what} (at ${page.url()})`);
  };
  return { browser, context, page, shot, expect, steps: () => step };
}
