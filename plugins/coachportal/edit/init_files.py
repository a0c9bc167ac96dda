"""The files `coachportal init` writes, in the portal's language.

Every sentence a reader or the coach sees — the home page, the navigation title, the
confidentiality line, the palette toggles, the README, the comments of mkdocs.yml, of
.gitignore and of the workflow — is a message of the gettext catalogs (``t(...)``), one
line each so that a translation cannot break the YAML it goes into; the layout of each
file stays here. (The messages are taken out of the f-strings: pybabel does not look
inside them.)
"""

from __future__ import annotations

import json

from ..core.i18n import Translator


def _q(text: str) -> str:
    """A YAML scalar that stays one string whatever the translation holds (``:``, ``#``)."""
    return json.dumps(text, ensure_ascii=False)


def mkdocs_yml(t: Translator, site_name: str) -> str:
    head = t("A private coaching portal built with coachportal: `coachportal --help` lists the commands.")
    custom = t("the confidentiality line above the header (overrides/main.html)")
    font = t("no Google Fonts: no request leaves the portal's origin")
    dark, light = _q(t("Switch to dark mode")), _q(t("Switch to light mode"))
    audience = t("what the portal may show: sponsor | client | coach")
    readers = t("Who may unlock engagements; `coachportal reader add ID --name NAME` adds one.")
    generator = t('no "Made with Material" link in the footer')
    return f"""\
# {head}
site_name: {_q(site_name)}
docs_dir: content
site_dir: site

theme:
  name: material
  language: {t.language}
  custom_dir: overrides    # {custom}
  font: false              # {font}
  features:
    - navigation.instant
    - navigation.footer
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: teal
      toggle: {{icon: material/weather-night, name: {dark}}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: teal
      toggle: {{icon: material/weather-sunny, name: {light}}}

plugins:
  - search
  - coachportal:
      engagements_dir: engagements
      audience: sponsor        # {audience}
      # {readers}
      readers: {{}}

markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables

extra:
  generator: false         # {generator}
"""


def override_main(t: Translator) -> str:
    why = t("A confidentiality line above the header of every page.")
    line = t("Confidential coaching portal — please do not forward links or passphrases.")
    guard = [
        t("Only a tool that runs the coachportal plugin (MkDocs, ProperDocs) may build this portal:"),
        t("any other (Zensical today) would publish it without its engagement pages, their"),
        t("encryption and its privacy settings, so its build stops here, naming what is needed."),
    ]
    return f"""\
{{% extends "base.html" %}}

{{#- {why} -#}}
{{% block announce %}}
  {line}
{{% endblock %}}

{{#- {guard[0]}
    {guard[1]}
    {guard[2]} -#}}
{{% block extrahead %}}
  {{%- if mkdocs_version is not defined -%}}{{{{ coachportal_needs_mkdocs_or_properdocs() }}}}{{%- endif -%}}
  {{{{ super() }}}}
{{% endblock %}}
"""


def index_md(t: Translator) -> str:
    title, heading, unlock_heading = (
        t("Welcome"),
        t("Your coaching programme portal"),
        t("Open your engagements"),
    )
    intro = t(
        "This portal shows how the executive-coaching engagements you sponsor are progressing:"
        " the plan agreed at the start, the actions under way, what stakeholders report, and the"
        " final report. It is **read-only** and **private**: every engagement is encrypted, and"
        " only the people named for it can open it with their passphrase."
    )
    unlock = t(
        "Enter the passphrase you received from your coach. Your browser unlocks only the"
        " engagements you are named for; nothing you type leaves this page."
    )
    return f"""\
---
title: {_q(title)}
---

# {heading}

{intro}

## {unlock_heading}

{unlock}

<!-- coachportal:engagements -->
"""


def readme_md(t: Translator, site_name: str) -> str:
    about = t(
        "A private coaching portal built with coachportal: one YAML file per engagement in"
        " `engagements/`, published by committing. The site is encrypted: each reader unlocks"
        " their engagements with their own passphrase."
    )
    publish = t(
        "Pushing to `main` validates, builds, verifies (`coachportal verify`) and deploys the portal"
        " to GitHub Pages (`.github/workflows/portal.yml`; Settings → Pages → Source: GitHub Actions), and it"
        " rebuilds daily. Passphrases live in repository secrets and in the git-ignored"
        " `secrets.yml`, never in the repository. Day to day: `coachportal action`, `session`,"
        " `stage` and `survey` edit an engagement file and keep its comments (`coachportal --help`)."
    )
    reader, new = t("a reader and their passphrase"), t("a new engagement file")
    validate, serve = t("every problem as file:line:column"), t("preview (not encrypted)")
    return f"""\
# {site_name}

{about}

```sh
pip install -r requirements.txt
coachportal reader add acme-hr --name "Acme HR"  # {reader}
coachportal new acme-ops-2026 --access acme-hr   # {new}
coachportal validate                             # {validate}
export COACHPORTAL_SECRETS=secrets.yml && mkdocs serve   # {serve}
```

{publish}
"""


