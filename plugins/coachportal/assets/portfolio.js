/*
 * coachportal: the home page's portfolio, which unlock.js imports only where its form is.
 *
 * The home page holds a locator (version, salt, iterations); one PBKDF2 derivation of the
 * passphrase names the reader's own file, coachportal/portfolio/<HMAC-SHA256 hex>.json,
 * whose entries (each sealed for that reader; decoys pad the file to a power of two) hold
 * the content keys and dashboard rows of the reader's engagements (crypto.py, vault.py).
 * This module fetches that file (its .js twin on file://), opens it, fills the dashboard
 * and hands it to programme.js. Engagement pages never download it.
 *
 * An ES module like unlock.js: its pure parts are exported for `node --test tests/js/`. On
 * file:// the plugin's classic copy of unlock.js holds this file too (without its import
 * statement and its final export, in the same scope: coachportal/scripts.py). Keep one
 * import statement, from "./unlock.js", at the top and the exports in one final statement.
 */

import {
  IV_BYTES,
  LIST_PREFIX,
  MESSAGES,
  PORTFOLIO_VERSION,
  PayloadError,
  aesOpen,
  checkHeader,
  dec,
  deriveKek,
  enc,
  isText,
  parseJson,
  portfolioOf,
  subtle,
  unb64,
} from "./unlock.js";

const PORTFOLIO_AAD = "coachportal:portfolio:";
const ENTRY_AAD = "coachportal:portfolio-entry";
const KID_CHARS = 12;
const ENTRY_KEY_BYTES = IV_BYTES + 32 + KID_CHARS + 16; // IV || encrypted (key || key id) || tag
const PORTFOLIO_DIR = "coachportal/portfolio/";
const PORTFOLIO_GLOBAL = "coachportalPortfolio"; // where a file's .js twin (file://) leaves its JSON

// --- the reader's file (pure) -----------------------------------------------------------------

/* The home page's portfolio locator (<template class="coachportal-portfolio-locator">):
 * what it takes to find a reader's file, checked before any passphrase is asked for. */
function parseLocator(textOrObject) {
  const doc = parseJson(textOrObject);
  checkHeader(doc, PORTFOLIO_VERSION);
  return doc;
}

/* A reader's portfolio file (coachportal/portfolio/<locator>.json), checked. */
function parsePortfolio(textOrObject) {
  const doc = parseJson(textOrObject);
  checkHeader(doc, PORTFOLIO_VERSION);
  if (!Array.isArray(doc.entries)) throw new PayloadError(MESSAGES.broken);
  doc.entries.forEach(function (entry) {
    if (!entry || !isText(entry.key) || !isText(entry.iv) || !isText(entry.ct)) throw new PayloadError(MESSAGES.broken);
  });
  return doc;
}

async function openEntry(entry, raw, kid) {
  return JSON.parse(await aesOpen(raw, unb64(entry.iv), unb64(entry.ct), PORTFOLIO_AAD + kid));
}

/* The reader's portfolio file from the passphrase: {locator, listKey}, one derivation. */
async function findPortfolio(passphrase, salt, iterations) {
  return portfolioOf(await deriveKek(passphrase, salt, iterations));
}

/* Every entry of a reader's file the portfolio key opens, as {kid, raw, summary}
 * (decoys and tampered entries are left out). */
async function openPortfolio(doc, listKey) {
  const key = await subtle().importKey("raw", listKey, { name: "AES-GCM" }, false, ["decrypt"]);
  const aad = enc.encode(ENTRY_AAD);
  const opened = [];
  for (const entry of doc.entries) {
    const bytes = unb64(entry.key);
    if (bytes.length !== ENTRY_KEY_BYTES) continue;
    let plain;
    try {
      plain = new Uint8Array(
        await subtle().decrypt({ name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: aad }, key, bytes.slice(IV_BYTES))
      );
    } catch (e) {
      continue; // a decoy
    }
    const raw = plain.slice(0, 32);
    const kid = dec.decode(plain.slice(32));
    try {
      opened.push({ kid: kid, raw: raw, summary: await openEntry(entry, raw, kid) });
    } catch (e) {
      /* a tampered entry: leave it out */
    }
  }
  return opened;
}

