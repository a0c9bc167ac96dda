// The pure parts of unlock.js against real payloads written by crypto.py.
//
// Run through pytest (tests/test_unlock_js.py), which builds the payloads with a known
// passphrase into a temporary directory and names the file in COACHPORTAL_JS_PAYLOADS:
//   .venv/bin/python -m pytest tests/test_unlock_js.py
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

// COACHPORTAL_UNLOCK_JS, COACHPORTAL_PORTFOLIO_JS: other copies to test (the minified ones the site serves)
const unlock = await import(process.env.COACHPORTAL_UNLOCK_JS || "../../plugins/coachportal/assets/unlock.js");
// portfolio.js beside it (it imports "./unlock.js": the same module instance as above)
const portfolio = await import(process.env.COACHPORTAL_PORTFOLIO_JS || "../../plugins/coachportal/assets/portfolio.js");

const file = process.env.COACHPORTAL_JS_PAYLOADS;
const skip = file ? false : "needs COACHPORTAL_JS_PAYLOADS: run pytest tests/test_unlock_js.py";
const data = file ? JSON.parse(readFileSync(file, "utf8")) : null;

function copy(value) {
  return JSON.parse(JSON.stringify(value));
}

/* base64 text with one bit of byte `index` flipped. */
function flipped(text, index) {
  const bytes = unlock.unb64(text);
  bytes[index] ^= 1;
  return unlock.b64(bytes);
}

async function rejectsWith(promise, kind) {
  await assert.rejects(promise, (error) => error instanceof unlock.UnlockError && error.kind === kind);
}

describe("pages", { skip }, () => {
  test("the reader's passphrase opens the page on its own path", async () => {
    const { page, passphrases } = data;
    const payload = unlock.parsePayload(JSON.stringify(page.payload));
    const opened = await unlock.unlockPage(payload, passphrases.alice, page.path);
    assert.equal(opened.html, page.html);
    assert.equal(opened.raw.length, 32);
    // the content key kept in the tab opens it again without a derivation
    assert.equal(await unlock.openPage(payload, opened.raw, page.path), page.html);
  });

  test("a second reader of the same engagement opens it with one derivation of their own", async () => {
    const { page, passphrases } = data;
    const opened = await unlock.unlockPage(unlock.parsePayload(page.payload), passphrases.bob, page.path);
    assert.equal(opened.html, page.html);
  });

  test("the passphrase is NFC-normalised like crypto.py does", async () => {
    const { page, passphrases } = data;
    const decomposed = passphrases.bob.normalize("NFD");
    assert.notEqual(decomposed, passphrases.bob);
    const opened = await unlock.unlockPage(unlock.parsePayload(page.payload), decomposed, page.path);
    assert.equal(opened.html, page.html);
  });

  test("a wrong passphrase and another engagement's reader are refused", async () => {
    const { page, passphrases } = data;
    const payload = unlock.parsePayload(page.payload);
    await rejectsWith(unlock.unlockPage(payload, "definitely-not-the-passphrase-99", page.path), "wrong");
    await rejectsWith(unlock.unlockPage(payload, passphrases.carol, page.path), "wrong");
  });

  test("the page moved to another path (wrong associated data) does not open", async () => {
    const { page, other, passphrases } = data;
    const payload = unlock.parsePayload(page.payload);
    await rejectsWith(unlock.unlockPage(payload, passphrases.alice, other.path), "moved");
    const { raw } = await unlock.unlockPage(payload, passphrases.alice, page.path);
    await assert.rejects(unlock.openPage(payload, raw, other.path));
    // and another page of the same engagement opens only on its own path
    const otherPayload = unlock.parsePayload(other.payload);
    assert.equal(await unlock.openPage(otherPayload, raw, other.path), other.html);
    await assert.rejects(unlock.openPage(otherPayload, raw, page.path));
  });

  test("a tampered ciphertext, IV or wrapped key does not open", async () => {
    const { page, passphrases } = data;
    const tampered = copy(page.payload);
    tampered.ct = flipped(tampered.ct, 5);
    await rejectsWith(unlock.unlockPage(unlock.parsePayload(tampered), passphrases.alice, page.path), "moved");
    const badIv = copy(page.payload);
    badIv.iv = flipped(badIv.iv, 0);
    await rejectsWith(unlock.unlockPage(unlock.parsePayload(badIv), passphrases.alice, page.path), "moved");
    const badKeys = copy(page.payload);
    badKeys.keys = badKeys.keys.map((key) => flipped(key, 20));
    await rejectsWith(unlock.unlockPage(unlock.parsePayload(badKeys), passphrases.alice, page.path), "wrong");
    const otherKid = copy(page.payload);
    otherKid.kid = data.other_engagement_kid; // wrapped keys are bound to their key id
    await rejectsWith(unlock.unlockPage(unlock.parsePayload(otherKid), passphrases.alice, page.path), "wrong");
  });
});

