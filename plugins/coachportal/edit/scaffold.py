"""`coachportal init DIR` (a new portal ready to push) and `coachportal new ID` (an engagement file)."""

from __future__ import annotations

import datetime as dt
import json
import os
from importlib import metadata
from pathlib import Path

from ..core import i18n
from ..core.checks import id_problem
from ..core.i18n import DEFAULT_LANGUAGE
from ..core.models import ID_MAX_LENGTH, STAGES
from ..core.schema import engagement_json_schema
from ..derive.warnings import SCAFFOLD_PLACEHOLDERS
from . import init_files
from .errors import EditError

SCHEMA_FILE = "engagement.schema.json"
MAX_ID = ID_MAX_LENGTH
PLACEHOLDER_INSTALL = "coachportal @ git+https://github.com/<your-org>/coachportal@main"


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


def portal_files(site_name: str | None = None, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every file of a new portal, by relative path, in ``language``."""
    t = i18n.translator(language)
    site_name = site_name or init_files.default_site_name(t)
    install = _install_line()
    requirements = f"{install}\n"
    if install == PLACEHOLDER_INSTALL:
        requirements = init_files.requirements_note(t) + requirements
    return {
        "mkdocs.yml": init_files.mkdocs_yml(t, site_name),
        "overrides/main.html": init_files.override_main(t),
        "content/index.md": init_files.index_md(t),
        "engagements/.gitkeep": "",
        ".gitignore": init_files.gitignore(t),
        ".github/workflows/portal.yml": init_files.workflow_yml(t),
        "requirements.txt": requirements,
        "README.md": init_files.readme_md(t, site_name),
        SCHEMA_FILE: json.dumps(engagement_json_schema(), indent=2) + "\n",
    }


def init_portal(directory: Path, site_name: str | None, language: str = DEFAULT_LANGUAGE) -> list[Path]:
    """Write a new portal into ``directory``; refuse (listing them) if any file exists."""
    files = portal_files(site_name, language)
    existing = sorted(str(directory / rel) for rel in files if (directory / rel).exists())
    if existing:
        raise EditError(
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
  name: {client_name}
  role: {client_role}
  organization: {client_organization}
coach:
  name: {coach_name}
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
  #     (`coachportal goal add FILE --competency ID --goal TEXT` appends a goal)
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
  #     (`coachportal action add FILE ...`, `coachportal action FILE A1 --status done`,
  #     `coachportal session FILE --date ...`)
  action:
    planned: {{start: {action_start}, end: {action_end}}}
    # items:   # kind: new-behavior, new-skill, relationship, role-model, stakeholder-input, training, other
    #   - {{id: A1, kind: new-behavior, goal: G1, title: Ask first, due: {action_start}, status: todo}}
    # sessions:
    #   - {{date: {action_start}, mode: video, minutes: 60, topics: [Plan kickoff]}}

  # --- 4. Achievement: mini-surveys (`coachportal survey FILE --round 1 ... results.csv`,
  #     `coachportal survey discussed`), corrections (`coachportal correction add`),
  #     agreement, phase-down, follow-up (`coachportal followup`), final report
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
        **{"_".join(loc): text for loc, text in SCAFFOLD_PLACEHOLDERS.items()},
    )


def new_engagement(
    engagement_id: str, directory: Path, start: dt.date, access: list[str], schema_file: Path
) -> Path:
    """Write ``directory/ID.yml``; refuse a bad id or an existing file."""
    problem = id_problem(engagement_id)
    if problem is None and len(engagement_id) > MAX_ID:
        problem = f"the id is {len(engagement_id)} characters long (at most {MAX_ID})"
    if problem:
        raise EditError(f"bad engagement id: {problem}")
    path = directory / f"{engagement_id}.yml"
    if path.exists() or (directory / f"{engagement_id}.yaml").exists():
        raise EditError(f"{path}: exists already; nothing was written")
    directory.mkdir(parents=True, exist_ok=True)
    schema = Path(os.path.relpath(schema_file, directory.resolve())).as_posix()
    path.write_text(engagement_text(engagement_id, start, access, schema), encoding="utf-8")
    return path