def gitignore(t: Translator) -> str:
    built = t("Built site and the build's staging copies")
    secrets = t("Passphrases: never commit them (CI reads repository secrets)")
    return f"""\
# {built}
site/
site.*/
.cache/
# {secrets}
secrets.yml
secrets.yaml
*.secrets.yml
.env
"""


def workflow_yml(t: Translator) -> str:
    head = [
        t("Validate, build (encrypted with the readers' passphrases), verify and deploy to GitHub Pages."),
        t("Settings -> Pages -> Source: GitHub Actions. Passphrases are repository secrets named"),
        t("COACHPORTAL_PASSPHRASE_<READER_ID> (`coachportal reader add` prints the command)."),
    ]
    daily = t('daily: overdue flags and "as of" dates stay current')
    history = t('the full history: "since the last update" reads it')
    validate, build = _q(t("Validate engagement files")), _q(t("Build"))
    verify = _q(t("Verify the built site (nothing is deployed unless it passes)"))
    digests = [
        t("Weekly digests (optional): uncomment to make each reader's e-mail of what changed in the"),
        t("last week as a downloadable artifact (no engagement content: see `coachportal digest`)."),
        t("Runs on the daily schedule above, on Mondays only; set site_url in mkdocs.yml first."),
    ]
    digest_step = _q(t("Digests of the last week"))
    secrets = [
        t("Every repository secret, filtered below to COACHPORTAL_PASSPHRASE_*: a new"),
        t("reader needs no change to this file, only `gh secret set`."),
    ]
    return f"""\
# {head[0]}
# {head[1]}
# {head[2]}
name: portal
on:
  push: {{branches: [main]}}
  workflow_dispatch:
  schedule: [{{cron: "0 5 * * *"}}]   # {daily}
permissions: {{contents: read, pages: write, id-token: write}}
concurrency: {{group: pages, cancel-in-progress: false}}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with: {{fetch-depth: 0}}   # {history}
      - uses: actions/setup-python@v5
        with: {{python-version: "3.11"}}
      - run: pip install -r requirements.txt
      - name: {validate}
        run: coachportal validate
      - name: {build}
        env:
          # {secrets[0]}
          # {secrets[1]}
          ALL_SECRETS: ${{{{ toJSON(secrets) }}}}
          NO_MKDOCS_2_WARNING: "1"
        run: |
          python - <<'PY'
          import json, os, subprocess
          secrets = json.loads(os.environ.pop("ALL_SECRETS"))
          wanted = {{k: v for k, v in secrets.items() if k.startswith("COACHPORTAL_PASSPHRASE_")}}
          env = {{**os.environ, **wanted}}
          subprocess.run(["mkdocs", "build", "--strict"], env=env, check=True)
          PY
      - name: {verify}
        run: coachportal verify
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
        with: {{path: site}}
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: {{name: github-pages, url: "${{{{ steps.deployment.outputs.page_url }}}}"}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
  # {digests[0]}
  # {digests[1]}
  # {digests[2]}
  # digest:
  #   if: github.event_name == 'schedule' && startsWith(github.event.schedule, '0 5')
  #   runs-on: ubuntu-latest
  #   steps:
  #     - uses: actions/checkout@v4
  #       with: {{fetch-depth: 0}}
  #     - uses: actions/setup-python@v5
  #       with: {{python-version: "3.11"}}
  #     - run: pip install -r requirements.txt
  #     - name: {digest_step}
  #       run: |
  #         [ "$(date -u +%u)" = 1 ] || exit 0
  #         coachportal digest --since "$(date -u -d '7 days ago' +%F)" --out digests
  #     - uses: actions/upload-artifact@v4
  #       with: {{name: digests, path: digests, retention-days: 7}}
"""


def default_site_name(t: Translator) -> str:
    return t("Coaching portal")


def requirements_note(t: Translator) -> str:
    return "# " + t("Replace <your-org> with where your copy of coachportal lives.") + "\n"