describe("compressed pages (payload version 2)", { skip }, () => {
  test("a large page, compressed and padded by crypto.py, opens to the same HTML", async () => {
    const { padded, passphrases } = data;
    const payload = unlock.parsePayload(padded.payload);
    assert.equal(unlock.unb64(payload.ct).length, padded.size + 16); // the bucket, plus the GCM tag
    assert.ok(padded.size < new TextEncoder().encode(padded.html).length / 4); // compressed first
    const opened = await unlock.unlockPage(payload, passphrases.alice, padded.path);
    assert.equal(opened.html, padded.html);
  });

  test("payloads of any other version are refused as broken, before any work", () => {
    assert.equal(unlock.PAGE_FORMAT_VERSION, 2);
    for (const v of [1, 3, "2", null, undefined]) {
      const other = copy(data.page.payload);
      other.v = v;
      assert.throws(() => unlock.parsePayload(other), (e) => e instanceof unlock.PayloadError && e.message === unlock.MESSAGES.broken);
    }
  });

  async function zlib(text) {
    const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function plaintext(length, packed, after) {
    const out = new Uint8Array(4 + packed.length + after.length);
    new DataView(out.buffer).setUint32(0, length);
    out.set(packed, 4);
    out.set(after, 4 + packed.length);
    return out;
  }

  test("pageHtml reads the length, inflates and ignores only zero padding", async () => {
    const html = "<p>café — ünïcode</p>".repeat(50);
    const packed = await zlib(html);
    const n = packed.length;
    assert.equal(await unlock.pageHtml(plaintext(n, packed, new Uint8Array(300))), html);
    assert.equal(await unlock.pageHtml(plaintext(n, packed, new Uint8Array(0))), html);
    const broken = {
      "length past the end": plaintext(n + 400, packed, new Uint8Array(300)),
      "padding not zeros": plaintext(n, packed, Uint8Array.from([0, 1, 0])),
      "cut short": plaintext(n - 3, packed, new Uint8Array(10)),
      // (bytes after the zlib stream inside the length: Chromium's DecompressionStream
      // refuses them, Node 20's does not; AES-GCM has authenticated them anyway)
      "not zlib": plaintext(n, packed.slice().reverse(), new Uint8Array(10)),
      "too short": Uint8Array.from([0, 0]),
    };
    for (const [name, bytes] of Object.entries(broken)) {
      await assert.rejects(unlock.pageHtml(bytes), (e) => e instanceof unlock.PayloadError && e.message === unlock.MESSAGES.broken, name);
    }
  });
});

describe("iterations", { skip }, () => {
  test("payloads below 600,000 or above 10,000,000 PBKDF2 iterations are refused before any work", async () => {
    for (const iterations of [1, 1000, 599999, "600000", 600000.5, null]) {
      const weak = copy(data.page.payload);
      weak.iterations = iterations;
      assert.throws(() => unlock.parsePayload(weak), (e) => e instanceof unlock.PayloadError && e.message === unlock.MESSAGES.weak);
    }
    const tooMany = copy(data.page.payload);
    tooMany.iterations = 10000001;
    assert.throws(() => unlock.parsePayload(tooMany), { message: unlock.MESSAGES.tooMany });
    await assert.rejects(unlock.deriveKek("x", new Uint8Array(16), 599999), unlock.PayloadError);
    assert.match(unlock.MESSAGES.weak, /600,000/);
    assert.equal(unlock.MIN_ITERATIONS, data.min_iterations);
    assert.equal(unlock.MAX_ITERATIONS, data.max_iterations);
  });

  test("the portfolio is held to the same floor", () => {
    const weak = JSON.parse(data.locator);
    weak.iterations = 100000;
    assert.throws(() => portfolio.parseLocator(weak), { message: unlock.MESSAGES.weak });
    const file = JSON.parse(Object.values(data.portfolios)[0]);
    file.iterations = 100000;
    assert.throws(() => portfolio.parsePortfolio(file), { message: unlock.MESSAGES.weak });
    assert.throws(() => portfolio.parseLocator({ ...JSON.parse(data.locator), v: 1 }), { message: unlock.MESSAGES.broken });
  });

  test("damaged payloads are refused with their own message", () => {
    for (const broken of ["{", "null", '{"v": 2}', JSON.stringify({ ...data.page.payload, keys: "x" })]) {
      assert.throws(() => unlock.parsePayload(broken), { message: unlock.MESSAGES.broken });
    }
  });
});

describe("portfolio", { skip }, () => {
  const locator = () => JSON.parse(data.locator);
  const find = (passphrase) => portfolio.findPortfolio(passphrase, unlock.unb64(locator().salt), locator().iterations);
  const fileOf = (found) => (data.portfolios[found.locator] ? portfolio.parsePortfolio(data.portfolios[found.locator]) : null);

  test("a passphrase finds its reader's file, as crypto.portfolio_locator names it", async () => {
    for (const reader of Object.keys(data.passphrases)) {
      assert.equal((await find(data.passphrases[reader])).locator, data.locators[reader]);
    }
    assert.equal(fileOf(await find("definitely-not-the-passphrase-99")), null);
  });

  test("a reader's file lists exactly its reader's engagements", async () => {
    const titles = async (passphrase) => {
      const found = await find(passphrase);
      return (await portfolio.openPortfolio(fileOf(found), found.listKey)).map((item) => item.summary.title).sort();
    };
    assert.deepEqual(await titles(data.passphrases.alice), data.titles.alice);
    assert.deepEqual(await titles(data.passphrases.carol), data.titles.carol);
    // another reader's portfolio key opens nothing in alice's file
    const alice = await find(data.passphrases.alice);
    const carol = await find(data.passphrases.carol);
    assert.deepEqual(await portfolio.openPortfolio(fileOf(alice), carol.listKey), []);
  });

  test("an opened entry's key opens that engagement's pages", async () => {
    const found = await find(data.passphrases.alice);
    const doc = fileOf(found);
    const items = await portfolio.openPortfolio(doc, found.listKey);
    const item = items.find((i) => i.kid === data.page.payload.kid);
    assert.ok(item);
    const { page } = data;
    assert.equal(await unlock.openPage(unlock.parsePayload(page.payload), item.raw, page.path), page.html);
    assert.equal(item.summary.url, data.page_engagement + "/");
    // a page unlocked with the passphrase knows the reader's portfolio too
    const opened = await unlock.unlockPage(unlock.parsePayload(page.payload), data.passphrases.alice, page.path);
    assert.deepEqual(opened.portfolio, found);
  });

  test("a tampered entry is left out, the others still open", async () => {
    const found = await find(data.passphrases.alice);
    const doc = fileOf(found);
    for (const entry of doc.entries) {
      const copy = { ...doc, entries: doc.entries.filter((e) => e !== entry).concat([{ ...entry, ct: flipped(entry.ct, 3) }]) };
      const titles = (await portfolio.openPortfolio(copy, found.listKey)).map((i) => i.summary.title);
      assert.ok(titles.length >= data.titles.alice.length - 1);
    }
    const damaged = { ...doc, entries: doc.entries.map((e) => ({ ...e, ct: flipped(e.ct, 3) })) };
    assert.deepEqual(await portfolio.openPortfolio(damaged, found.listKey), []);
  });
});

describe("page paths and sessions", () => {
  test("a page's path relative to the site root, as crypto.normalize_page_path gives it", () => {
    const cases = [
      ["/nw-ops-2026/actions/", "/", "nw-ops-2026/actions/"],
      ["/portal/nw-ops-2026/actions/index.html", "/portal/", "nw-ops-2026/actions/"],
      ["/portal/index.html", "/portal/", ""],
      ["/portal/", "/portal/", ""],
      ["/portal/caf%C3%A9/", "/portal/", "café/"],
      ["/portal/bad%E0%A4%A/", "/portal/", "bad%E0%A4%A/"],
      ["/home/me/site/nw/index.html", "/home/me/site/", "nw/"],
    ];
    for (const [pathname, root, expected] of cases) assert.equal(unlock.relativePagePath(pathname, root), expected);
  });

  test("stored keys are used only in their own tab, build and time", () => {
    const record = { tab: "t1", build: "salt1", active: 1_000_000 };
    const now = { tab: "t1", build: "salt1", ms: 1_000_000 + 60_000, idleMs: 30 * 60_000 };
    assert.equal(unlock.sessionProblem(record, now), null);
    assert.equal(unlock.sessionProblem(record, { ...now, build: undefined }), null); // a page without payload
    assert.equal(unlock.sessionProblem(null, now), "missing");
    assert.equal(unlock.sessionProblem(record, { ...now, tab: null }), "copied"); // a window this tab opened
    assert.equal(unlock.sessionProblem(record, { ...now, tab: "t2" }), "copied");
    assert.equal(unlock.sessionProblem(record, { ...now, ms: record.active + 30 * 60_000 }), "idle");
    assert.equal(unlock.sessionProblem(record, { ...now, ms: record.active + 31 * 60_000, idleMs: 0 }), null);
    assert.equal(unlock.sessionProblem({ ...record, active: "x" }, now), "idle");
    assert.equal(unlock.sessionProblem(record, { ...now, build: "salt2" }), "updated");
  });
});

describe("dashboard", () => {
  test("summaries sort by the key the build computed, as Python sorts them", { skip }, () => {
    const sorted = portfolio.sortSummaries(data.dashboard.summaries).map((s) => s.title);
    assert.deepEqual(sorted, data.dashboard.order);
  });

  test("summaries without a key come last, by title; the input is not changed", () => {
    const list = [{ title: "b" }, { title: "z", sort: "2" }, { title: "a" }, { title: "y", sort: "1" }];
    const before = JSON.stringify(list);
    assert.deepEqual(
      portfolio.sortSummaries(list).map((s) => s.title),
      ["y", "z", "a", "b"]
    );
    assert.equal(JSON.stringify(list), before);
    assert.equal(portfolio.compareSummaries({ sort: "1", title: "a" }, { sort: "1", title: "a" }), 0);
  });

  test("the filter matches every word, ignoring case and accents", () => {
    const row = "Zoë Ångström  Operations leadership · Action Behind schedule 2 of 6 30 Nov 2026";
    assert.equal(portfolio.matchesFilter(row, ""), true);
    assert.equal(portfolio.matchesFilter(row, "   "), true);
    assert.equal(portfolio.matchesFilter(row, "zoe"), true);
    assert.equal(portfolio.matchesFilter(row, "ANGSTROM behind"), true);
    assert.equal(portfolio.matchesFilter(row, "nov 2026"), true);
    assert.equal(portfolio.matchesFilter(row, "zoe closed"), false);
    assert.equal(portfolio.matchesFilter("<script>", "<scr"), true); // text, compared as text
    assert.equal(portfolio.foldText("  Émile\n  Zola "), "emile zola");
  });

  test("links stay inside the portal", () => {
    const root = "https://portal.example/sub/";
    const origin = "https://portal.example";
    assert.equal(portfolio.portalHref("nw-ops-2026/", root, origin), "https://portal.example/sub/nw-ops-2026/");
    assert.equal(portfolio.portalHref("https://evil.example/", root, origin), null);
    assert.equal(portfolio.portalHref("//evil.example/x", root, origin), null);
    assert.equal(portfolio.portalHref("javascript:alert(1)", root, origin), null);
    assert.equal(portfolio.portalHref(undefined, root, origin), "https://portal.example/sub/");
  });
});
