/*
 * coachportal: unlock encrypted engagement pages in the browser.
 *
 * WebCrypto only: no library, no request to any other origin. The scheme is described in
 * plugins/coachportal/crypto.py: PBKDF2-HMAC-SHA256 derives one key-encryption key (KEK)
 * from the passphrase; the KEK is tried on every wrapped content key (AES-GCM); the content
 * key decrypts the page (AES-GCM, associated data = the page's path relative to the site
 * root) into its HTML compressed and padded (payload version 2: a 4-byte big-endian length,
 * that many bytes of zlib data, zero bytes up to the page kind's size), which
 * DecompressionStream("deflate") inflates. Unlocked content keys (never the passphrase, never the KEK) are kept in
 * sessionStorage as "coachportal:key:<key id>", so the engagement's other pages open
 * without asking again in this tab, and the reader's portfolio key (it opens the reader's
 * own coachportal/portfolio/<locator>.json and no page) as "coachportal:portfolio:<locator>"; "Lock" forgets them, and so does a stretch of
 * inactivity (<meta name="coachportal:idle-lock-minutes">).
 *
 * Every word this script shows is in the portal's language: MESSAGES below holds the
 * English defaults and the keys; a page in another language carries its own words as JSON
 * in <script type="application/json" id="coachportal-strings"> (data, never run; only
 * those that differ from English, so an English page carries none).
 *
 * An ES module: the pure parts (payload checks, key unwrapping, decryption, the portfolio)
 * are exported for `node --test tests/js/`; in a page the module wires itself up, on first
 * load and on every Material instant-navigation page change. Chromium refuses module
 * scripts from file://, so the plugin also publishes a classic copy (this file without its
 * final `export { ... }` statement, wrapped in a function: coachportal/scripts.py) that a
 * tiny classic loader (unlock.file.js) adds to the page on file:// only. Keep the exports
 * in that one statement at the end, and no `import.meta` (the classic copy cannot have it).
 * The site gets both minified (rjsmin); this file is the readable source.
 */

const MIN_ITERATIONS = 600000; // crypto.MIN_ITERATIONS: fewer make a passphrase cheap to guess offline
const MAX_ITERATIONS = 10000000; // crypto.MAX_ITERATIONS: more would freeze the tab
const PAGE_FORMAT_VERSION = 2; // a page's payload: compressed, length-prefixed (crypto.PAGE_FORMAT_VERSION)
const LENGTH_BYTES = 4;
const IV_BYTES = 12;
const WRAPPED_BYTES = IV_BYTES + 32 + 16; // IV || encrypted 256-bit key || GCM tag
const WRAP_AAD = "coachportal:wrap:";
// The per-reader portfolio (crypto.py): the home page holds only a locator (version, salt,
// iterations); the reader's file is coachportal/portfolio/<HMAC-SHA256(KEK, LOCATOR_INFO) hex>.json.
const PORTFOLIO_VERSION = 2;
const LOCATOR_INFO = "coachportal:portfolio-locator";
const PORTFOLIO_KEY_INFO = "coachportal:portfolio-key";
const PROGRAMME_PATH = "coachportal/programme.js"; // the dashboard's module (imports this one)
const PORTFOLIO_PATH = "coachportal/portfolio.js"; // the home page's part (imports this one)
const STORE_PREFIX = "coachportal:";
const KEY_PREFIX = STORE_PREFIX + "key:";
const LIST_PREFIX = STORE_PREFIX + "portfolio:"; // + locator -> the reader's portfolio key
const SESSION_ITEM = STORE_PREFIX + "session";
const TAB_PREFIX = "coachportal-tab:";
const IDLE_META = "coachportal:idle-lock-minutes";
const DEFAULT_IDLE_MINUTES = 30;
const TOUCH_EVERY_MS = 5000; // activity is written at most this often
const STRINGS_ID = "coachportal-strings";

