"""`coachportal init DIR` (a new portal ready to push) and `coachportal new ID` (an engagement file)."""

from __future__ import annotations

import datetime as dt
import json
import os
from importlib import metadata
from pathlib import Path

from ..core.checks import id_problem
from ..core.models import ID_MAX_LENGTH, STAGES
from ..core.schema import engagement_json_schema
from ..load.project import CliError

SCHEMA_FILE = "engagement.schema.json"
MAX_ID = ID_MAX_LENGTH
PLACEHOLDER_INSTALL = "coachportal @ git+https://github.com/<your-org>/coachportal@main"

MKDOCS_YML = """\
# A private coaching portal built with coachportal: `coachportal --help` lists the commands.
site_name: {site_name}
docs_dir: content
site_dir: site

theme:
  name: material
  custom_dir: overrides    # the confidentiality line above the header (overrides/main.html)
  font: false              # no Google Fonts: no request leaves the portal's origin
  features:
    - navigation.instant
    - navigation.footer
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: teal
      toggle: {{icon: material/weather-night, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: teal
      toggle: {{icon: material/weather-sunny, name: Switch to light mode}}

plugins:
  - search
  - coachportal:
      engagements_dir: engagements
      audience: sponsor        # what the portal may show: sponsor | client | coach
      # Who may unlock engagements; `coachportal reader add ID --name NAME` adds one.
      readers: {{}}

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables

extra:
  generator: false         # no "Made with Material" link in the footer
"""

OVERRIDE_MAIN = """\
{% extends "base.html" %}

{#- A confidentiality line above the header of every page. -#}
{% block announce %}
  Confidential coaching portal — please do not forward links or passphrases.
{% endblock %}
"""

INDEX_MD = """\
---
title: Welcome
---

# Your coaching programme portal

This portal shows how the executive-coaching engagements you sponsor are
progressing: the plan agreed at the start, the actions under way, what stakeholders
report, and the final report. It is **read-only** and **private**: every engagement
is encrypted, and only the people named for it can open it with their passphrase.

## Open your engagements

Enter the passphrase you received from your coach. Your browser unlocks only the
engagements you are named for; nothing you type leaves this page.

<!-- coachportal:engagements -->
"""

GITIGNORE = """\
# Built site and the build's staging copies
site/
site.*/
.cache/
# Passphrases: never commit them (CI reads repository secrets)
secrets.yml
secrets.yaml
*.secrets.yml
.env
"""

WORKFLOW = """\
# Validate, build (encrypted with the readers' passphrases) and deploy to GitHub Pages.
# Settings -> Pages -> Source: GitHub Actions. Passphrases are repository secrets named
# COACHPORTAL_PASSPHRASE_<READER_ID> (`coachportal reader add` prints the command).
name: portal
on:
  push: {branches: [main]}
  workflow_dispatch:
  schedule: [{cron: "0 5 * * *"}]   # daily: overdue flags and "as of" dates stay current
permissions: {contents: read, pages: write, id-token: write}
concurrency: {group: pages, cancel-in-progress: false}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {fetch-depth: 0}   # the full history: "since the last update" reads it
      - uses: actions/setup-python@v5
        with: {python-version: "3.11"}
      - run: pip install -r requirements.txt
      - name: Validate engagement files
        run: coachportal validate
      - name: Build
        env:
          # Every repository secret, filtered below to COACHPORTAL_PASSPHRASE_*: a new
          # reader needs no change to this file, only `gh secret set`.
          ALL_SECRETS: ${{ toJSON(secrets) }}
          NO_MKDOCS_2_WARNING: "1"
        run: |
          python - <<'PY'
          import json, os, subprocess
          secrets = json.loads(os.environ.pop("ALL_SECRETS"))
          wanted = {k: v for k, v in secrets.items() if k.startswith("COACHPORTAL_PASSPHRASE_")}
          env = {**os.environ, **wanted}
          subprocess.run(["mkdocs", "build", "--strict"], env=env, check=True)
          PY
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
        with: {path: site}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: {name: github-pages, url: "${{ steps.deployment.outputs.page_url }}"}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
  # Weekly digests (optional): uncomment to make each reader's e-mail of what changed in the
  # last week as a downloadable artifact (no engagement content: see `coachportal digest`).
  # Runs on the daily schedule above, on Mondays only; set site_url in mkdocs.yml first.
  # digest:
  #   if: github.event_name == 'schedule' && startsWith(github.event.schedule, '0 5')
  #   runs-on: ubuntu-latest
  #   steps:
  #     - uses: actions/checkout@v4
  #       with: {fetch-depth: 0}
  #     - uses: actions/setup-python@v5
  #       with: {python-version: "3.11"}
  #     - run: pip install -r requirements.txt
  #     - name: Digests of the last week
  #       run: |
  #         [ "$(date -u +%u)" = 1 ] || exit 0
  #         coachportal digest --since "$(date -u -d '7 days ago' +%F)" --out digests
  #     - uses: actions/upload-artifact@v4
  #       with: {name: digests, path: digests, retention-days: 7}
"""

