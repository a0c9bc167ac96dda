/*
 * coachportal: the programme view on the unlocked home page.
 *
 * unlock.js fills the dashboard with the rows of the engagements a passphrase opened and
 * then sends "coachportal:dashboard"; this module groups those rows by programme with a
 * summary row each, sorts them by a column, filters them (stage, coach, programme, overdue;
 * the choice lives in the URL fragment, which never reaches the host), downloads them as
 * CSV and searches the text of the reader's engagement pages.
 *
 * Everything here works on data decrypted in this tab: the programme summaries are added up
 * here because only this tab knows which engagements the reader opened (the build must not
 * tell one reader about another's engagements); the CSV is made here (no file on the host
 * holds it); the search index is built here from the decrypted pages, kept in memory only
 * and dropped with the dashboard (Lock reloads the page; an idle lock replaces it).
 * Its words come from the dashboard's data-words attribute (JSON, in the portal's language).
 */

import { el, foldText, matchesFilter } from "./portfolio.js";
import { openPage, parsePayload, unb64 } from "./unlock.js";

const KEY_PREFIX = "coachportal:key:";
const CHANGED_ITEM = "coachportal:changed"; // this tab's "changed" flags (forgotten on Lock)
const SEEN_ITEM = "coachportal-seen"; // localStorage: hashes of what each engagement showed
const MIN_SURVEY_ENGAGEMENTS = 3; // no single client's figures can be derived from an average
const FILTERS = ["stage", "coach", "programme", "overdue"];

// --- pure parts (node --test) -----------------------------------------------------------------

function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
  });
}

/* The dashboard's state from a URL fragment ("#stage=action&sort=next&dir=desc"). */
function parseFragment(hash) {
  const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const state = { sort: params.get("sort") || "", dir: params.get("dir") === "desc" ? "desc" : "asc" };
  FILTERS.forEach(function (name) {
    state[name] = params.get(name) || "";
  });
  return state;
}

function formatFragment(state) {
  const params = new URLSearchParams();
  FILTERS.forEach(function (name) {
    if (state[name]) params.set(name, state[name]);
  });
  if (state.sort) {
    params.set("sort", state.sort);
    if (state.dir === "desc") params.set("dir", "desc");
  }
  const text = params.toString();
  return text ? "#" + text : "";
}

/* Does a row's filter values (its data-* attributes) pass the chosen filters? */
function passes(values, state) {
  if (state.stage && values.stage !== state.stage) return false;
  if (state.coach && values.coach !== state.coach) return false;
  if (state.programme && values.programme !== state.programme) return false;
  if (state.overdue === "yes" && !(Number(values.overdue) > 0)) return false;
  if (state.overdue === "no" && Number(values.overdue) > 0) return false;
  return true;
}

function signed(mean) {
  const text = (Math.round(mean * 10) / 10).toFixed(1);
  return mean > 0 ? "+" + text : text;
}

/* The lines of one programme's summary row from its engagements' facts (dashboard.facts):
 * engagements by stage, sessions used of contracted, engagements with overdue actions and,
 * across three engagements or more only, the average survey rating per round. */
function programmeSummary(factsList, words) {
  const lines = [fill(words.engagements, { n: factsList.length })];
  const stages = new Map();
  factsList.forEach(function (f) {
    stages.set(f.stageLabel, (stages.get(f.stageLabel) || 0) + 1);
  });
  const parts = Array.from(stages, ([label, n]) => label + " " + n);
  lines.push(fill(words.byStage, { stages: parts.join(", ") }));
  const used = factsList.reduce((sum, f) => sum + (Number(f.sessions) || 0), 0);
  const contracted = factsList.reduce((sum, f) => sum + (Number(f.contracted) || 0), 0);
  lines.push(
    contracted ? fill(words.sessionsOf, { used: used, contracted: contracted }) : fill(words.sessions, { used: used })
  );
  lines.push(fill(words.withOverdueCount, { n: factsList.filter((f) => Number(f.overdue) > 0).length }));
  const rounds = new Map();
  factsList.forEach(function (f) {
    Object.entries(f.surveys || {}).forEach(function ([round, mean]) {
      if (!rounds.has(round)) rounds.set(round, []);
      rounds.get(round).push(Number(mean));
    });
  });
  let hidden = false;
  Array.from(rounds.keys())
    .sort((a, b) => Number(a) - Number(b))
    .forEach(function (round) {
      const means = rounds.get(round);
      if (means.length < MIN_SURVEY_ENGAGEMENTS) {
        hidden = true;
        return;
      }
      const mean = means.reduce((a, b) => a + b, 0) / means.length;
      lines.push(fill(words.surveyRound, { round: round, mean: signed(mean), n: means.length }));
    });
  if (hidden) lines.push(words.surveyHidden);
  return lines;
}