const MESSAGES = {
  wrong: "That passphrase does not open this engagement.",
  wrongPortfolio: "That passphrase does not open any engagement.",
  empty: "Enter your passphrase.",
  noCrypto: "Unlocking needs a secure connection (HTTPS) and a current browser.",
  moved: "This page's content does not belong at this address.",
  broken: "This page's encrypted content is damaged and cannot be unlocked.",
  weak:
    "This portal protects passphrases with fewer than 600,000 PBKDF2 iterations, too few to be safe:" +
    " it will not be unlocked here. Ask your coach to rebuild it.",
  tooMany: "This portal asks for more than 10,000,000 PBKDF2 iterations: it will not be unlocked here.",
  updated: "This portal was updated — enter your passphrase again.",
  fileFetch:
    "Your browser does not let a page opened from a file load the list of engagements: " +
    "serve the portal over HTTP (for example make serve-site).",
  fetchFailed: "The list of engagements could not be loaded.",
  unlocked: "Unlocked in this tab",
  lock: "Lock",
  lockTitle: "Forget the passphrase's keys in this tab",
  engagement: "Engagement",
  yourEngagements: "Your engagements",
  anotherPassphrase: "Another passphrase",
};

/* The page's own words (the portal's language) over the English defaults; known keys only. */
function useStrings(textOrObject) {
  let strings;
  try {
    strings = typeof textOrObject === "string" ? JSON.parse(textOrObject) : textOrObject;
  } catch (e) {
    return;
  }
  if (!strings || typeof strings !== "object") return;
  Object.keys(MESSAGES).forEach(function (key) {
    if (typeof strings[key] === "string" && strings[key]) MESSAGES[key] = strings[key];
  });
}

/* A payload this script will not use; `message` is meant for the reader. */
class PayloadError extends Error {}

/* A passphrase or key that does not open a payload: kind "wrong" or "moved". */
class UnlockError extends Error {
  constructor(kind) {
    super(MESSAGES[kind]);
    this.kind = kind;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function subtle() {
  return globalThis.crypto && globalThis.crypto.subtle;
}

// --- bytes ---------------------------------------------------------------------------------

function unb64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function b64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin);
}

// --- payloads (pure) ------------------------------------------------------------------------

/* Refuse before any work: a weakened payload (a host lowering the iterations to make a
 * captured passphrase cheap to crack) must not get the reader to type the passphrase. */
function checkIterations(iterations) {
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) throw new PayloadError(MESSAGES.weak);
  if (iterations > MAX_ITERATIONS) throw new PayloadError(MESSAGES.tooMany);
}

function isText(value) {
  return typeof value === "string" && value.length > 0;
}

function checkKeySlots(doc) {
  if (!isText(doc.kid) || !Array.isArray(doc.keys) || !doc.keys.every(isText)) {
    throw new PayloadError(MESSAGES.broken);
  }
}

function parseJson(textOrObject) {
  if (typeof textOrObject !== "string") return textOrObject;
  try {
    return JSON.parse(textOrObject);
  } catch (e) {
    throw new PayloadError(MESSAGES.broken);
  }
}

/* A page payload's (PAGE_FORMAT_VERSION) or a portfolio's (PORTFOLIO_VERSION) version, salt and iterations. */
function checkHeader(doc, version) {
  if (!doc || typeof doc !== "object" || doc.v !== version || !isText(doc.salt)) {
    throw new PayloadError(MESSAGES.broken);
  }
  checkIterations(doc.iterations);
}

/* A page payload (the JSON of <template class="coachportal-payload">), checked; a payload
 * of another version (an older or newer build) is refused as broken. */
function parsePayload(textOrObject) {
  const doc = parseJson(textOrObject);
  checkHeader(doc, PAGE_FORMAT_VERSION);
  checkKeySlots(doc);
  if (!isText(doc.iv) || !isText(doc.ct)) throw new PayloadError(MESSAGES.broken);
  return doc;
}

/* The associated data of a page: its path relative to the site root, as
 * crypto.normalize_page_path computes it from MkDocs' page.url. */
