// A Lao reviewer of Attapeu on a shared server, in a real headless Chromium: signs in, works in
// Lao, confirms an Attapeu fact from their queue, cannot act on a Hà Tĩnh–Bolikhamxai fact,
// signs out. Usage: node accounts.mjs BASE_URL SCREENSHOT_DIR NAME PASSWORD OTHER_FACT_PATH
import { launch } from "./common.mjs";

const [base, outDir, name, password, otherFact] = process.argv.slice(2);
if (!otherFact) {
  console.error("usage: node accounts.mjs BASE_URL SCREENSHOT_DIR NAME PASSWORD OTHER_FACT_PATH");
  process.exit(2);
}
const { browser, context, page, shot, expect, steps } = await launch(outDir);
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

try {
  // 1. Sign in from the link in the header.
  await page.goto(base + "/");
  await page.click("#signin");
  expect((await page.locator("h1").textContent()) === "Đăng nhập", "the sign-in page, in Vietnamese before sign-in");
  await page.fill("input[name=name]", name);
  await page.fill("input[name=password]", password);
  await shot("signin");
  await page.click("#signin-form button");
  await page.waitForURL(base + "/");
  expect((await page.getAttribute("html", "lang")) === "lo", "pages in Lao, the account's language");
  expect((await page.locator("a.me").textContent()) === name, "the header names the person");
  expect(await page.locator("nav a[href='/upload']").count() === 1, "a reviewer may upload");
  expect(await page.locator("nav a[href='/admin']").count() === 0, "but not administer");

  // 2. The queue holds only facts of their partnerships (Attapeu), least certain first.
  await page.click("nav a[href='/review']");
  expect((await page.locator("h1").textContent()) === "ລາຍການລໍຖ້າກວດສອບ", "the Lao review queue");
  const items = page.locator("li.queue-item");
  const n = await items.count();
  expect(n > 0, "facts to review");
  // Attapeu or its districts (ສານໄຊ, ພູວົງ …); never another pair such as Hà Tĩnh–Bolikhamxai.
  const attapeu = ["ອັດຕະປື", "ສານໄຊ", "ພູວົງ", "ສາມັກຄີໄຊ", "ໄຊເສດຖາ", "ສະໜາມໄຊ"];
  let seenProvince = false;
  for (let i = 0; i < n; i++) {
    const parties = await items.nth(i).locator(".muted").first().textContent();
    expect(attapeu.some((a) => parties.includes(a)), `every item is about Attapeu (item ${i}: ${parties})`);
    seenProvince ||= parties.includes("ອັດຕະປື");
  }
  expect(seenProvince, "Kon Tum–Attapeu facts in the queue");
  await shot("queue-lo");

  // 3. Confirm the first one; it leaves the queue and its history names the reviewer.
  const first = items.first();
  const id = await first.getAttribute("id");
  const href = await first.locator("a").first().getAttribute("href");
  await first.locator("button[value=accept]").click();
  await page.waitForURL(/\/review\?done=1/);
  expect(await page.locator(`li.queue-item#${id}`).count() === 0, `${id} left the queue`);
  expect((await page.locator(".flash").textContent()).includes("ບັນທຶກແລ້ວ"), "confirmed, in Lao");
  await page.goto(base + href);
  expect(await page.locator(".review-accepted").count() > 0, "the fact shows as confirmed");
  expect((await page.locator("ul.history").textContent()).includes(name), "the history names the reviewer");
  await shot("fact-confirmed-lo");

  // 4. A Hà Tĩnh–Bolikhamxai fact: no buttons, and a decision sent anyway is refused.
  await page.goto(base + otherFact);
  expect(await page.locator("button[value=accept]").count() === 0, "no decision buttons on another partnership's fact");
  await shot("other-partnership-fact");
  const csrf = (await context.cookies()).find((c) => c.name === "hoptac_csrf").value;
  const forced = await page.request.post(base + "/review" + otherFact.replace(/^\/facts/, ""), {
    form: { _csrf: csrf, decision: "accept" },
    headers: { origin: base },
    maxRedirects: 0,
  });
  expect(forced.status() === 403, `a forced decision is refused (got ${forced.status()})`);

  // 5. Sign out: the way in is back, and the account page needs signing in again.
  await page.goto(base + "/");
  await page.click("#signout");
  await page.waitForURL(base + "/");
  expect(await page.locator("#signin").count() === 1, "signed out");
  await page.goto(base + "/account");
  expect(page.url().startsWith(base + "/signin"), "the account page needs signing in");
  await shot("signed-out");

  if (problems.length) throw new Error(problems.join("\n"));
  console.log(`ok: ${steps()} screenshots in ${outDir}`);
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(`FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
