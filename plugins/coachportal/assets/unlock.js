/*
 * coachportal: unlock encrypted engagement pages in the browser.
 *
 * WebCrypto only: no library, no request to any other origin. The scheme is described in
 * plugins/coachportal/crypto.py: PBKDF2-HMAC-SHA256 derives one key-encryption key (KEK)
 * from the passphrase; the KEK is tried on every wrapped content key (AES-GCM); the content
 * key decrypts the page (AES-GCM, associated data = the page's path relative to the site
 * root). Unlocked content keys (never the passphrase, never the KEK) are kept in
 * sessionStorage as "coachportal:key:<key id>", so the engagement's other pages open
 * without asking again in this tab; "Lock" forgets them.
 *
 * Works on first load and on every Material instant-navigation page change.
 */
(function () {
  "use strict";

  var STORE_PREFIX = "coachportal:";
  var KEY_PREFIX = STORE_PREFIX + "key:";
  var WRAP_AAD = "coachportal:wrap:";
  var PORTFOLIO_AAD = "coachportal:portfolio:";
  var PORTFOLIO_PATH = "coachportal/portfolio.json";
  var WRONG = "That passphrase does not open this engagement.";
  var WRONG_PORTFOLIO = "That passphrase does not open any engagement.";
  var EMPTY = "Enter your passphrase.";
  var NO_CRYPTO = "Unlocking needs a secure connection (HTTPS) and a current browser.";
  var MOVED = "This page's content does not belong at this address.";
  var MAX_ITERATIONS = 10000000;

  var state = (window.coachportal = window.coachportal || {});
  if (state.loaded) return;
  state.loaded = true;
  state.lastUnlockMs = null;

  var enc = new TextEncoder();
  var dec = new TextDecoder();
  var subtle = window.crypto && window.crypto.subtle;

  // --- the site root (computed once, while location and the page's config match) ---------

  function siteRoot() {
    var config = document.getElementById("__config");
    if (config) {
      try {
        var base = JSON.parse(config.textContent).base;
        if (typeof base === "string") {
          var url = new URL(base, location.href);
          if (!/\/$/.test(url.pathname)) url.pathname += "/";
          url.search = "";
          url.hash = "";
          return url.href;
        }
      } catch (e) {
        /* fall through */
      }
    }
    var script = document.currentScript;
    if (script && script.src) return new URL("../", script.src).href; // <root>/coachportal/unlock.js
    return new URL("./", location.href).href;
  }

  var ROOT = siteRoot();
  state.root = ROOT;

  /* The page's path relative to the site root: what the build used as associated data. */
  function pagePath() {
    var rootPath = new URL(ROOT).pathname;
    var path = location.pathname;
    var rel = path.indexOf(rootPath) === 0 ? path.slice(rootPath.length) : path;
    try {
      rel = decodeURIComponent(rel);
    } catch (e) {
      /* keep it encoded */
    }
    rel = rel.replace(/^\/+/, "");
    if (rel === "index.html") rel = "";
    else if (/\/index\.html$/.test(rel)) rel = rel.slice(0, -"index.html".length);
    return rel;
  }

  // --- bytes ---------------------------------------------------------------------------------

  function unb64(text) {
    var bin = atob(text);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  // --- session storage (content keys only) ------------------------------------------------------

  function loadKey(kid) {
    try {
      var text = window.sessionStorage.getItem(KEY_PREFIX + kid);
      return text ? unb64(text) : null;
    } catch (e) {
      return null;
    }
  }

  function storeKey(kid, raw) {
    try {
      window.sessionStorage.setItem(KEY_PREFIX + kid, b64(raw));
    } catch (e) {
      /* storage off: this page stays open, the next one asks again */
    }
  }

  function forgetAll() {
    try {
      var doomed = [];
      for (var i = 0; i < window.sessionStorage.length; i++) {
        var name = window.sessionStorage.key(i);
        if (name && name.indexOf(STORE_PREFIX) === 0) doomed.push(name);
      }
      doomed.forEach(function (name) {
        window.sessionStorage.removeItem(name);
      });
    } catch (e) {
      /* nothing stored */
    }
  }

  function lock() {
    forgetAll();
    location.reload();
  }

  // --- crypto ---------------------------------------------------------------------------------------

  async function deriveKek(passphrase, salt, iterations) {
    if (!(iterations > 0 && iterations <= MAX_ITERATIONS)) throw new Error("bad iterations");
    var material = await subtle.importKey(
      "raw",
      enc.encode(passphrase.normalize("NFC")),
      "PBKDF2",
      false,
      ["deriveKey"]
    );
    return subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: iterations },
      material,
      { name: "AES-GCM", length: 256 },
      false,
      ["decrypt"]
    );
  }

  /* The raw content key if the KEK opens one of the wrapped keys, else null. */
  async function unwrap(kek, wrappedKeys, kid) {
    var aad = enc.encode(WRAP_AAD + kid);
    for (var i = 0; i < wrappedKeys.length; i++) {
      var bytes = unb64(wrappedKeys[i]);
      if (bytes.length !== 12 + 32 + 16) continue;
      try {
        var raw = await subtle.decrypt(
          { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: aad },
          kek,
          bytes.slice(12)
        );
        return new Uint8Array(raw);
      } catch (e) {
        /* not this reader's: try the next one */
      }
    }
    return null;
  }

  async function aesOpen(raw, iv, ciphertext, aad) {
    var key = await subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
    var plain = await subtle.decrypt({ name: "AES-GCM", iv: iv, additionalData: enc.encode(aad) }, key, ciphertext);
    return dec.decode(plain);
  }

  function openPage(payload, raw) {
    return aesOpen(raw, unb64(payload.iv), unb64(payload.ct), pagePath());
  }

  /* The JSON inside <template class="coachportal-payload"> (or any element). */
  function templateText(node) {
    if (!node) throw new Error("no payload");
    return node.content ? node.content.textContent : node.textContent;
  }

  // --- engagement pages ---------------------------------------------------------------------------

  function reveal(container, html, ms) {
    var wrapper = document.createElement("div");
    wrapper.className = "coachportal-unlocked";
    if (ms != null) wrapper.setAttribute("data-coachportal-unlock-ms", String(Math.round(ms)));
    var bar = document.createElement("div");
    bar.className = "coachportal-toolbar";
    var note = document.createElement("span");
    note.className = "coachportal-toolbar__note";
    note.textContent = "Unlocked in this tab";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button coachportal-lock";
    button.setAttribute("data-coachportal-lock", "");
    button.textContent = "Lock";
    button.title = "Forget the passphrase's keys in this tab";
    bar.appendChild(note);
    bar.appendChild(button);
    var content = document.createElement("div");
    content.className = "coachportal-content";
    content.innerHTML = html.replace(/ +$/, ""); // our own authenticated HTML; scripts in it do not run
    wrapper.appendChild(bar);
    wrapper.appendChild(content);
    container.replaceWith(wrapper);
    document.dispatchEvent(new CustomEvent("coachportal:unlocked", { detail: { element: content } }));
  }

  function formParts(root) {
    return {
      form: root.querySelector("form"),
      fields: root.querySelector("fieldset"),
      input: root.querySelector("input[type=password]"),
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

  function startBusy(parts) {
    parts.error.hidden = true;
    parts.error.textContent = "";
    parts.input.removeAttribute("aria-invalid");
    parts.progress.hidden = false;
    parts.fields.disabled = true;
  }

  // One submit at a time; an empty passphrase is refused before any work.
  function onPassphrase(form, parts, handler) {
    var busy = false;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (busy) return;
      var passphrase = parts.input.value;
      if (!passphrase) {
        showError(parts, EMPTY);
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

  function bindPageForm(container, payload) {
    var parts = formParts(container);
    container.classList.add("coachportal-ready");
    if (!subtle) {
      showError(parts, NO_CRYPTO);
      parts.fields.disabled = true;
      return;
    }
    parts.fields.disabled = false;
    onPassphrase(parts.form, parts, async function (passphrase) {
      var started = performance.now();
      try {
        var kek = await deriveKek(passphrase, unb64(payload.salt), payload.iterations);
        passphrase = null;
        var raw = await unwrap(kek, payload.keys, payload.kid);
        if (!raw) {
          showError(parts, WRONG);
          return;
        }
        var html;
        try {
          html = await openPage(payload, raw);
        } catch (e) {
          showError(parts, MOVED);
          return;
        }
        storeKey(payload.kid, raw);
        var ms = performance.now() - started;
        state.lastUnlockMs = ms;
        if (window.console && console.info) console.info("coachportal: unlocked in " + Math.round(ms) + " ms");
        reveal(container, html, ms);
      } catch (e) {
        showError(parts, WRONG);
      }
    });
    if (!document.activeElement || document.activeElement === document.body) parts.input.focus();
  }

  async function processLocked(container) {
    if (container.hasAttribute("data-coachportal-bound")) return;
    container.setAttribute("data-coachportal-bound", "");
    var payload;
    try {
      payload = JSON.parse(templateText(container.querySelector(".coachportal-payload")));
    } catch (e) {
      return;
    }
    var raw = subtle ? loadKey(payload.kid) : null;
    if (raw) {
      try {
        reveal(container, await openPage(payload, raw), null);
        return;
      } catch (e) {
        /* stale or misplaced: ask */
      }
    }
    bindPageForm(container, payload);
  }

  // --- portfolio -------------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function portfolioForm(container) {
    var form = el("form", "coachportal-unlock coachportal-unlock--portfolio");
    form.setAttribute("autocomplete", "off");
    form.noValidate = true;
    form.appendChild(el("h2", "coachportal-unlock__title", "Open my engagements"));
    form.appendChild(
      el("p", "coachportal-unlock__intro", "Enter your passphrase to see the engagements you may read.")
    );
    var fields = el("fieldset", "coachportal-unlock__fields");
    fields.disabled = true;
    var id = "coachportal-portfolio-passphrase";
    var label = el("label", "coachportal-unlock__label", "Passphrase");
    label.htmlFor = id;
    var row = el("span", "coachportal-unlock__row");
    var input = el("input", "coachportal-unlock__input");
    input.type = "password";
    input.id = id;
    input.name = "passphrase";
    input.autocomplete = "current-password";
    input.setAttribute("autocapitalize", "off");
    input.spellcheck = false;
    var submit = el("button", "md-button md-button--primary coachportal-unlock__submit", "Open");
    submit.type = "submit";
    row.appendChild(input);
    row.appendChild(submit);
    fields.appendChild(label);
    fields.appendChild(row);
    form.appendChild(fields);
    var progress = el("p", "coachportal-unlock__progress");
    progress.setAttribute("role", "status");
    progress.setAttribute("aria-live", "polite");
    progress.hidden = true;
    progress.appendChild(el("span", "coachportal-spinner")).setAttribute("aria-hidden", "true");
    progress.appendChild(document.createTextNode(" Unlocking…"));
    form.appendChild(progress);
    var error = el("p", "coachportal-unlock__error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    form.appendChild(error);
    container.appendChild(form);
    return form;
  }

  async function loadPortfolio(container) {
    var inline = container.querySelector(".coachportal-portfolio-data");
    if (inline) return JSON.parse(templateText(inline));
    var response = await fetch(ROOT + PORTFOLIO_PATH, { credentials: "same-origin", cache: "no-cache" });
    if (!response.ok) throw new Error("portfolio: HTTP " + response.status);
    return response.json();
  }

  function stageLabel(stage) {
    stage = String(stage || "");
    return stage ? stage.charAt(0).toUpperCase() + stage.slice(1) : "";
  }

  function renderList(container, opened, form) {
    var old = container.querySelector(".coachportal-portfolio__list");
    if (old) old.remove();
    if (!opened.length) return;
    // The list replaces the form; "Another passphrase" brings it back (e.g. for a second role).
    form.hidden = true;
    var box = el("div", "coachportal-portfolio__list");
    var bar = el("div", "coachportal-toolbar");
    bar.appendChild(el("span", "coachportal-toolbar__note", "Your engagements"));
    var again = el("button", "md-button coachportal-lock coachportal-again", "Another passphrase");
    again.type = "button";
    again.addEventListener("click", function () {
      form.hidden = false;
      again.remove();
      var input = form.querySelector("input[type=password]");
      if (input) input.focus();
    });
    bar.appendChild(again);
    var lockButton = el("button", "md-button coachportal-lock", "Lock");
    lockButton.type = "button";
    lockButton.setAttribute("data-coachportal-lock", "");
    bar.appendChild(lockButton);
    box.appendChild(bar);
    var list = el("ul", "coachportal-portfolio__items");
    opened
      .slice()
      .sort(function (a, b) {
        return String(a.title).localeCompare(String(b.title));
      })
      .forEach(function (summary) {
        var href;
        try {
          href = new URL(String(summary.url || ""), ROOT);
        } catch (e) {
          return;
        }
        if (href.origin !== location.origin || !/^(https?|file):$/.test(href.protocol)) return;
        var item = el("li", "coachportal-portfolio__item");
        var link = el("a", "coachportal-portfolio__link", summary.title || "Engagement");
        link.href = href.href;
        item.appendChild(link);
        if (summary.client) item.appendChild(el("span", "coachportal-portfolio__client", summary.client));
        var meta = el("span", "coachportal-portfolio__meta");
        if (summary.stage) meta.appendChild(el("span", "coachportal-portfolio__stage", stageLabel(summary.stage)));
        if (summary.progress) meta.appendChild(el("span", "coachportal-portfolio__progress", summary.progress));
        item.appendChild(meta);
        list.appendChild(item);
      });
    box.appendChild(list);
    container.appendChild(box);
  }

  async function openEntry(entry, raw) {
    var text = await aesOpen(raw, unb64(entry.iv), unb64(entry.ct), PORTFOLIO_AAD + entry.kid);
    return JSON.parse(text);
  }

  async function processPortfolio(container) {
    if (container.hasAttribute("data-coachportal-bound")) return;
    container.setAttribute("data-coachportal-bound", "");
    var form = container.querySelector("form.coachportal-unlock") || portfolioForm(container);
    var parts = formParts(form);
    if (!subtle) {
      showError(parts, NO_CRYPTO);
      parts.fields.disabled = true;
      return;
    }
    var doc = null;
    var opened = {};
    async function getDoc() {
      if (!doc) doc = await loadPortfolio(container);
      return doc;
    }
    function show() {
      renderList(
        container,
        Object.keys(opened).map(function (kid) {
          return opened[kid];
        }),
        form
      );
    }
    // Engagements already unlocked in this tab are listed at once.
    try {
      var hasKeys = false;
      for (var i = 0; i < window.sessionStorage.length; i++) {
        if ((window.sessionStorage.key(i) || "").indexOf(KEY_PREFIX) === 0) hasKeys = true;
      }
      if (hasKeys) {
        var known = await getDoc();
        for (var j = 0; j < known.entries.length; j++) {
          var entry = known.entries[j];
          var raw = loadKey(entry.kid);
          if (!raw) continue;
          try {
            opened[entry.kid] = await openEntry(entry, raw);
          } catch (e) {
            /* stale key */
          }
        }
        show();
      }
    } catch (e) {
      /* the form still works */
    }
    parts.fields.disabled = false;
    container.classList.add("coachportal-ready");
    onPassphrase(form, parts, async function (passphrase) {
      var started = performance.now();
      try {
        var data = await getDoc();
        var kek = await deriveKek(passphrase, unb64(data.salt), data.iterations);
        passphrase = null;
        var count = 0;
        for (var k = 0; k < data.entries.length; k++) {
          var entry = data.entries[k];
          var raw = await unwrap(kek, entry.keys, entry.kid);
          if (!raw) continue;
          try {
            opened[entry.kid] = await openEntry(entry, raw);
          } catch (e) {
            continue;
          }
          storeKey(entry.kid, raw);
          count++;
        }
        if (!count) {
          showError(parts, WRONG_PORTFOLIO);
          return;
        }
        state.lastUnlockMs = performance.now() - started;
        container.setAttribute("data-coachportal-unlock-ms", String(Math.round(state.lastUnlockMs)));
        parts.progress.hidden = true;
        parts.fields.disabled = false;
        parts.input.value = "";
        show();
      } catch (e) {
        showError(
          parts,
          location.protocol === "file:"
            ? "Your browser does not let a page opened from a file load the list of engagements: " +
                "serve the portal over HTTP (for example make serve-site)."
            : "The list of engagements could not be loaded."
        );
      }
    });
  }

  // --- wiring --------------------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-coachportal-lock]")) {
      event.preventDefault();
      lock();
    } else if (target.closest("[data-coachportal-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  function scan() {
    document.querySelectorAll(".coachportal-locked").forEach(function (node) {
      processLocked(node);
    });
    document.querySelectorAll(".coachportal-portfolio").forEach(function (node) {
      processPortfolio(node);
    });
  }

  state.scan = scan;
  state.lock = lock;
  state.pagePath = pagePath;

  function start() {
    scan();
    // Material's instant navigation swaps the page without reloading scripts.
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () {
        scan();
      });
    }
  }

  document.documentElement.classList.add("coachportal-js");
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