function relativePagePath(pathname, rootPathname) {
  let rel = pathname.indexOf(rootPathname) === 0 ? pathname.slice(rootPathname.length) : pathname;
  try {
    rel = decodeURIComponent(rel);
  } catch (e) {
    /* keep it encoded */
  }
  rel = rel.replace(/^\/+/, "");
  if (rel === "index.html") return "";
  if (/\/index\.html$/.test(rel)) return rel.slice(0, -"index.html".length);
  return rel;
}

// --- crypto (WebCrypto: browsers and Node) ---------------------------------------------------

const PORTFOLIO_OF = new WeakMap(); // KEK -> {locator, listKey}: the reader's portfolio file

/* The KEK (a non-extractable AES-GCM key) from one PBKDF2 derivation of 32 bytes; the same
 * bytes give the reader's portfolio file (portfolioOf), then are dropped. */
async function deriveKek(passphrase, salt, iterations) {
  checkIterations(iterations);
  const material = await subtle().importKey("raw", enc.encode(passphrase.normalize("NFC")), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await subtle().deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: iterations },
    material,
    256
  );
  const kek = await subtle().importKey("raw", bits, { name: "AES-GCM" }, false, ["decrypt"]);
  PORTFOLIO_OF.set(kek, await portfolioFromBits(bits));
  return kek;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/* crypto.portfolio_locator and crypto.portfolio_key: the name of the reader's portfolio
 * file and the raw key its entries are sealed with, both HMAC-SHA256 of the KEK's bytes. */
