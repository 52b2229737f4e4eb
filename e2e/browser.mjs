// End-to-end test of `hoptac serve` in a real headless Chromium (Debian's), driven by
// playwright-core. Usage: node browser.mjs BASE_URL SCREENSHOT_DIR UPLOAD_FILE
// Exits non-zero with a message at the first step that does not behave.
import { launch } from "./common.mjs";

const [base, outDir, uploadFile] = process.argv.slice(2);
if (!base || !outDir || !uploadFile) {
  console.error("usage: node browser.mjs BASE_URL SCREENSHOT_DIR UPLOAD_FILE");
  process.exit(2);
}
const { browser, page, shot, expect, steps } = await launch(outDir);
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
async function text(selector) {
  return (await page.locator(selector).first().textContent()) ?? "";
}

try {
  // 1. The overview, in Vietnamese (the browser asks for vi).
  await page.goto(base + "/");
  expect((await text("h1")).includes("Các cặp kết nghĩa"), "a Vietnamese overview");
  expect(await page.locator("svg.map line.tie").count() > 0, "partnerships drawn on the map");
  expect(await page.locator("table.partnerships tbody tr").count() > 0, "a list of partnerships");
  await shot("overview-vi");

  // 2. Switch to Lao, then to English; the choice sticks across pages.
  await page.click("a[hreflang=lo]");
  expect((await text("h1")) === "ຄູ່ຮ່ວມມືຕາມແນວຊາຍແດນ", "the Lao overview");
  expect((await page.getAttribute("html", "lang")) === "lo", "html lang=lo");
  await shot("overview-lo");
  await page.click("a[hreflang=en]");
  expect((await text("h1")) === "Partnerships along the border", "the English overview");
  await page.click("nav a[href='/search']");
  expect((await text("h1")) === "Search", "English is remembered on the next page");
  await shot("overview-en");

  // 3. Search without diacritics.
  await page.fill("input[name=q]", "hai cot");
  await page.press("input[name=q]", "Enter");
  await page.waitForSelector("ol.hits li");
  const marked = await page.locator(".snippet b").allTextContents();
  expect(marked.some((m) => /hài|cốt/.test(m)), `"hai cot" finds "hài cốt" (marked: ${marked.slice(0, 5)})`);
  expect(await page.locator(".facets a").count() > 0, "facets");
  await shot("search-hai-cot");
  // A facet narrows the results.
  const before = await page.locator("ol.hits li").count();
  await page.locator(".facets ul").nth(1).locator("a").first().click();
  expect(await page.locator(".facets a[aria-current]").count() === 1, "the chosen facet is marked");
  expect(await page.locator("ol.hits li").count() <= before, "a facet narrows");

  // 4. The Kon Tum–Sekong dossier, from the overview's list.
  await page.goto(base + "/");
  const link = page.locator("table.partnerships a", { hasText: /Kon Tum – Se ?kong/i }).first();
  expect(await link.count() === 1, "Kon Tum – Sekong in the list");
  await link.click();
  const body = await page.locator("main").textContent();
  expect(body.includes("Memorandum of understanding"), "agreements in the dossier");
  expect(body.includes("2022–2027"), "the 2022–2027 memorandum");
  expect(await page.locator("#timeline li").count() > 0, "a timeline of meetings");
  // 4b. The dossier's report: a Lao PDF downloaded from the Report form.
  expect(await page.locator(".smallmap svg path.party").count() > 0, "the parties' map on the dossier");
  await page.selectOption("#report-form select[name=format]", "pdf");
  await page.selectOption("#report-form select[name=lang]", "lo");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#report-form button")]);
  const file = download.suggestedFilename();
  expect(/^hoptac-report-.*-lo\.pdf$/.test(file), `a Lao PDF report is downloaded (${file})`);
  const { readFile } = await import("node:fs/promises");
  const pdf = await readFile(await download.path());
  expect(pdf.subarray(0, 5).toString() === "%PDF-" && pdf.length > 10000, `the download is a PDF (${pdf.length} bytes)`);
  expect(await page.locator("#commitments li").count() > 0, "commitments");
  await shot("dossier-kontum-sekong");

  // 5. Review: confirm the first fact in the queue and see it confirmed.
  await page.goto(base + "/review");
  const first = page.locator("li.queue-item").first();
  const id = await first.getAttribute("id");
  const href = await first.locator("a").first().getAttribute("href");
  await shot("review-queue");
  await first.locator("button[value=accept]").click();
  await page.waitForURL(/\/review\?done=1/);
  expect(await page.locator(`li.queue-item#${id}`).count() === 0, `${id} left the queue`);
  expect(await page.locator(".flash").count() === 1, "a confirmation message");
  await page.goto(base + href);
  expect(await page.locator(".review-accepted").count() > 0, "the fact shows as confirmed");
  expect((await page.locator("ul.history").textContent()).includes("tester"), "the history names the reviewer");
  await shot("fact-confirmed");

  // 6. Upload a document, see its facts, confirm, see the stored document with its evidence.
  await page.goto(base + "/upload");
  await shot("upload-form");
  await page.setInputFiles("input[type=file]", uploadFile);
  await page.click("form.upload button");
  await page.waitForSelector("ul.preview");
  const extracted = await page.locator("ul.preview li").count();
  expect(extracted > 0, "facts extracted from the upload");
  await shot("upload-preview");
  await page.click("form[action^='/upload/'] button");
  await page.waitForURL(/\/documents\/\d+\?done=stored/);
  expect(await page.locator("article.doc-text mark").count() > 0, "the stored document shows its evidence");
  expect(await page.locator(".flash").count() === 1, "a stored message");
  await shot("uploaded-document");

  // 7. A bad upload is refused with a message (the browser logs the 422 answer; that one is expected).
  await page.goto(base + "/upload");
  const known = problems.length;
  await page.setInputFiles("input[type=file]", { name: "empty.txt", mimeType: "text/plain", buffer: Buffer.from("") });
  await page.click("form.upload button");
  expect(await page.locator(".errors").count() === 1, "an empty file is refused with a message");
  await shot("upload-refused");
  problems.splice(known).filter((p) => !p.includes("422")).forEach((p) => problems.push(p));

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(`ok: ${steps()} screenshots in ${outDir}`);
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(`FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