// --- the dashboard (pure) ---------------------------------------------------------------------

/* Summaries in dashboard order: by the `sort` key the build computed (dashboard.py; plain
 * string order), summaries without one last, then by title. */
function compareSummaries(a, b) {
  const ka = typeof a.sort === "string" ? a.sort : null;
  const kb = typeof b.sort === "string" ? b.sort : null;
  if (ka !== kb) {
    if (ka === null) return 1;
    if (kb === null) return -1;
    return ka < kb ? -1 : 1;
  }
  const ta = String(a.title || "");
  const tb = String(b.title || "");
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function sortSummaries(summaries) {
  return summaries.slice().sort(compareSummaries);
}

/* Text as the filter compares it: accents and case ignored, spaces collapsed. */
function foldText(text) {
  return String(text == null ? "" : text)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/* Does a row's text hold every word of the filter's query? (An empty query matches all.) */
function matchesFilter(text, query) {
  const haystack = foldText(text);
  return foldText(query)
    .split(" ")
    .filter(Boolean)
    .every(function (word) {
      return haystack.indexOf(word) !== -1;
    });
}

/* A summary's site-relative URL resolved against the site root, or null when it would
 * leave the portal (another origin, or a scheme other than http(s) and file). */
function portalHref(url, root, origin) {
  let href;
  try {
    href = new URL(String(url || ""), root);
  } catch (e) {
    return null;
  }
  if (href.origin !== origin || !/^(https?|file):$/.test(href.protocol)) return null;
  return href.href;
}

// --- the page ---------------------------------------------------------------------------------

/* A new element with a class and text (programme.js builds its controls with it too). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/* The portfolio forms of the page, wired with unlock.js's page state (`page`); returns what
 * unlock.js calls again: scan (a page came, e.g. by instant navigation) and relock. */
function startPortfolio(page) {
  const { ROOT, state, storage, names, formParts, refuse, showError, onPassphrase, sayUpdated } = page;
  const { enforceSession, touch, storeKey, templateText, rememberPortfolio } = page;
  const loaded = new Map(); // locator -> the reader's portfolio file (a promise; null: none)

  /* A reader's portfolio file, or null when there is none by that name (a passphrase of
   * no reader: the host answers 404, or its own 404 page). Over http(s) fetched; on
   * file://, where fetch() is refused, its .js twin is loaded by a script element. */
  async function loadPortfolio(locator) {
    if (!/^[0-9a-f]{64}$/.test(locator)) return null;
    // Ciphertext only: kept for the life of the page, so Material's instant navigation
    // back to the home page lists the engagements without another download.
    if (!loaded.has(locator)) loaded.set(locator, fetchPortfolio(locator));
    try {
      return await loaded.get(locator);
    } catch (e) {
      loaded.delete(locator);
      throw e;
    }
  }

  async function fetchPortfolio(locator) {
    if (location.protocol === "file:") {
      const text = await loadTwin(locator);
      return text === null ? null : parsePortfolio(text);
    }
    const response = await fetch(ROOT + PORTFOLIO_DIR + locator + ".json", {
      credentials: "same-origin",
      cache: "no-cache",
    });
    if (response.status === 404 || response.status === 410) return null;
    if (!response.ok) throw new Error("portfolio: HTTP " + response.status);
    let doc;
    try {
      doc = await response.json();
    } catch (e) {
      return null; // a host's own "not found" page served with 200
    }
    return parsePortfolio(doc);
  }

  function loadTwin(locator) {
    return new Promise(function (resolve) {
      const held = (window[PORTFOLIO_GLOBAL] = window[PORTFOLIO_GLOBAL] || {});
      const script = document.createElement("script");
      const done = function () {
        script.remove();
        const text = held[locator];
        delete held[locator];
        resolve(typeof text === "string" ? text : null);
      };
      script.onload = done;
      script.onerror = done;
      script.src = ROOT + PORTFOLIO_DIR + locator + ".js";
      document.head.appendChild(script);
    });
  }

  function storedPortfolios() {
    const out = [];
    names().forEach(function (name) {
      if (name.indexOf(LIST_PREFIX) !== 0) return;
      try {
        out.push({ locator: name.slice(LIST_PREFIX.length), listKey: unb64(storage().getItem(name)) });
      } catch (e) {
        /* not ours */
      }
    });
    return out;
  }

  /* The engagement's dashboard row: the <tr> the build rendered (dashboard.py), or a
   * plain row of its title for a summary without one; null for a link that would leave
   * the portal. The row's HTML is inserted as HTML because the build escaped every value
   * in it and AES-GCM authenticated it (the contract in dashboard.py); its links all go
   * to the checked overview URL. */
  function rowOf(summary) {
    const href = portalHref(summary.url, ROOT, location.origin);
    if (!href) return null;
    let row = null;
    if (typeof summary.row === "string") {
      const template = document.createElement("template");
      template.innerHTML = summary.row;
      const first = template.content.firstElementChild;
      if (first && first.tagName === "TR" && template.content.childElementCount === 1) row = first;
    }
    if (!row) {
      row = el("tr", "coachportal-portfolio__item coachportal-dash__row");
      const head = el("th", "coachportal-dash__client");
      head.scope = "row";
      head.appendChild(el("a", "coachportal-portfolio__link", summary.client || summary.title || ""));
      const rest = el("td");
      rest.colSpan = 5;
      row.append(head, rest);
    }
    row.querySelectorAll("a").forEach(function (link) {
      link.href = href;
    });
    row.coachportalSummary = summary; // programme.js reads its facts and key id
    return row;
  }

  /* Show the rows matching the filter box (every row when it is empty or hidden). */
  function applyFilter(board) {
    const input = board.querySelector(".coachportal-dashboard__filter-input");
    const box = board.querySelector(".coachportal-dashboard__filter");
    const query = input && box && !box.hidden ? input.value : "";
    let shown = 0;
    board.querySelectorAll("tbody > tr").forEach(function (row) {
      const match = matchesFilter(row.textContent, query);
      row.hidden = !match;
      if (match) shown++;
    });
    const none = board.querySelector(".coachportal-dashboard__no-match");
    if (none) none.hidden = shown > 0;
  }

  function fillDashboard(board, summaries) {
    const rows = sortSummaries(summaries).map(rowOf).filter(Boolean);
    board.querySelector("tbody").replaceChildren(...rows);
    const box = board.querySelector(".coachportal-dashboard__filter");
    const input = board.querySelector(".coachportal-dashboard__filter-input");
    if (box && input) {
      const from = Number(board.getAttribute("data-filter-from"));
      box.hidden = rows.length < (Number.isFinite(from) && from > 0 ? from : 6);
      if (!input.hasAttribute("data-coachportal-bound")) {
        input.setAttribute("data-coachportal-bound", "");
        input.addEventListener("input", function () {
          applyFilter(board);
        });
      }
    }
    board.hidden = false;
    applyFilter(board);
  }

  function renderList(container, summaries, form) {
    const old = container.querySelector(".coachportal-portfolio__list");
    if (old) old.remove();
    const board = container.querySelector(".coachportal-dashboard");
    if (!summaries.length || !board) return;
    // The dashboard replaces the form; "Another passphrase" brings it back (e.g. for a second role).
    form.hidden = true;
    const box = el("div", "coachportal-portfolio__list");
    const bar = el("div", "coachportal-toolbar");
    bar.appendChild(el("span", "coachportal-toolbar__note", MESSAGES.yourEngagements));
    const again = el("button", "md-button coachportal-lock coachportal-again", MESSAGES.anotherPassphrase);
    again.type = "button";
    again.addEventListener("click", function () {
      form.hidden = false;
      again.remove();
      const input = form.querySelector("input[type=password]");
      if (input) input.focus();
    });
    const lockButton = el("button", "md-button coachportal-lock", MESSAGES.lock);
    lockButton.type = "button";
    lockButton.setAttribute("data-coachportal-lock", "");
    bar.append(again, lockButton);
    box.appendChild(bar);
    board.before(box);
    fillDashboard(board, summaries);
  }

  async function processPortfolio(container) {
    if (container.hasAttribute("data-coachportal-bound")) return;
    const pristine = container.cloneNode(true);
    container.setAttribute("data-coachportal-bound", "");
    const parts = formParts(container);
    if (!parts.form) return;
    if (!subtle()) {
      refuse(container, parts, MESSAGES.noCrypto);
      return;
    }
    const opened = {};
    const show = () => {
      renderList(container, Object.values(opened), parts.form);
      const board = container.querySelector(".coachportal-dashboard");
      // programme.js groups, sorts, filters, exports and searches what was opened
      if (board && !board.hidden) document.dispatchEvent(new CustomEvent("coachportal:dashboard", { detail: { board: board } }));
    };
    const add = (items) => {
      items.forEach(function (item) {
        storeKey(item.kid, item.raw, locator.salt);
        opened[item.kid] = item.summary;
        item.summary.__kid = item.kid;
      });
    };
    container.__coachportalPristine = pristine;
    // A weakened or damaged locator is refused before a passphrase is asked for, as on
    // engagement pages (parseLocator checks it as parsePayload does a page's payload).
    let locator;
    try {
      locator = parseLocator(templateText(container.querySelector(".coachportal-portfolio-locator")));
    } catch (e) {
      refuse(container, parts, e instanceof PayloadError ? e.message : MESSAGES.broken);
      return;
    }
    // The portfolios already opened in this tab are listed at once.
    if (names().length) {
      sayUpdated(parts, enforceSession(locator.salt));
      try {
        for (const stored of storedPortfolios()) {
          const doc = await loadPortfolio(stored.locator);
          if (doc && doc.salt === locator.salt) add(await openPortfolio(doc, stored.listKey));
        }
        if (Object.keys(opened).length) {
          show();
          touch();
        }
      } catch (e) {
        if (e instanceof PayloadError) {
          refuse(container, parts, e.message);
          return;
        }
        /* not loaded (network): the form still works */
      }
    }
    parts.fields.disabled = false;
    container.classList.add("coachportal-ready");
    onPassphrase(parts, async function (passphrase) {
      const started = performance.now();
      let found, doc;
      try {
        found = await findPortfolio(passphrase, unb64(locator.salt), locator.iterations);
        doc = await loadPortfolio(found.locator);
      } catch (e) {
        if (e instanceof PayloadError) showError(parts, e.message);
        else showError(parts, location.protocol === "file:" ? MESSAGES.fileFetch : MESSAGES.fetchFailed);
        return;
      }
      const items = doc && doc.salt === locator.salt ? await openPortfolio(doc, found.listKey) : [];
      if (!items.length) {
        showError(parts, MESSAGES.wrongPortfolio);
        return;
      }
      add(items);
      rememberPortfolio(found);
      state.lastUnlockMs = performance.now() - started;
      container.setAttribute("data-coachportal-unlock-ms", String(Math.round(state.lastUnlockMs)));
      parts.progress.hidden = true;
      parts.fields.disabled = false;
      parts.input.value = "";
      show();
    });
  }

  /* Put the locked form back where the list is shown and no key is stored any more. */
  function relock() {
    document.querySelectorAll(".coachportal-portfolio").forEach(function (container) {
      const pristine = container.__coachportalPristine;
      if (!pristine || names().length || !container.querySelector(".coachportal-portfolio__list")) return;
      const fresh = pristine.cloneNode(true);
      container.replaceWith(fresh);
      processPortfolio(fresh);
    });
  }

  function scan() {
    document.querySelectorAll(".coachportal-portfolio").forEach(processPortfolio);
  }

  return { scan: scan, relock: relock };
}

export {
  parseLocator,
  parsePortfolio,
  openEntry,
  findPortfolio,
  openPortfolio,
  compareSummaries,
  sortSummaries,
  foldText,
  matchesFilter,
  portalHref,
  el,
  startPortfolio,
};