README_MD = """\
# {site_name}

A private coaching portal built with coachportal: one YAML file per engagement in
`engagements/`, published by committing. The site is encrypted: each reader unlocks
their engagements with their own passphrase.

```sh
pip install -r requirements.txt
coachportal reader add acme-hr --name "Acme HR"  # a reader and their passphrase
coachportal new acme-ops-2026 --access acme-hr   # a new engagement file
coachportal validate                             # every problem as file:line:column
export COACHPORTAL_SECRETS=secrets.yml && mkdocs serve   # preview (not encrypted)
```

Pushing to `main` validates, builds and deploys the portal to GitHub Pages
(`.github/workflows/portal.yml`; Settings → Pages → Source: GitHub Actions), and it
rebuilds daily. Passphrases live in repository secrets and in the git-ignored
`secrets.yml`, never in the repository. Day to day: `coachportal action`, `session`,
`stage` and `survey` edit an engagement file and keep its comments
(`coachportal --help`).
"""


def _install_line() -> str:
    """How CI installs coachportal: where this copy came from, when it came from git."""
    try:
        direct = metadata.distribution("coachportal").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    info = json.loads(direct) if direct else {}
    vcs = info.get("vcs_info") or {}
    if info.get("url") and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"coachportal @ git+{info['url']}@{vcs['commit_id']}"
    return PLACEHOLDER_INSTALL


def portal_files(site_name: str) -> dict[str, str]:
    """Every file of a new portal, by relative path."""
    install = _install_line()
    requirements = f"{install}\n"
    if install == PLACEHOLDER_INSTALL:
        requirements = "# Replace <your-org> with where your copy of coachportal lives.\n" + requirements
    return {
        "mkdocs.yml": MKDOCS_YML.format(site_name=json.dumps(site_name, ensure_ascii=False)),
        "overrides/main.html": OVERRIDE_MAIN,
        "content/index.md": INDEX_MD,
        "engagements/.gitkeep": "",
        ".gitignore": GITIGNORE,
        ".github/workflows/portal.yml": WORKFLOW,
        "requirements.txt": requirements,
        "README.md": README_MD.format(site_name=site_name),
        SCHEMA_FILE: json.dumps(engagement_json_schema(), indent=2) + "\n",
    }


def init_portal(directory: Path, site_name: str) -> list[Path]:
    """Write a new portal into ``directory``; refuse (listing them) if any file exists."""
    files = portal_files(site_name)
    existing = sorted(str(directory / rel) for rel in files if (directory / rel).exists())
    if existing:
        raise CliError(
            f"{directory}: these files exist already and would be overwritten, so nothing was written:\n"
            + "\n".join(f"  {path}" for path in existing)
        )
    written: list[Path] = []
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --- new engagement ---------------------------------------------------------------------------------


