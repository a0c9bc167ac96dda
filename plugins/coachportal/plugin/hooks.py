"""MkDocs glue: thin hooks that hand the work to the core modules.

Order of a build: on_config (settings, privacy defaults) -> on_pre_build (load,
validate, redact, render; fail before MkDocs cleans site/) -> on_files (generated
pages and assets) -> on_nav (per-engagement navigation) -> per page: markdown,
content (encrypt), context (local nav), post_page (noindex) -> on_post_build
(search index, portfolio) -> on_shutdown (publish the staged site).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import get_relative_url

from ..core import access, i18n, parallel, timings
from ..core.errors import EngagementError
from ..core.i18n import Translator
from ..core.models import VISIBILITY_LABELS, Level
from ..core.pages import PageSource, url
from ..core.redact import audience_from
from ..load import loader
from ..load.warnings import contract_problems
from ..protect import crypto, vault
from ..render import locked as protect
from ..render.engagement import render_engagement_list, render_view_switcher
from ..render.portal import Portal, build_portal, today
from . import hygiene, preview, replay, scripts
from .origins import foreign_css_resources, foreign_resources
from .staging import Staging

TODAY_ENV = "COACHPORTAL_TODAY"
log = get_plugin_logger(__name__)  # messages read "coachportal: ..."

ASSETS = Path(__file__).parents[1] / "assets"
ASSET_DIR = "coachportal"  # where assets land in site/
CSS = ("portal.css", "coachportal.css", "unlock.css")
JS = (scripts.MODULE, scripts.PROGRAMME, "print.js")
PORTFOLIO = f"{ASSET_DIR}/portfolio.json"
HOME_MARKER = "<!-- coachportal:engagements -->"
# What an engagement page holds between on_page_content and on_env (where it is encrypted).
LOCKED_PENDING = '<div class="coachportal-locked"></div>'
# Where the home page's portfolio goes, until on_env has made the keys that encrypt it.
PORTFOLIO_PENDING = '<div class="coachportal-portfolio-pending"></div>'
# The theme's and the plugin's own folders, and the folders of the views beyond the first.
RESERVED_IDS = frozenset({ASSET_DIR, "assets", "search", *Level.names()})


class _Minutes(c.Type):
    """A number of minutes, 0 or more (fractions allowed)."""

    def __init__(self, default: float) -> None:
        super().__init__((int, float), default=default)

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValidationError(f"expected a number of minutes, 0 or more, got {value!r}")
        return value


@dataclass
class _Sealing:
    """An engagement page's content, waiting in memory to be padded and encrypted."""

    page: Page
    key: str  # the content key: one per engagement and view (PageSource.key)
    slug: str  # the page's kind (pages.ENGAGEMENT_PAGES): pages of one kind share a size
    html: str = field(repr=False)


@dataclass
class _Locking:
    """What on_env needs to make the build's keys: checked in on_pre_build, derived meanwhile."""

    keys: dict[str, list[str]]  # content key -> readers it is wrapped for
    portfolio_readers: dict[str, list[str]]
    summaries: dict[str, dict[str, str]] = field(repr=False)
    passphrases: dict[str, str] = field(repr=False)
    derivations: crypto.Derivations | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.derivations is not None:
            self.derivations.close()


class ReaderConfig(base.Config):
    """A person who may unlock engagements: `readers: {id: {name: ..., level: ...}}`."""

    name = c.Type(str)
    # The most private view this reader may open: a sponsor's passphrase never
    # unlocks a client or coach portal.
    level = c.Choice(Level.names(), default="sponsor")
    email = c.Optional(c.Type(str))  # the To: line of `coachportal digest`


class Iterations(c.Type):
    """PBKDF2 iterations: never below what DESIGN promises, never above what unlock.js accepts."""

    def __init__(self) -> None:
        super().__init__(int, default=crypto.MIN_ITERATIONS)

    def run_validation(self, value: object) -> int:
        value = super().run_validation(value)
        low, high = crypto.MIN_ITERATIONS, crypto.MAX_ITERATIONS
        if not low <= value <= high:
            raise ValidationError(f"expected {low:,} to {high:,} PBKDF2 iterations, got {value:,}")
        return value


