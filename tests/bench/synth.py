"""Synthetic portals for the benches: N engagements made from the reference file, R readers.

Every engagement differs: its id, the client's, coach's and sponsor's names and
organisation, the number of actions (0 to 14) and their statuses, and the survey
ratings. Each engagement is readable by two readers (reader ``i % R`` and ``(i + 1) % R``).
Passphrases are five random EFF words that pass the build's rule (``readers.new_passphrase``),
drawn once per reader count and seed, so two builds of one portal use the same ones.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import yaml
from coachportal.core.i18n import english
from coachportal.edit import init_files

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "engagement.yml"
PAGES_PER_ENGAGEMENT = 6
FIRST = ("Zdenka", "Oluwaseun", "Thorvald", "Xiomara", "Kwabena", "Radomir", "Ysolde", "Fenwicka")
LAST = ("Przybylski", "Okonkwo", "Vasquezova", "Nakagawara", "Szczepanik", "Abernethyx")
ORGS = ("Zylotech", "Quorvex", "Brixmoor", "Vantrell", "Oxbryde", "Kelmarsh")
STATUSES = ("todo", "doing", "done")


def reader_ids(readers: int) -> list[str]:
    return [f"reader-{r:03d}" for r in range(readers)]


def passphrases(readers: int, seed: int = 0) -> dict[str, str]:
    """Reader id -> passphrase, the same for the same arguments (cached beside this file's temp dir)."""
    from coachportal.edit.readers import new_passphrase

    cache = Path(".cache") / "bench" / f"passphrases-{readers}-{seed}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    taken: set[str] = set()
    out = {}
    for reader in reader_ids(readers):
        phrase = new_passphrase(frozenset(taken), context=(reader, *FIRST, *LAST, *ORGS))
        taken.add(phrase)
        out[reader] = phrase
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def env_of(phrases: dict[str, str]) -> dict[str, str]:
    from coachportal.core.access import env_var

    return {env_var(r): p for r, p in phrases.items()}


def engagement(base: dict[str, Any], i: int, readers: list[str], rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data["id"] = f"bench-{i:05d}"
    data["title"] = f"Leadership programme {i}"
    data["client"]["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    data["client"]["organization"] = f"{rng.choice(ORGS)} {i}"
    data["coach"]["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    data["sponsor"]["name"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    data["access"] = sorted({readers[i % len(readers)], readers[(i + 1) % len(readers)]})
    action = data["stages"]["action"]
    templates = action["items"]
    items = []
    for n in range(rng.randint(0, 14)):
        item = copy.deepcopy(templates[n % len(templates)])
        item["id"] = f"A{n + 1}"
        item["status"] = rng.choice(STATUSES)
        item.pop("done_on", None)
        if item["status"] == "done":
            item["done_on"] = item["due"] - dt.timedelta(days=rng.randint(1, 10))
        items.append(item)
    action["items"] = items
    corrections = data["stages"]["achievement"]["course_corrections"]
    for c in corrections:
        c["change"] = "Added a feedforward action"
    for result in data["stages"]["achievement"]["surveys"][0]["results"]:
        for group, ratings in result["groups"].items():
            result["groups"][group] = [rng.randint(-3, 3) for _ in ratings]
    return data


def init_config(root: Path) -> dict[str, Any]:
    """mkdocs.yml as `coachportal init` writes it (edit/init_files.py: its theme, palettes,
    fonts off, extensions), with its overrides/main.html written under ``root``: what the
    benches measure is what a new portal's readers get."""
    (root / "overrides").mkdir(parents=True, exist_ok=True)
    (root / "overrides" / "main.html").write_text(init_files.override_main(english()), encoding="utf-8")
    return yaml.safe_load(init_files.mkdocs_yml(english(), "Bench"))


def write_portal(root: Path, n: int, readers: int, seed: int = 0) -> dict[str, str]:
    """Engagement files, content/index.md and mkdocs.yml under ``root``; returns the passphrase env."""
    base = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    ids = reader_ids(readers)
    (root / "content").mkdir(parents=True, exist_ok=True)
    home = init_files.index_md(english())  # the home page as init writes it
    (root / "content" / "index.md").write_text(home, encoding="utf-8")
    engagements = root / "engagements"
    engagements.mkdir(exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for i in range(n):
        data = engagement(base, i, ids, rng)
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
        (engagements / f"bench-{i:05d}.yml").write_text(text, encoding="utf-8")
    readers_config = {r: {"name": f"Reader {r[-3:]}"} for r in ids}
    config = init_config(root)
    config["plugins"] = ["search", {"coachportal": {"readers": readers_config}}]
    (root / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
    return env_of(passphrases(readers, seed))


PLAIN_BODY = """\
## Where the engagement stands

The client is in the **action** stage: {done} of {total} actions done.

| Goal | Competency | Target |
|---|---|---|
| G1 | Strategic delegation | 31 Aug 2026 |
| G2 | Listening to understand | 30 Sep 2026 |
| G3 | Partnership with finance | 31 Jul 2026 |

## Actions

{actions}

## Stakeholder survey

- Manager: +2
- Direct reports: +1.5 (4 ratings)
- Peers: +0.7 (3 ratings)

> She now asks what we think before deciding.
"""


def write_plain(root: Path, pages: int, seed: int = 0) -> None:
    """``pages`` plain Markdown pages of engagement-like content, out of the navigation."""
    rng = random.Random(seed)
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "index.md").write_text("# Bench\n", encoding="utf-8")
    for i in range(pages):
        total = rng.randint(0, 14)
        actions = "\n".join(f"- [{'x' if rng.random() < 0.4 else ' '}] Action {a + 1}" for a in range(total))
        body = PLAIN_BODY.format(done=total // 2, total=total, actions=actions or "No actions yet.")
        directory = content / f"e-{i // PAGES_PER_ENGAGEMENT:05d}"
        directory.mkdir(exist_ok=True)
        (directory / f"p{i % PAGES_PER_ENGAGEMENT}.md").write_text(f"# Page {i}\n\n{body}", encoding="utf-8")
    config = {
        **init_config(root),  # the same theme, palettes and extensions as the portal's
        "plugins": ["search"],
        "nav": ["index.md"],
        "not_in_nav": "/e-*/",
    }
    (root / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")