def _stage_dates(start: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Planned dates for the four stages of a typical nine-month engagement."""
    weeks = {"awareness": (0, 3), "analysis": (2, 7), "action": (6, 32), "achievement": (30, 39)}
    return {
        stage: (start + dt.timedelta(weeks=a), start + dt.timedelta(weeks=b) - dt.timedelta(days=1))
        for stage, (a, b) in weeks.items()
    }


ENGAGEMENT_YML = """\
# yaml-language-server: $schema={schema}
# A new coaching engagement. Fill it in stage by stage; `coachportal validate`
# checks it (every problem as file:line:column). Lines starting with # are
# examples: remove the # and adapt them when the stage comes. Dates are YYYY-MM-DD.

id: {id}   # URL slug, visible to the host: never the client's name
title: Leadership programme   # the programme's name, shown to readers
stage: awareness   # awareness -> analysis -> action -> achievement -> closed (`coachportal stage`)
start: {start}
end: {end}   # planned end

client:   # the coached executive
  name: Client name
  role: Role
  organization: Organization
coach:
  name: Coach name
  # email: coach@example.com
# sponsor: {{name: Sponsor name, role: Chief Operating Officer}}
# team:   # who met at kickoff; relation: manager | senior-executive | hr | peer | mentor | other
#   - {{name: Manager name, role: COO, relation: manager}}
#   - {{name: HR partner, role: HR Business Partner, relation: hr}}

access: [{access}]   # reader ids from mkdocs.yml (`coachportal reader add ID --name NAME`)

stages:
  # --- 1. Awareness: kickoff with the client team, one-on-one recap, in-depth interview
  awareness:
    planned: {{start: {awareness_start}, end: {awareness_end}}}
    # kickoff:
    #   date: {awareness_start}
    #   attendees: [client, manager, hr]   # client, coach, manager, senior-executive, hr, peer, mentor, other
    #   background: Why this engagement, now.
    #   goals: [What the team wants to change]
    #   expected_outcomes: [What will be different, and by when]
    #   commitment: {{client: true, team: true, confirmed: {awareness_start}}}
    # one_on_one: {{date: {awareness_start}, recap: Expectations restated}}   # client-level
    # interview: {{date: {awareness_start}, notes: Coach-only notes}}          # never leaves the coach view

  # --- 2. Analysis: assessments, stakeholder interviews, the development plan
  analysis:
    planned: {{start: {analysis_start}, end: {analysis_end}}}
    # assessments:
    #   - {{name: Leadership 360, kind: 360, date: {analysis_start}, summary: What it showed}}
    # stakeholder_interviews: {{count: 8, completed: {analysis_end}, themes: [A theme]}}
    # competencies:   # ids are referenced by needs and goals
    #   - {{id: delegation, name: Strategic delegation, why: Why it matters now}}
    # strengths:
    #   - {{text: Deep operational expertise, newly_discovered: false}}
    # development_needs:
    #   - {{text: Steps in to solve problems others own, competency: delegation, blind_spot: true}}
    # plan:
    #   finalized: {analysis_end}
    #   shared_with: [manager, hr]
    #   goals:
    #     - id: G1
    #       competency: delegation
    #       goal: Hand decisions to the directors and hold them accountable
    #       measures: [Directors present their own plans]
    #       target: {action_end}
    # calls: {{cadence: every 2 weeks, mode: video, first: {action_start}, until: {action_end}}}

  # --- 3. Action: the checklist and the session log
  #     (`coachportal action FILE A1 --status done`, `coachportal session FILE --date ...`)
  action:
    planned: {{start: {action_start}, end: {action_end}}}
    # items:   # kind: new-behavior, new-skill, relationship, role-model, stakeholder-input, training, other
    #   - {{id: A1, kind: new-behavior, goal: G1, title: Ask first, due: {action_start}, status: todo}}
    # sessions:
    #   - {{date: {action_start}, mode: video, minutes: 60, topics: [Plan kickoff]}}

  # --- 4. Achievement: mini-surveys (`coachportal survey FILE --round 1 ... results.csv`),
  #     corrections, agreement, phase-down, follow-up, final report
  achievement:
    planned: {{start: {achievement_start}, end: {achievement_end}}}
    # course_corrections:
    #   - {{date: {achievement_start}, change: What changed in the plan, reason: Why}}
    # expectations_met: {{date: {achievement_end}, agreed_by: [client, manager, hr]}}
    # phase_down: {{start: {achievement_start}, end: {achievement_end}, cadence: monthly}}
    # follow_up: {{date: {achievement_end}, feedback: How it went, accomplishments: [What changed]}}
    # final_report: {{date: {achievement_end}, summary: The outcome, outcomes: [], recommendations: []}}
"""


def engagement_text(engagement_id: str, start: dt.date, access: list[str], schema: str) -> str:
    """The commented scaffold of a new engagement; it validates as written."""
    dates = _stage_dates(start)
    values = {
        f"{stage}_{side}": dates[stage][i] for stage in STAGES for i, side in enumerate(("start", "end"))
    }
    return ENGAGEMENT_YML.format(
        id=engagement_id,
        start=start,
        end=dates["achievement"][1],
        access=", ".join(access),
        schema=schema,
        **values,
    )


def new_engagement(
    engagement_id: str, directory: Path, start: dt.date, access: list[str], schema_file: Path
) -> Path:
    """Write ``directory/ID.yml``; refuse a bad id or an existing file."""
    problem = id_problem(engagement_id)
    if problem is None and len(engagement_id) > MAX_ID:
        problem = f"the id is {len(engagement_id)} characters long (at most {MAX_ID})"
    if problem:
        raise CliError(f"bad engagement id: {problem}")
    path = directory / f"{engagement_id}.yml"
    if path.exists() or (directory / f"{engagement_id}.yaml").exists():
        raise CliError(f"{path}: exists already; nothing was written")
    directory.mkdir(parents=True, exist_ok=True)
    schema = Path(os.path.relpath(schema_file, directory.resolve())).as_posix()
    path.write_text(engagement_text(engagement_id, start, access, schema), encoding="utf-8")
    return path