class CoachPortalConfig(base.Config):
    # `enabled: false` (MkDocs' own, for every plugin) builds the same mkdocs.yml without us.
    engagements_dir = c.Dir(exists=True, default="engagements")  # relative to mkdocs.yml
    audience = c.Choice(Level.names(), default="sponsor")
    # Several views in one build, e.g. [sponsor, client]: each under its own content keys,
    # wrapped only for readers of at least that level. Default: the single `audience`.
    views = c.Optional(c.ListOfItems(c.Choice(Level.names())))
    encryption = c.Type(bool, default=True)
    readers = c.DictOfItems(c.SubConfig(ReaderConfig), default={})
    iterations = Iterations()
    # Unlocked keys are forgotten after this many minutes without activity (0: never).
    idle_lock_minutes = _Minutes(default=30)
    # The portal's language (en, de, fr, es, nl); by default theme.language.
    language = c.Optional(c.Type(str))
    # A pinned "today" (the demo: always mid-stream); COACHPORTAL_TODAY still wins.
    today = c.Optional(c.Type(dt.date))


class CoachPortalPlugin(BasePlugin[CoachPortalConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.portal = Portal.empty()
        self.problems = ""  # preview only: the panel listing a broken file's problems
        self.vault: vault.Vault | None = None
        self.locking: _Locking | None = None  # an encrypted build, from on_pre_build to on_env
        self.workers: parallel.Workers | None = None  # rendering pages, from on_pre_build to on_env
        self.portfolio_json: str | None = None
        self.home: Page | None = None  # an encrypted build's home page, waiting for its portfolio
        self.local_navs: dict[str, Navigation] = {}
        self.staging: Staging | None = None
        self.published = False
        self.t: Translator = i18n.english()
        self.serving = False  # set by on_serve: later rebuilds write into the served directory
        self.sealing: list[_Sealing] = []  # engagement pages waiting for on_env to encrypt them
        self.scanned_kinds: set[str] = set()  # kinds of generated page already scanned (_scan)
        self.mkdocs_config: MkDocsConfig | None = None
        self.started = time.perf_counter()
        # Preview only: finished engagement pages, kept from one `mkdocs serve` rebuild to the next.
        self.replay = replay.Replay()
        self.fingerprints: dict[str, str] = {}  # content key -> its pages' digest, this build
        self.replayed: set[str] = set()  # content keys whose pages this build keeps as they are

    # --- lifecycle ------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    @property
    def previewing(self) -> bool:
        # Only what MkDocs reports: `mkdocs serve` (and `serve --dirty`) report "serve".
        # `mkdocs serve --clean` reports "build" and is therefore an encrypted build; the
        # site directory's name is never a reason to publish plaintext.
        return self.command == "serve"

    @property
    def encrypting(self) -> bool:
        return self.config.encryption and not self.previewing

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        parallel.gc_thaw()  # a `mkdocs serve` rebuild: the last build's engagements may go
        timings.reset()
        self.started = time.perf_counter()
        self._drop_locking()
        self._close_workers()
        self.portal, self.vault, self.portfolio_json, self.home = Portal.empty(), None, None, None
        self.problems = ""
        self.local_navs, self.published, self.sealing = {}, False, []
        self.scanned_kinds: set[str] = set()
        self._private_by_default(config)
        self.t = self._translator(config)
        config.extra_css = [*(f"{ASSET_DIR}/{name}" for name in CSS), *config.extra_css]
        ours = [*scripts.extra_scripts(ASSET_DIR), f"{ASSET_DIR}/print.js"]
        config.extra_javascript = [*ours, *config.extra_javascript]
        if self.command in ("build", "gh-deploy") and not self.serving:
            self._stage(config)
        if not self.config.encryption:
            log.warning("encryption is off (encryption: false); engagement pages are PLAINTEXT")
        elif self.previewing:
            log.warning("preview (mkdocs serve): engagement pages are not encrypted")
        return config

    def _translator(self, config: MkDocsConfig) -> Translator:
        """The plugin's ``language`` option, else ``theme.language``; English when unsupported."""
        language, warning = i18n.choose(self.config.language, config.theme.get("language"))
        if warning:
            log.warning(warning)
        return i18n.translator(language)

    def _private_by_default(self, config: MkDocsConfig) -> None:
        """No request to another origin: web fonts, analytics and CDN scripts go off."""
        theme = config.theme
        if theme.name == "material" and theme.get("font") is not False:
            log.info("turning off the theme's Google Fonts (no third-party requests)")
            theme["font"] = False
        if theme.get("highlightjs"):  # the mkdocs and readthedocs themes load it from a CDN
            log.info("turning off the theme's highlight.js from a CDN (no third-party requests)")
            theme["highlightjs"] = False
        if config.repo_url:
            log.info(
                "turning off the theme's repository statistics (a request to the"
                " GitHub/GitLab API); the repository link stays"
            )
        if config.extra.get("analytics"):
            log.warning("removing extra.analytics (a private portal sends nothing to others)")
            del config.extra["analytics"]

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        directory = Path(self.config.engagements_dir)
        loader.use_cache_dir(cache_dir(os.environ.get(CACHE_ENV), config.config_file_path, config.site_dir))
        # Workers first: they are forked, which is safe only before the derivation threads start.
        uncached = loader.uncached(loader.engagement_files(directory) if directory.is_dir() else [])
        workers = self._workers(uncached)
        derivations = self._start_key_derivation(config) if self.encrypting else None
        try:
            views = self._views()
            readers = set(self.config.readers) if self.encrypting else None
            # What a `mkdocs serve` rebuild reuses is kept only when one may come; a build
            # that keeps nothing goes on while the workers render (closed in on_env).
            reuse = self.previewing or self.serving
            self.workers = workers
            try:
                with parallel.gc_paused(uncached):
                    self.portal = build_portal(
                        directory, views, self._today(), readers, self.t, workers, reuse, defer=not reuse
                    )
            except BaseException:
                self._close_workers()
                if derivations is not None:
                    derivations.close()  # no key is needed: drop the derivations not started
                raise
            if self.portal.rendering is None:
                self._close_workers()
        except EngagementError as exc:
            if not self.previewing:
                raise PluginError(str(exc)) from None
            log.error(str(exc))  # the terminal keeps it too
            self.portal, self.problems = preview.last_good(directory), preview.error_panel(exc, self.t)
            self._set_aside_unchanged(config)
            return
        except ValueError as exc:
            raise PluginError(f"coachportal: {exc}") from None
        names = ", ".join(v.label for v in self.portal.views)
        log.info(
            f"{len(self.portal.engagements)} engagement(s), {names} view{'s' if len(views) > 1 else ''}"
            + (", encrypted" if self.encrypting else "")
        )
        # Info, not warning: under --strict (the deploy workflow) an extra session must not stop a deploy.
        for problem in contract_problems(loader.engagement_files(directory), self.portal.engagements):
            log.info(f"warning: {problem}")
        if Level.COACH in self.portal.views and len(self.portal.views) > 1 and self.encrypting:
            log.warning("publishing the coach view (interview and session notes) for coach-level readers")
        if self.previewing:
            preview.remember(directory, self.portal)
            self._set_aside_unchanged(config)  # before MkDocs empties the site
        if self.encrypting:
            try:
                self.locking = self._check_access(config, derivations)
            except BaseException:
                if derivations is not None:
                    derivations.close()
                raise

    def _workers(self, uncached: int) -> parallel.Workers:
        """Worker processes for a build with many files to load (none for a serve rebuild,
        which loads only the files that changed)."""
        try:
            count = parallel.worker_count(uncached)
        except ValueError as exc:
            raise PluginError(f"coachportal: {exc}") from None
        return parallel.Workers(count)

    def _views(self) -> list[Level]:
        """The views this build writes: COACHPORTAL_AUDIENCE (one), else `views`, else `audience`."""
        if os.environ.get("COACHPORTAL_AUDIENCE", "").strip() or not self.config.views:
            return [audience_from(self.config.audience, os.environ)]
        return sorted({Level.parse(v) for v in self.config.views})

    def _start_key_derivation(self, config: MkDocsConfig) -> crypto.Derivations:
        """Start deriving every declared reader's key now, while the engagements load."""
        base_dir = Path(config.config_file_path or ".").parent
        derivations = crypto.Derivations(crypto.new_salt(), self.config.iterations)
        derivations.start(access.declared_passphrases(self.config.readers, os.environ, base_dir=base_dir))
        return derivations

    def _check_access(self, config: MkDocsConfig, derivations: crypto.Derivations | None) -> _Locking:
        """Every reader and passphrase checked now (fails closed before any page is built);
        the keys are made in on_env, so that key derivation runs beside MkDocs' own work."""
        try:
            with timings.step("readers"):
                passphrases = access.resolve_passphrases(
                    self.config.readers,
                    self.portal.engagements,
                    os.environ,
                    base_dir=Path(config.config_file_path or ".").parent,
                    site_name=config.site_name,
                    audience=self.portal.audience,
                )
        except (access.AccessError, ValueError) as exc:
            raise PluginError(str(exc)) from None
        keys, portfolio_readers, summaries = self._keys(config)
        return _Locking(keys, portfolio_readers, summaries, passphrases, derivations)

    def _close_workers(self) -> None:
        if self.workers is not None:
            self.workers.close()
            self.workers = None

    def _drop_locking(self) -> None:
        """A build that stops before on_env: the derivations not started are dropped."""
        if self.locking is not None:
            self.locking.close()
            self.locking = None

    def _lock(self) -> vault.Vault:
        """The build's vault: waits for the keys still being derived."""
        locking, self.locking = self.locking, None
        assert locking is not None
        try:
            made = vault.Vault.create(
                locking.keys,
                locking.passphrases,
                iterations=self.config.iterations,
                derivations=locking.derivations,
            )
        except (access.AccessError, ValueError) as exc:
            raise PluginError(str(exc)) from None
        finally:
            locking.close()
        self.portfolio_json = made.portfolio(locking.summaries, locking.portfolio_readers)
        return made

    def _keys(self, config: MkDocsConfig) -> tuple[dict, dict, dict]:
        """Per (engagement, view): its readers, who finds it in their portfolio, its summary."""
        readers, views = self.config.readers, self.portal.views
        keys: dict[str, list[str]] = {}
        portfolio: dict[str, list[str]] = {}
        for view in views:
            prefix = self.portal.prefix(view)
            for e in self.portal.engagements_of(view):
                key = prefix + e.id
                keys[key] = access.view_readers(e, view, readers)
                levels = {r: access.reader_level(readers[r]) or Level.SPONSOR for r in keys[key]}
                portfolio[key] = [r for r in keys[key] if access.top_view(levels[r], views) == view]
        return keys, portfolio, self.portal.summaries(config.use_directory_urls, self.t)

    # --- files and navigation ---------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self._refuse_collisions(files)
        for page in self.portal.pages:
            if page.key in self.replayed:
                continue
            # A stub: on_page_content replaces its (empty) HTML with the page's own, so
            # engagement text never meets the site's Markdown extensions.
            stub = f"---\ntitle: {page.title}\nsearch:\n  exclude: true\nhide:\n  - toc\n---\n"
            files.append(
                File.generated(config, page.src_uri, content=stub, inclusion=InclusionLevel.NOT_IN_NAV)
            )
        for name in (*CSS, *JS):
            files.append(File.generated(config, f"{ASSET_DIR}/{name}", abs_src_path=str(ASSETS / name)))
        classic = scripts.classic_copy((ASSETS / scripts.MODULE).read_text(encoding="utf-8"))
        files.append(File.generated(config, f"{ASSET_DIR}/{scripts.CLASSIC}", content=classic))
        files.append(File.generated(config, "robots.txt", content=hygiene.ROBOTS_TXT))
        return files

    def _today(self) -> dt.date:
        return self.config.today if self.config.today and TODAY_ENV not in os.environ else today()

    def _set_aside_unchanged(self, config: MkDocsConfig) -> None:
        """Preview only: the engagements whose pages are unchanged since the last rebuild
        keep the pages they have in the site; MkDocs builds only the others."""
        self.fingerprints, self.replayed = {}, set()
        if not self.previewing:
            return
        by_key: dict[str, list[str]] = {}
        for source in self.portal.pages:
            by_key.setdefault(source.key, []).append(self.portal.html_of(source))
        self.fingerprints = {key: replay.fingerprint(pages) for key, pages in by_key.items()}
        watched = [config.config_file_path or "", config.docs_dir, *config.theme.dirs]
        views = ",".join(f"{v.label}:{self.portal.prefix(v)}" for v in self.portal.views)
        self.replay.begin(replay.site_stamp(watched, self.problems, self.t.language, views, config.site_dir))
        self.replayed = self.replay.set_aside(config.site_dir, self.fingerprints)
        if self.serving:  # a rebuild: say how much of it was skipped
            log.info(
                f"preview: rebuilding the pages of {len(self.fingerprints) - len(self.replayed)}"
                f" engagement(s) (per view); {len(self.replayed)} unchanged, kept as last built"
            )

    def _refuse_collisions(self, files: Files) -> None:
        """An engagement id owns its directory: a hand-written page there would be
        published unencrypted, and one with the same path would be replaced."""
        ids = {e.id for e in self.portal.engagements}
        problems = [
            f"coachportal: engagement id {i!r} is reserved for the portal's own files (choose another id)"
            for i in sorted(ids & RESERVED_IDS)
        ]
        problems += [
            f"coachportal: docs_dir file {f.src_uri!r} lies where engagement {f.src_uri.split('/')[0]!r}"
            " is published (move the file or rename the engagement)"
            for f in files
            if f.src_uri.split("/")[0] in ids and "/" in f.src_uri
        ]
        # `content/<id>.md` is published at `<id>/` (or `<id>.html`), the engagement's overview.
        problems += [
            f"coachportal: docs_dir file {f.src_uri!r} has the name of engagement"
            f" {f.src_uri.split('.')[0]!r}, whose pages are published there"
            " (rename the file or the engagement)"
            for f in files
            if "/" not in f.src_uri and f.src_uri.split(".")[0] in ids
        ]
        if problems:
            raise PluginError("\n".join(problems))

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Each engagement page gets a navigation of its own engagement's pages only."""
        by_engagement: dict[str, list[Page]] = {}  # per engagement and view
        for source in self.portal.pages:  # in ENGAGEMENT_PAGES order
            file = files.get_file_from_path(source.src_uri)
            if file is not None and file.page is not None:  # on_files added every one
                by_engagement.setdefault(source.key, []).append(file.page)
        for pages in by_engagement.values():
            for before, after in zip(pages, pages[1:], strict=False):
                before.next_page, after.previous_page = after, before
            home = Link(self.t("← All my engagements"), (nav.homepage.url if nav.homepage else "") or "./")
            local = Navigation([home, *pages], pages)
            local.homepage = nav.homepage
            for page in pages:
                self.local_navs[page.file.src_uri] = local
        return nav

    # --- pages ------------------------------------------------------------------

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.is_homepage:
            self.home = page
            return self._home(html, config)
        source = self.portal.page_of(page.file.src_uri)
        if source is None:
            return html
        # Headings are engagement content: keep them out of the TOC and skip link,
        # which the theme renders outside the (encrypted) page body.
        page.toc = TableOfContents([])
        ours = self.portal.html_of(source)  # the stub's own HTML is empty
        if self.locking is not None:
            # Encrypted in on_env, when the largest page of each kind is known; until then
            # the page holds nothing (no other plugin ever sees its plaintext).
            self.sealing.append(_Sealing(page, source.key, source.slug, ours))
            return LOCKED_PENDING
        if self.previewing and self.config.encryption:
            return self._preview_banner() + self._view_switcher(source, page, config) + ours
        return ours

    def _view_switcher(self, source: PageSource, page: Page, config: MkDocsConfig) -> str:
        """Preview only: the same page in every other view, to check what each reader sees."""
        if len(self.portal.views) < 2:
            return ""
        links = [
            (
                view.label,
                url(source.engagement_id, source.slug, config.use_directory_urls, self.portal.prefix(view)),
            )
            for view in self.portal.views
        ]

        def relative(target: str) -> str:
            return get_relative_url(target, page.url)

        return render_view_switcher(links, source.level, relative, self.t)

    def _home(self, html: str, config: MkDocsConfig) -> str:
        """The home page gets the reader's way in: the portfolio, or a plain list where
        that is safe. It goes where the page says `<!-- coachportal:engagements -->`,
        else at the end."""
        if self.encrypting:
            # Every audience, the coach's too: a plaintext list would tell the host
            # (and every visitor) which engagements exist. Embedded, so the list also
            # works from file://; the same data is in PORTFOLIO. Filled in by on_env,
            # once the keys are made.
            block = PORTFOLIO_PENDING
        elif self.previewing or self.portal.audience == Level.COACH:
            block = render_engagement_list(
                list(self.portal.engagements), lambda i: url(i, "", config.use_directory_urls), self.t
            )
            if HOME_MARKER not in html:
                heading = escape(self.t("Engagements"))
                block = f'<h2 id="engagements">{heading}</h2>\n' + block
            if self.previewing:
                block = self._preview_banner() + block
        else:
            return html
        if HOME_MARKER in html:
            return html.replace(HOME_MARKER, block, 1)
        return html + "\n" + block

    def _preview_banner(self) -> str:
        banner = escape(self.t("Preview — not encrypted"))
        return f'<p class="coachportal-preview">{banner}</p>\n'

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Encrypt every engagement page, padded to the same size as every page of its kind.

        Why here: MkDocs renders the content of every page (on_page_content) before it
        writes any (after on_env), so this is the first moment the largest page of each
        kind is known, and still early enough that the theme wraps the ciphertext. The
        plaintext never leaves memory: no placeholder files, no second pass over site/.
        """
        self._close_workers()  # every page's HTML has come (on_page_content took it)
        if self.locking is None:  # unencrypted: on_page_content sealed nothing
            return env
        self.vault = self._lock()
        if self.home is not None and self.home.content:
            element = protect.portfolio_element(self.portfolio_json, self.t)
            self.home.content = self.home.content.replace(PORTFOLIO_PENDING, element, 1)
        sizes: dict[str, int] = {}
        for item in self.sealing:
            sizes[item.slug] = max(sizes.get(item.slug, 0), vault.byte_size(item.html))
        with timings.step("encrypt"):
            for item in self.sealing:
                size = vault.padded_size(sizes[item.slug])
                item.page.content = self.vault.encrypt_page(item.key, item.page.url, item.html, size, self.t)
        self.sealing = []
        return env

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        local = self.local_navs.get(page.file.src_uri)
        if local is not None:
            context["nav"] = local
        return context

    @event_priority(-100)  # last: the CSP hashes the inline scripts of the final HTML
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        source = self.portal.page_of(page.file.src_uri)
        view = Level.parse(source.level) if source else None
        with timings.step("page hygiene"):
            return self._every_html_page(
                output, config, f"page {page.file.src_uri!r}", view, self._scan(page)
            )

    def _scan(self, page: Page) -> bool:
        """Whether to look for loads from other origins in this page. Every hand-written page;
        of the generated pages, the first of each kind: the rest differ from it only by what
        our templates wrote (ciphertext, titles, their own links), while the theme and its
        overrides — what a user wrote — wrap each the same way."""
        source = self.portal.page_of(page.file.src_uri)
        if source is None:
            return True
        if source.slug in self.scanned_kinds:
            return False
        self.scanned_kinds.add(source.slug)
        return True

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "sitemap.xml":
            return hygiene.filter_sitemap(output_content, self._engagement_urls(), config.site_url)
        if template_name.endswith(".html"):
            return self._every_html_page(output_content, config, f"template {template_name!r}")
        return output_content

    def _every_html_page(
        self, output: str, config: MkDocsConfig, where: str, view: Level | None = None, scan: bool = True
    ) -> str:
        """noindex, a Content-Security-Policy, no repository API call, and a small note of
        which view a page belongs to, even on locked pages (on every page of a one-view portal)."""
        if view is None and len(self.portal.views) == 1:
            view = self.portal.audience
        if view is not None:
            t = self.t
            label = t.label(VISIBILITY_LABELS, view.label)
            title = escape(t("What this page shows: the {view}", view=label), quote=True)
            note = f'<div class="coachportal-view" title="{title}">{escape(label)}</div>'
            marker = '<div class="md-footer-meta__inner md-grid">'
            if marker in output:
                output = output.replace(marker, marker + note, 1)
            else:
                output = output.replace("</body>", note + "</body>", 1)
        foreign = foreign_resources(output, config.site_url) if scan else []
        if foreign:
            raise PluginError(
                f"coachportal: {where} would load from another origin (a private portal loads nothing"
                f" from third parties): {', '.join(sorted(set(foreign)))}"
            )
        if self.problems:
            output = preview.with_panel(output, self.problems)
        idle = f'<meta name="coachportal:idle-lock-minutes" content="{self.config.idle_lock_minutes:g}">'
        idle += protect.strings_element(self.t)
        output = hygiene.without_repository_stats(hygiene.add_noindex(output))
        output = output.replace(hygiene.ROBOTS_META, hygiene.ROBOTS_META + idle, 1)
        if self.previewing:
            # The local preview only: MkDocs injects its live-reload script into every page
            # as it serves it, which the policy would block.
            return output
        return hygiene.add_csp(output)

    def _engagement_urls(self) -> list[str]:
        """Where engagement pages live: the first view's <id>/, every other view's folder."""
        others = [self.portal.prefix(v) for v in self.portal.views[1:]]
        return [f"{e.id}/" for e in self.portal.engagements] + others

    # --- after the build ----------------------------------------------------------

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        index = site / "search" / "search_index.json"
        if index.exists():
            text = index.read_text(encoding="utf-8")
            index.write_text(hygiene.filter_search_index(text, self._engagement_urls()), encoding="utf-8")
        self._refuse_foreign_stylesheets(site, config)
        if self.portfolio_json is not None:
            portfolio = site / PORTFOLIO
            portfolio.parent.mkdir(parents=True, exist_ok=True)
            portfolio.write_text(self.portfolio_json, encoding="utf-8")
        if self.fingerprints:  # preview
            self.replay.put_back(config.site_dir, self.fingerprints, self.replayed)
        self.published = True
        timings.add("build", time.perf_counter() - self.started)
        log.debug(f"seconds per step: {timings.summary()}")
        timings.write()

    def _refuse_foreign_stylesheets(self, site: Path, config: MkDocsConfig) -> None:
        """A stylesheet that @imports a web font (or any url() elsewhere) fails the build:
        the CSP would block it anyway, leaving a page that looks broken for no clear reason."""
        problems = [
            f"coachportal: stylesheet {css.relative_to(site).as_posix()!r} would load from another"
            f" origin (a private portal loads nothing from third parties): {', '.join(foreign)}"
            for css in sorted(site.rglob("*.css"))
            if (foreign := foreign_css_resources(_text(css), config.site_url))
        ]
        if problems:
            raise PluginError("\n".join(problems))

    def on_build_error(self, *, error: Exception) -> None:
        self.published = False
        self._close_workers()
        self._drop_locking()
        if self.staging is not None:
            self._unstage(publish=False)
            log.error("build failed; the previous site was left untouched")

    def on_shutdown(self) -> None:
        parallel.gc_thaw()
        # Not in on_post_build: MkDocs' --strict check runs after it, and a build it fails
        # must not be published.
        if self.staging is not None:
            self._unstage(publish=self.published)

    # --- staging ----------------------------------------------------------------------

    def _stage(self, config: MkDocsConfig) -> None:
        """Build into a staging directory of this build's own, holding the site's lock until
        the swap: a failed build leaves the previous site untouched, and two builds at once
        leave one complete site."""
        site_dir = Path(config.site_dir)

        def waiting() -> None:
            log.info(f"another build of {site_dir} is running; waiting for it to finish")

        self.staging = Staging.open(site_dir, on_wait=waiting)
        self.mkdocs_config = config
        config.site_dir = str(self.staging.path)

    def _unstage(self, *, publish: bool) -> None:
        assert self.staging is not None
        staging, self.staging = self.staging, None
        if publish:
            staging.publish()
            log.info(f"published the new site to {staging.site_dir}")
        else:
            staging.discard()
        if self.mkdocs_config is not None:
            # `mkdocs gh-deploy` deploys config.site_dir after on_shutdown: the published site.
            self.mkdocs_config.site_dir = str(staging.site_dir)

    # --- preview --------------------------------------------------------------------

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.config.engagements_dir)
        if self.staging is not None:
            # `mkdocs serve --clean` reports "build": its first build was staged (and
            # encrypted). Swap it into the served directory now; rebuilds write there.
            self._unstage(publish=self.published)
        self.serving = True
        return server


CACHE_ENV = "COACHPORTAL_CACHE_DIR"


def cache_dir(setting: str | None, config_file: str | None, site_dir: str) -> Path | None:
    """Where parsed files are kept across builds: ``$COACHPORTAL_CACHE_DIR`` (relative to
    mkdocs.yml, e.g. ``.cache/coachportal``); none when unset, or inside the site."""
    if not setting:
        return None
    directory = (Path(config_file or ".").parent / Path(setting).expanduser()).resolve()
    if directory.is_relative_to(Path(site_dir).resolve()):
        log.warning(f"{CACHE_ENV} lies inside the site directory: not used")
        return None
    return directory


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


__all__ = ["CoachPortalPlugin", "CoachPortalConfig"]