async function portfolioFromBits(bits) {
  const mac = await subtle().importKey("raw", bits, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const locator = hex(new Uint8Array(await subtle().sign("HMAC", mac, enc.encode(LOCATOR_INFO))));
  const listKey = new Uint8Array(await subtle().sign("HMAC", mac, enc.encode(PORTFOLIO_KEY_INFO)));
  return { locator: locator, listKey: listKey };
}

/* {locator, listKey} of the reader whose KEK this is (deriveKek made it). */
function portfolioOf(kek) {
  return PORTFOLIO_OF.get(kek) || null;
}

/* The raw content key if the KEK opens one of the wrapped keys, else null. */
async function unwrapKey(kek, wrappedKeys, kid) {
  const aad = enc.encode(WRAP_AAD + kid);
  for (const text of wrappedKeys) {
    const bytes = unb64(text);
    if (bytes.length !== WRAPPED_BYTES) continue;
    try {
      const raw = await subtle().decrypt(
        { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: aad },
        kek,
        bytes.slice(IV_BYTES)
      );
      return new Uint8Array(raw);
    } catch (e) {
      /* not this reader's (or a decoy): try the next one */
    }
  }
  return null;
}

async function aesOpenBytes(raw, iv, ciphertext, aad) {
  const key = await subtle().importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
  const plain = await subtle().decrypt({ name: "AES-GCM", iv: iv, additionalData: enc.encode(aad) }, key, ciphertext);
  return new Uint8Array(plain);
}

async function aesOpen(raw, iv, ciphertext, aad) {
  return dec.decode(await aesOpenBytes(raw, iv, ciphertext, aad));
}

function canInflate() {
  return typeof DecompressionStream === "function";
}

/* A decrypted page plaintext -> its HTML: the length-prefixed zlib data inflated, the zero
 * padding after it ignored (crypto.page_html). Throws PayloadError("broken") otherwise. */
async function pageHtml(plain) {
  if (plain.length < LENGTH_BYTES) throw new PayloadError(MESSAGES.broken);
  const length = ((plain[0] << 24) | (plain[1] << 16) | (plain[2] << 8) | plain[3]) >>> 0;
  const end = LENGTH_BYTES + length;
  if (end > plain.length || plain.subarray(end).some((b) => b !== 0)) throw new PayloadError(MESSAGES.broken);
  try {
    return dec.decode(await inflate(plain.subarray(LENGTH_BYTES, end)));
  } catch (e) {
    throw new PayloadError(MESSAGES.broken);
  }
}

/* zlib data -> its bytes. Written to and read from the DecompressionStream directly: its
 * work then runs in microtasks, where a Blob or a Response in between would wait for tasks
 * behind the theme's start-up work (about 70 ms of a page load on a busy phone). */
async function inflate(bytes) {
  const stream = new DecompressionStream("deflate");
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {}); // a failure reaches the reader below
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/* The page's HTML (decompressed, padding removed); rejects if the key or the page path is
 * not the one the build used (or with PayloadError when the plaintext is not a page's). */
async function openPage(payload, raw, pagePath) {
  return pageHtml(await aesOpenBytes(raw, unb64(payload.iv), unb64(payload.ct), pagePath));
}

/* Passphrase -> {raw, html, portfolio}; throws UnlockError("wrong") or UnlockError("moved"),
 * or PayloadError when what decrypts is not a page. */
async function unlockPage(payload, passphrase, pagePath) {
  const kek = await deriveKek(passphrase, unb64(payload.salt), payload.iterations);
  const raw = await unwrapKey(kek, payload.keys, payload.kid);
  if (!raw) throw new UnlockError("wrong");
  let plain;
  try {
    plain = await aesOpenBytes(raw, unb64(payload.iv), unb64(payload.ct), pagePath);
  } catch (e) {
    throw new UnlockError("moved");
  }
  return { raw: raw, html: await pageHtml(plain), portfolio: portfolioOf(kek) };
}

// --- the tab's session (pure decision) ------------------------------------------------------

/* Why the stored keys must be forgotten, or null. `record` is the stored session
 * ({tab, build, active}); `now.tab` the id this tab carries in window.name, `now.build` the
 * salt of the page being shown (a new build has a new salt), `now.ms` the time and
 * `now.idleMs` the allowed inactivity (0: never). */
function sessionProblem(record, now) {
  if (!record || typeof record !== "object") return "missing";
  // sessionStorage is copied into windows this tab opens; window.name is not.
  if (!now.tab || record.tab !== now.tab) return "copied";
  if (now.idleMs > 0 && !(now.ms - record.active < now.idleMs)) return "idle";
  if (now.build && record.build !== now.build) return "updated";
  return null;
}

// --- the page ---------------------------------------------------------------------------------

function startPage() {
  const state = (window.coachportal = window.coachportal || {});
  if (state.loaded) return;
  // The classic copy is for file:// only, where the module cannot load; elsewhere the
  // module starts (document.currentScript is null in modules).
  if (document.currentScript && location.protocol !== "file:") return;
  state.loaded = true;
  state.lastUnlockMs = null;
  state.script = document.currentScript ? "classic" : "module";
  const stringsNode = document.getElementById(STRINGS_ID);
  if (stringsNode) useStrings(stringsNode.textContent);

  const ROOT = siteRoot();
  const IDLE_MS = idleMinutes() * 60000;
  const pristineOf = new WeakMap(); // unlocked element -> a fresh copy of its locked form

  // --- site and settings ---

  function siteRoot() {
    const config = document.getElementById("__config");
    if (config) {
      try {
        const base = JSON.parse(config.textContent).base;
        if (typeof base === "string") {
          const url = new URL(base, location.href);
          if (!/\/$/.test(url.pathname)) url.pathname += "/";
          url.search = "";
          url.hash = "";
          return url.href;
        }
      } catch (e) {
        /* fall through */
      }
    }
    const script = document.querySelector('script[src$="coachportal/unlock.js"]');
    if (script) return new URL("../", script.src).href; // <root>/coachportal/unlock.js
    return new URL("./", location.href).href;
  }

  function idleMinutes() {
    const meta = document.querySelector('meta[name="' + IDLE_META + '"]');
    const minutes = meta ? Number(meta.getAttribute("content")) : DEFAULT_IDLE_MINUTES;
    return Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULT_IDLE_MINUTES;
  }

  function pagePath() {
    return relativePagePath(location.pathname, new URL(ROOT).pathname);
  }

  // --- session storage: content keys and {tab, build, active} ---

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage off: every page asks
    }
  }

  function names() {
    const store = storage();
    const out = [];
    if (!store) return out;
    for (let i = 0; i < store.length; i++) {
      const name = store.key(i);
      if (name && name.indexOf(STORE_PREFIX) === 0) out.push(name);
    }
    return out;
  }

  function readSession() {
    try {
      return JSON.parse(storage().getItem(SESSION_ITEM));
    } catch (e) {
      return null;
    }
  }

  function writeSession(record) {
    try {
      storage().setItem(SESSION_ITEM, JSON.stringify(record));
    } catch (e) {
      /* storage off */
    }
  }

  /* The id this tab carries in window.name, which (unlike sessionStorage) a window opened
   * from this one does not inherit. */
  function tabId(create) {
    const name = String(window.name || "");
    if (name.indexOf(TAB_PREFIX) === 0) return name.slice(TAB_PREFIX.length);
    if (!create) return null;
    const id = b64(crypto.getRandomValues(new Uint8Array(12)));
    window.name = TAB_PREFIX + id;
    return id;
  }

  function loadKey(kid) {
    try {
      const text = storage().getItem(KEY_PREFIX + kid);
      return text ? unb64(text) : null;
    } catch (e) {
      return null;
    }
  }

  function storeKey(kid, raw, build) {
    try {
      storage().setItem(KEY_PREFIX + kid, b64(raw));
      writeSession({ tab: tabId(true), build: build, active: Date.now() });
    } catch (e) {
      /* storage off: this page stays open, the next one asks again */
    }
  }

  function forgetAll() {
    const store = storage();
    names().forEach(function (name) {
      store.removeItem(name);
    });
  }

  /* Forget the keys if they were copied from another tab, left idle too long or belong to
   * an earlier build; returns the reason (null when the keys may be used). */
  function enforceSession(build) {
    if (!names().length) return null;
    const problem = sessionProblem(readSession(), {
      tab: tabId(false),
      build: build,
      ms: Date.now(),
      idleMs: IDLE_MS,
    });
    if (problem) forgetAll();
    return problem;
  }

  function touch() {
    const record = readSession();
    const now = Date.now();
    if (!record || now - record.active < TOUCH_EVERY_MS) return;
    record.active = now;
    writeSession(record);
  }

  function lock() {
    forgetAll();
    location.reload();
  }

  // --- forms ---

  function formParts(root) {
    return {
      form: root.querySelector("form"),
      fields: root.querySelector("fieldset"),
      input: root.querySelector("input[type=password]"),
      intro: root.querySelector(".coachportal-unlock__intro"),
      progress: root.querySelector("[role=status]"),
      error: root.querySelector("[role=alert]"),
    };
  }

  function showError(parts, message) {
    parts.progress.hidden = true;
    parts.fields.disabled = false;
    parts.error.textContent = message;
    parts.error.hidden = false;
    parts.input.setAttribute("aria-invalid", "true");
    parts.input.select();
    parts.input.focus();
  }

  /* A form that must not be used at all (no WebCrypto, a weakened or damaged payload). */
  function refuse(container, parts, message) {
    parts.progress.hidden = true;
    parts.fields.disabled = true;
    parts.error.textContent = message;
    parts.error.hidden = false;
    container.classList.add("coachportal-ready");
  }

  function startBusy(parts) {
    parts.error.hidden = true;
    parts.error.textContent = "";
    parts.input.removeAttribute("aria-invalid");
    parts.progress.hidden = false;
    parts.fields.disabled = true;
  }

  function sayUpdated(parts, problem) {
    if (problem === "updated" && parts.intro) parts.intro.textContent = MESSAGES.updated;
  }

  // One submit at a time; an empty passphrase is refused before any work.
  function onPassphrase(parts, handler) {
    let busy = false;
    parts.form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (busy) return;
      const passphrase = parts.input.value;
      if (!passphrase) {
        showError(parts, MESSAGES.empty);
        return;
      }
      busy = true;
      startBusy(parts);
      try {
        await handler(passphrase);
      } finally {
        busy = false;
      }
    });
  }

  function templateText(node) {
    if (!node) throw new PayloadError(MESSAGES.broken);
    return node.content ? node.content.textContent : node.textContent;
  }

  // --- engagement pages ---

  function reveal(container, html, ms, pristine) {
    const wrapper = document.createElement("div");
    wrapper.className = "coachportal-unlocked";
    wrapper.setAttribute("data-coachportal-kid", container.getAttribute("data-coachportal-kid") || "");
    if (ms != null) wrapper.setAttribute("data-coachportal-unlock-ms", String(Math.round(ms)));
    const bar = document.createElement("div");
    bar.className = "coachportal-toolbar";
    const note = document.createElement("span");
    note.className = "coachportal-toolbar__note";
    note.textContent = MESSAGES.unlocked;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button coachportal-lock";
    button.setAttribute("data-coachportal-lock", "");
    button.textContent = MESSAGES.lock;
    button.title = MESSAGES.lockTitle;
    bar.append(note, button);
    const content = document.createElement("div");
    content.className = "coachportal-content";
    content.innerHTML = html; // our own authenticated HTML; scripts in it do not run
    wrapper.append(bar, content);
    pristineOf.set(wrapper, pristine);
    container.replaceWith(wrapper);
    // User timing (the bench and Lighthouse read it): when the decrypted content was shown.
    if (typeof performance.mark === "function") performance.mark("coachportal:shown");
    document.dispatchEvent(new CustomEvent("coachportal:unlocked", { detail: { element: content } }));
  }

  function bindPageForm(container, payload, parts, pristine) {
    parts.fields.disabled = false;
    container.classList.add("coachportal-ready");
    onPassphrase(parts, async function (passphrase) {
      const started = performance.now();
      try {
        const opened = await unlockPage(payload, passphrase, pagePath());
        storeKey(payload.kid, opened.raw, payload.salt);
        if (opened.portfolio) rememberPortfolio(opened.portfolio); // the home page lists this reader's
        const ms = performance.now() - started;
        state.lastUnlockMs = ms;
        if (window.console && console.info) console.info("coachportal: unlocked in " + Math.round(ms) + " ms");
        reveal(container, opened.html, ms, pristine);
      } catch (e) {
        showError(parts, e instanceof UnlockError || e instanceof PayloadError ? e.message : MESSAGES.wrong);
      }
    });
    if (!document.activeElement || document.activeElement === document.body) parts.input.focus();
  }

  async function processLocked(container) {
    if (container.hasAttribute("data-coachportal-bound")) return;
    const pristine = container.cloneNode(true); // before any change: what "lock again" restores
    container.setAttribute("data-coachportal-bound", "");
    const parts = formParts(container);
    if (!parts.form) return;
    let payload;
    try {
      payload = parsePayload(templateText(container.querySelector(".coachportal-payload")));
    } catch (e) {
      refuse(container, parts, e instanceof PayloadError ? e.message : MESSAGES.broken);
      return;
    }
    if (!subtle() || !canInflate()) {
      refuse(container, parts, MESSAGES.noCrypto);
      return;
    }
    const problem = enforceSession(payload.salt);
    const raw = loadKey(payload.kid);
    if (raw) {
      try {
        reveal(container, await openPage(payload, raw, pagePath()), null, pristine);
        touch();
        return;
      } catch (e) {
        /* misplaced: ask */
      }
    }
    sayUpdated(parts, problem);
    bindPageForm(container, payload, parts, pristine);
  }

  // --- locking again without a reload (idle, back-forward cache) ---

  /* Put the locked form back wherever content is shown whose key is no longer stored. */
  function relockShown() {
    document.querySelectorAll(".coachportal-unlocked").forEach(function (wrapper) {
      const pristine = pristineOf.get(wrapper);
      if (!pristine || loadKey(wrapper.getAttribute("data-coachportal-kid"))) return;
      const fresh = pristine.cloneNode(true);
      wrapper.replaceWith(fresh);
      processLocked(fresh);
    });
    if (state.portfolio) withPortfolio((part) => part.relock());
  }

  function recheck() {
    enforceSession();
    relockShown();
  }

  /* Activity keeps the keys; the check comes first, so the first touch after a long
   * absence locks instead of renewing. */
  function onActivity() {
    if (enforceSession()) relockShown();
    else touch();
  }

  // --- wiring ---

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-coachportal-lock]")) {
      event.preventDefault();
      lock();
    }
    // [data-coachportal-print] is print.js's (it sets the printed footer first).
  });

  /* programme.js only where a dashboard is (the home page): it takes the dashboard when
   * unlock.js fills it, or at once if that happened first. Not on file://, where modules
   * cannot load. */
  function loadProgramme() {
    if (state.programme || state.script !== "module" || !document.querySelector(".coachportal-dashboard")) return;
    state.programme = import(ROOT + PROGRAMME_PATH).catch(function (e) {
      state.programme = null;
      if (window.console && console.error) console.error("coachportal: programme.js did not load", e);
    });
  }

  /* The tab keeps the reader's portfolio key (not the KEK: it opens this reader's
   * portfolio file and no page), so the home page lists their engagements without the
   * passphrase. */
  function rememberPortfolio(found) {
    try {
      storage().setItem(LIST_PREFIX + found.locator, b64(found.listKey));
    } catch (e) {
      /* storage off */
    }
  }

  /* What portfolio.js's page part uses of this page's state. */
  const page = {
    ROOT, state, storage, names, formParts, refuse, showError, onPassphrase, sayUpdated,
    enforceSession, touch, storeKey, templateText, rememberPortfolio,
  };

  /* portfolio.js (the home page's form and dashboard) only where the portfolio form is: an
   * engagement page never downloads it. The classic copy (file://) holds it in this same
   * scope, so there it is at hand; the module imports it. */
  function portfolioModule() {
    if (state.script === "classic") return Promise.resolve({ startPortfolio: startPortfolio }); // eslint-disable-line no-undef
    return import(ROOT + PORTFOLIO_PATH);
  }

  function withPortfolio(use) {
    if (!state.portfolio) {
      state.portfolio = portfolioModule()
        .then((module) => module.startPortfolio(page))
        .catch(function (e) {
          state.portfolio = null;
          if (window.console && console.error) console.error("coachportal: portfolio.js did not load", e);
          document.querySelectorAll(".coachportal-portfolio").forEach(function (container) {
            const parts = formParts(container);
            if (parts.form) refuse(container, parts, MESSAGES.fetchFailed);
          });
          return null;
        });
    }
    state.portfolio.then((part) => part && use(part));
  }

  function scan() {
    loadProgramme();
    document.querySelectorAll(".coachportal-locked").forEach(processLocked);
    if (document.querySelector(".coachportal-portfolio")) withPortfolio((part) => part.scan());
  }

  function watch() {
    ["pointerdown", "keydown", "wheel", "touchstart"].forEach(function (type) {
      document.addEventListener(type, onActivity, { capture: true, passive: true });
    });
    // A page restored from the back-forward cache still shows what it showed when left:
    // after "Lock" (or a long absence) it must not show it again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) recheck();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") recheck();
    });
    if (IDLE_MS > 0) setInterval(recheck, Math.min(30000, Math.max(1000, IDLE_MS / 4)));
  }

  state.scan = scan;
  state.lock = lock;
  state.pagePath = pagePath;
  state.recheck = recheck;

  function start() {
    enforceSession(); // copied into this window, or idle since the last page
    scan();
    watch();
    // Material's instant navigation swaps the page without reloading scripts.
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(scan);
    }
  }

  document.documentElement.classList.add("coachportal-js");
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}

if (typeof document !== "undefined" && typeof window !== "undefined") startPage();

export {
  MIN_ITERATIONS,
  MAX_ITERATIONS,
  PAGE_FORMAT_VERSION,
  PORTFOLIO_VERSION,
  IV_BYTES,
  LIST_PREFIX,
  MESSAGES,
  useStrings,
  PayloadError,
  UnlockError,
  enc,
  dec,
  subtle,
  unb64,
  b64,
  isText,
  parseJson,
  checkHeader,
  checkIterations,
  parsePayload,
  relativePagePath,
  deriveKek,
  unwrapKey,
  aesOpen,
  pageHtml,
  openPage,
  unlockPage,
  portfolioOf,
  sessionProblem,
};