/* RFC 4180 text (CRLF, quotes doubled) with a BOM for spreadsheets; a cell that a
 * spreadsheet would run as a formula gets a leading apostrophe. */
function csvText(rows) {
  const cell = function (value) {
    let text = String(value == null ? "" : value);
    if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  };
  return "\ufeff" + rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/* A short piece of `text` around the first word of `query`. */
function snippet(text, query, width) {
  const folded = foldText(text);
  const words = foldText(query).split(" ").filter(Boolean);
  const clean = String(text).replace(/\s+/g, " ").trim();
  const at = words.length ? Math.max(0, folded.indexOf(words[0])) : 0;
  const start = Math.max(0, at - Math.floor(width / 2));
  return (start > 0 ? "…" : "") + clean.slice(start, start + width) + (start + width < clean.length ? "…" : "");
}

// --- the page ---------------------------------------------------------------------------------

function cellText(cell) {
  return cell.textContent.replace(/\s+/g, " ").trim();
}

function wordsOf(board) {
  try {
    return JSON.parse(board.getAttribute("data-words"));
  } catch (e) {
    return {};
  }
}

function factsOf(row) {
  try {
    return JSON.parse(row.coachportalSummary.facts);
  } catch (e) {
    return {};
  }
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/* Mark the rows whose engagement changed since this browser last showed them. What is
 * remembered is a hash of each engagement's address with its last update's date. */
async function markChanged(rows, words) {
  let seen = {};
  let flagged = [];
  try {
    seen = JSON.parse(localStorage.getItem(SEEN_ITEM)) || {};
    flagged = JSON.parse(sessionStorage.getItem(CHANGED_ITEM)) || [];
  } catch (e) {
    /* storage off or damaged: start afresh */
  }
  for (const row of rows) {
    const facts = factsOf(row);
    const id = await sha256(row.coachportalSummary.url || "");
    const version = await sha256((row.coachportalSummary.url || "") + "|" + (facts.updated || ""));
    if (seen[id] && seen[id] !== version && flagged.indexOf(id) === -1) flagged.push(id);
    seen[id] = version;
    row.querySelectorAll(".coachportal-dash__changed").forEach((n) => n.remove());
    if (flagged.indexOf(id) !== -1) {
      const badge = el("span", "coachportal-dash__flag coachportal-dash__changed", words.changed);
      row.querySelector("th").append(" ", badge);
    }
  }
  try {
    localStorage.setItem(SEEN_ITEM, JSON.stringify(seen));
    sessionStorage.setItem(CHANGED_ITEM, JSON.stringify(flagged));
  } catch (e) {
    /* storage off: nothing is remembered */
  }
}

function select(name, label, options, words) {
  const wrap = el("label", "coachportal-dashboard__select");
  wrap.append(el("span", "coachportal-dashboard__select-label", label));
  const box = el("select", "coachportal-dashboard__select-input");
  box.setAttribute("data-filter", name);
  box.append(new Option(words.all, ""));
  options.forEach(([value, text]) => box.append(new Option(text, value)));
  wrap.append(box);
  return wrap;
}

function distinct(rows, attribute, labelAttribute) {
  const seen = new Map();
  rows.forEach(function (row) {
    const value = row.getAttribute(attribute) || "";
    if (value && !seen.has(value)) seen.set(value, row.getAttribute(labelAttribute || attribute));
  });
  return Array.from(seen).sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

class Dashboard {
  constructor(board) {
    this.board = board;
    this.words = wordsOf(board);
    this.table = board.querySelector("table");
    this.body = board.querySelector("tbody");
    this.state = parseFragment(location.hash);
    this.search();
    const text = this.board.querySelector(".coachportal-dashboard__filter-input");
    if (text) text.addEventListener("input", () => this.render());
    // a link to another view of this page (only the fragment differs) does not reload it
    window.addEventListener("hashchange", () => this.follow());
    this.load();
  }

  follow() {
    this.state = parseFragment(location.hash);
    this.board.querySelectorAll(".coachportal-dashboard__controls select").forEach((node) => {
      const name = node.getAttribute("data-filter");
      if (!Array.from(node.options).some((o) => o.value === this.state[name])) this.state[name] = "";
      node.value = this.state[name];
    });
    this.render();
  }

  /* (Again, after another passphrase opened more engagements.) */
  load() {
    this.rows = Array.from(this.body.querySelectorAll("tr.coachportal-dash__row"));
    this.rows.forEach((row, i) => (row.coachportalOrder = i)); // the build's order (attention first)
    this.index = null; // the search index: in memory only
    this.controls();
    this.headers();
    this.render();
    markChanged(this.rows, this.words);
  }

  controls() {
    const words = this.words;
    const box = this.board.querySelector(".coachportal-dashboard__controls");
    const programmes = distinct(this.rows, "data-programme");
    const parts = [
      select("stage", words.stage, distinct(this.rows, "data-stage", "data-stage-label"), words),
      select("coach", words.coach, distinct(this.rows, "data-coach"), words),
    ];
    if (programmes.length) parts.push(select("programme", words.programme, programmes, words));
    const overdue = [
      ["yes", words.withOverdue],
      ["no", words.noneOverdue],
    ];
    parts.push(select("overdue", words.overdue, overdue, words));
    const csv = el("button", "md-button coachportal-dashboard__csv", words.csv);
    csv.type = "button";
    csv.addEventListener("click", () => this.download());
    box.replaceChildren(...parts, csv);
    box.querySelectorAll("select").forEach((node) => {
      const name = node.getAttribute("data-filter");
      if (Array.from(node.options).some((o) => o.value === this.state[name])) node.value = this.state[name];
      else this.state[name] = "";
      node.addEventListener("change", () => {
        this.state[name] = node.value;
        this.update();
      });
    });
    box.hidden = false;
  }

  headers() {
    this.table.querySelectorAll("thead th[data-sort-key]").forEach((th) => {
      const key = th.getAttribute("data-sort-key");
      let button = th.querySelector("button");
      if (!button) {
        button = el("button", "coachportal-dashboard__sort", th.textContent);
        button.type = "button";
        th.replaceChildren(button);
      }
      button.title = fill(this.words.sortBy, { column: button.textContent });
      button.onclick = () => {
        const again = this.state.sort === key;
        this.state.dir = again && this.state.dir === "asc" ? "desc" : "asc";
        this.state.sort = key;
        this.update();
      };
    });
  }

  update() {
    const fragment = formatFragment(this.state);
    history.replaceState(history.state, "", location.pathname + location.search + fragment);
    this.render();
  }

  sorted(rows) {
    const state = this.state;
    const column = state.sort ? this.sortColumn(state.sort) : -1;
    const out = rows.slice();
    out.sort(function (a, b) {
      if (column >= 0) {
        const ka = a.cells[column].getAttribute("data-sort") || "";
        const kb = b.cells[column].getAttribute("data-sort") || "";
        if (ka !== kb) return (ka < kb ? -1 : 1) * (state.dir === "desc" ? -1 : 1);
      }
      return a.coachportalOrder - b.coachportalOrder;
    });
    return out;
  }

  sortColumn(key) {
    const heads = Array.from(this.table.querySelectorAll("thead th"));
    heads.forEach((th) => {
      const on = th.getAttribute("data-sort-key") === key;
      if (on) th.setAttribute("aria-sort", this.state.dir === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
    return heads.findIndex((th) => th.getAttribute("data-sort-key") === key);
  }

  visible(row) {
    const text = this.board.querySelector(".coachportal-dashboard__filter-input");
    const box = this.board.querySelector(".coachportal-dashboard__filter");
    const query = text && box && !box.hidden ? text.value : "";
    const values = {
      stage: row.getAttribute("data-stage"),
      coach: row.getAttribute("data-coach"),
      programme: row.getAttribute("data-programme"),
      overdue: row.getAttribute("data-overdue"),
    };
    return passes(values, this.state) && matchesFilter(row.textContent, query);
  }

  /* The engagements by programme (those without one last), each group's summary first. */
  groups() {
    const grouped = this.rows.some((row) => row.getAttribute("data-programme"));
    const byName = new Map();
    this.rows.forEach((row) => {
      const name = grouped ? row.getAttribute("data-programme") || "" : "";
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push(row);
    });
    const names = Array.from(byName.keys()).sort((a, b) => (!a ? 1 : !b ? -1 : a < b ? -1 : a > b ? 1 : 0));
    return { grouped: grouped, list: names.map((name) => [name, byName.get(name)]) };
  }

  render() {
    const span = this.table.querySelectorAll("thead th").length;
    const { grouped, list } = this.groups();
    const out = [];
    let shown = 0;
    list.forEach(([name, rows]) => {
      const visible = this.sorted(rows).filter((row) => this.visible(row));
      rows.forEach((row) => (row.hidden = visible.indexOf(row) === -1));
      shown += visible.length;
      if (grouped && visible.length) {
        const head = el("tr", "coachportal-dash__group");
        const cell = el("th", "coachportal-dash__group-name", name || this.words.noProgramme);
        cell.scope = "colgroup";
        cell.colSpan = span;
        head.append(cell);
        const summary = el("tr", "coachportal-dash__summary");
        const text = el("td", "coachportal-dash__summary-text");
        text.colSpan = span;
        text.append(el("span", "coachportal-dash__summary-title", this.words.summary + ": "));
        programmeSummary(visible.map(factsOf), this.words).forEach((line, i) => {
          if (i) text.append(" · ");
          text.append(el("span", "coachportal-dash__summary-line", line));
        });
        summary.append(text);
        out.push(head, summary);
      }
      out.push(...visible);
    });
    this.body.replaceChildren(...out, ...this.rows.filter((row) => row.hidden));
    const none = this.board.querySelector(".coachportal-dashboard__no-match");
    if (none) none.hidden = shown > 0;
  }

  /* What the table shows, as rows of text: the programme (when grouped), then each column. */
  tableRows() {
    const grouped = this.groups().grouped;
    const head = Array.from(this.table.querySelectorAll("thead th"), cellText);
    const rows = [grouped ? [this.words.programme, ...head] : head];
    this.body.querySelectorAll("tr.coachportal-dash__row").forEach((row) => {
      if (row.hidden) return;
      const cells = Array.from(row.cells, cellText);
      rows.push(grouped ? [row.getAttribute("data-programme") || this.words.noProgramme, ...cells] : cells);
    });
    return rows;
  }

  download() {
    const blob = new Blob([csvText(this.tableRows())], { type: "text/csv;charset=utf-8" });
    const link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = "engagements.csv"; // generic: the name says nothing about the clients
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }

  // --- search ---

  search() {
    const box = this.board.querySelector(".coachportal-search");
    if (!box) return;
    const input = box.querySelector("input");
    const status = box.querySelector("[role=status]");
    const list = box.querySelector("ol");
    box.hidden = false;
    let pending = 0;
    input.addEventListener("input", async () => {
      const query = input.value;
      const ticket = ++pending;
      if (!foldText(query)) {
        status.textContent = "";
        list.replaceChildren();
        return;
      }
      if (!this.index) status.textContent = this.words.searching;
      const index = await this.buildIndex();
      if (ticket !== pending) return; // a newer query is on its way
      const found = index.filter((page) => matchesFilter(page.text, query));
      status.textContent = found.length ? fill(this.words.searchCount, { n: found.length }) : this.words.searchNone;
      list.replaceChildren(
        ...found.map((page) => {
          const item = el("li", "coachportal-search__result");
          const link = el("a", "coachportal-search__link", page.client + " — " + page.title);
          link.href = page.href;
          item.append(link, el("p", "coachportal-search__snippet", snippet(page.text, query, 160)));
          return item;
        })
      );
    });
  }

  /* Every page of every opened engagement, fetched, decrypted with the key this tab holds
   * and reduced to its text; once per dashboard, in memory only. */
  buildIndex() {
    if (this.index) return this.index;
    this.index = Promise.all(this.rows.map((row) => this.pagesOf(row))).then((lists) => lists.flat());
    return this.index;
  }

  async pagesOf(row) {
    const summary = row.coachportalSummary;
    const link = row.querySelector("a");
    let raw = null;
    try {
      const stored = sessionStorage.getItem(KEY_PREFIX + summary.__kid);
      raw = stored ? unb64(stored) : null;
    } catch (e) {
      raw = null;
    }
    if (!raw || !link || !link.href.endsWith(summary.url)) return [];
    const root = link.href.slice(0, link.href.length - summary.url.length);
    const out = [];
    for (const path of factsOf(row).pages || []) {
      try {
        const response = await fetch(root + path, { credentials: "same-origin" });
        if (!response.ok) continue;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const node = page.querySelector(".coachportal-payload");
        if (!node) continue;
        const html = await openPage(parsePayload(node.content.textContent), raw, path);
        const content = new DOMParser().parseFromString(html, "text/html").body;
        content.querySelectorAll("p, li, td, th, h1, h2, h3, h4, dt, dd, div, caption").forEach((n) => n.append(" "));
        const title = page.querySelector("title"); // generic: "Actions - <site>"
        out.push({
          href: root + path,
          client: summary.client || summary.title || "",
          title: title ? cellText(title).split(" - ")[0] : path,
          text: content.textContent,
        });
      } catch (e) {
        /* a page that does not open is not searched */
      }
    }
    return out;
  }
}

function take(board) {
  if (board.coachportalProgramme) board.coachportalProgramme.load();
  else board.coachportalProgramme = new Dashboard(board);
}

if (typeof document !== "undefined") {
  document.addEventListener("coachportal:dashboard", function (event) {
    if (event.detail && event.detail.board) take(event.detail.board);
  });
  // unlock.js may have filled the dashboard (from this tab's keys) before this module ran
  document.querySelectorAll(".coachportal-dashboard:not([hidden])").forEach(function (board) {
    if (board.querySelector("tr.coachportal-dash__row")) take(board);
  });
}

export { fill, parseFragment, formatFragment, passes, programmeSummary, csvText, snippet, MIN_SURVEY_ENGAGEMENTS };
