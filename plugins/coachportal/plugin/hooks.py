"""The MkDocs plugin: each hook hands its work to the module that owns it.

Order of a build: on_config (settings, privacy defaults, staging) -> on_pre_build (load,
validate, redact, render; readers checked; fail before MkDocs cleans site/) -> on_files
(generated pages and assets) -> on_nav (per-engagement navigation) -> per page: content
(held compressed for encryption) -> on_env (the vault; each page kind's size) -> per page:
context (local nav; encrypt the page), post_page (noindex, CSP; forget the ciphertext) ->
on_post_build (search index, portfolio) -> on_shutdown (publish the staged site).

A build's state is one :class:`state.Build`, new in every on_config; what outlives a build
(`mkdocs serve` reuses it: MkDocs keeps a plugin with on_startup between rebuilds) is the
:class:`PortalBuilder`, the last portal that loaded and the preview's replay.
"""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.utils import get_relative_url

from ..core import i18n, parallel
from ..core.clock import today
from ..core.errors import EngagementError
from ..core.i18n import Translator
from ..core.log import get_logger, prefixed
from ..core.models import Level
from ..core.redact import audience_from
from ..derive.warnings import contract_problems, unusual_problems
from ..protect.crypto import compress_page
from ..render import locked
from ..render.portal import Portal, PortalBuilder
from . import locking, navigation, others, preview, replay, scripts
from .collisions import ASSET_DIR, collisions
from .config import CACHE_ENV, CoachPortalConfig, ReaderConfig, cache_dir
from .finish import finish_page, refuse_foreign_stylesheets
from .home import PORTFOLIO_PENDING, home_content, make_room_for_the_dashboard, preview_banner, view_switcher
from .hygiene import ROBOTS_META, filter_search_index, filter_sitemap
from .staging import Staging
from .state import Build

log = get_logger(__name__)

# What an engagement page holds, but when MkDocs renders its template (encrypted then).
LOCKED_PENDING = '<div class="coachportal-locked"></div>'


class CoachPortalPlugin(BasePlugin[CoachPortalConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.serving = False  # set by on_serve: later rebuilds write into the served directory
        self.build = Build()
        # Kept for the plugin's lifetime: what a `mkdocs serve` rebuild reuses, the last
        # portal that loaded (shown while a file is broken), the finished pages it keeps.
        self.builder = PortalBuilder()
        self.last_good: dict[Path, Portal] = {}
        self.replay = replay.Replay()

    @property
    def portal(self) -> Portal:
        return self.build.portal

    @property
    def t(self) -> Translator:
        return self.build.t

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
        self.build.close()
        self.build = Build(t=self._translator(config))
        if unsafe := others.unsafe_plugins(dict(config.plugins)):
            raise PluginError("\n".join(unsafe))
        self._private_by_default(config)
        navigation.add_assets_to(config)
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
        build, directory = self.build, Path(self.config.engagements_dir)
        self.builder.use_cache_dir(
            cache_dir(os.environ.get(CACHE_ENV), config.config_file_path, config.site_dir)
        )
        uncached = self.builder.uncached(directory)
        with ExitStack() as on_error:  # whatever this build started stops if it fails here
            # Workers first: they are forked, which is safe only before the derivation threads start.
            build.workers = self._workers(uncached)
            on_error.callback(build.close_workers)
            derivations = None
            if self.encrypting:
                base_dir = Path(config.config_file_path or ".").parent
                readers, iterations = self.config.readers, self.config.iterations
                derivations = locking.start_derivation(readers, iterations, base_dir, build.timings)
                on_error.callback(derivations.close)  # no key is needed: drop those not started
            try:
                with parallel.gc_paused(uncached):
                    build.portal = self._build_portal(directory)
            except EngagementError as exc:
                if not self.previewing:
                    raise PluginError(str(exc)) from None
                log.error(str(exc))  # the terminal keeps it too
                build.portal = self.last_good.get(directory.resolve(), Portal.empty())
                build.problems = preview.error_panel(exc, build.t)
                self._set_aside_unchanged(config)
                return
            self._say_what_is_built()
            if self.previewing:
                self.last_good[directory.resolve()] = build.portal
                self._set_aside_unchanged(config)  # before MkDocs empties the site
            if self.encrypting:
                build.locking = locking.check_access(
                    self.config.readers,
                    build.portal,
                    base_dir=Path(config.config_file_path or ".").parent,
                    site_name=config.site_name,
                    demo=self.config.demo,
                    directory_urls=config.use_directory_urls,
                    derivations=derivations,
                    t=build.t,
                    timings=build.timings,
                )
            on_error.pop_all()
        if build.portal.rendering is None:
            build.close_workers()

    def _build_portal(self, directory: Path) -> Portal:
        # What a `mkdocs serve` rebuild reuses is kept only when one may come; a build
        # that keeps nothing goes on while the workers render (closed in on_env).
        reuse = self.previewing or self.serving
        readers = set(self.config.readers) if self.encrypting else None
        assert self.build.workers is not None
        try:
            views = self._views()
        except ValueError as exc:
            raise PluginError(prefixed(str(exc))) from None
        return self.builder.build(
            directory,
            views,
            today(self.config.today),
            readers,
            self.t,
            self.build.workers,
            reuse,
            not reuse,
            self.build.timings,
            compress_page if self.encrypting else None,
        )

    def _say_what_is_built(self) -> None:
        views = self.portal.views
        names = ", ".join(v.label for v in views)
        log.info(
            f"{len(self.portal.engagements)} engagement(s), {names} view{'s' if len(views) > 1 else ''}"
            + (", encrypted" if self.encrypting else "")
        )
        if Level.COACH in views and len(views) > 1 and self.encrypting:
            log.warning("publishing the coach view (interview and session notes) for coach-level readers")
        # Info, not warning: under --strict (the deploy workflow) an extra session must not stop a deploy.
        parses, sources = self.builder.loader.parses, self.portal.sources
        on = self.portal.today or today(self.config.today)
        for problem in [*unusual_problems(sources, on, parses), *contract_problems(sources, parses)]:
            log.info(f"warning: {problem}")

    def _workers(self, uncached: int) -> parallel.Workers:
        """Worker processes for a build with many files to load (none for a serve rebuild,
        which loads only the files that changed)."""
        try:
            return parallel.Workers(parallel.worker_count(uncached))
        except ValueError as exc:
            raise PluginError(prefixed(str(exc))) from None

    def _views(self) -> list[Level]:
        """The views this build writes: COACHPORTAL_AUDIENCE (one), else `views`, else `audience`."""
        if os.environ.get("COACHPORTAL_AUDIENCE", "").strip() or not self.config.views:
            return [audience_from(self.config.audience, os.environ)]
        return sorted({Level.parse(v) for v in self.config.views})

    def _set_aside_unchanged(self, config: MkDocsConfig) -> None:
        """Preview only: the engagements whose pages are unchanged since the last rebuild
        keep the pages they have in the site; MkDocs builds only the others."""
        build = self.build
        build.fingerprints, build.replayed = {}, set()
        if not self.previewing:
            return
        by_key: dict[str, list[str]] = {}
        for source in self.portal.pages:
            by_key.setdefault(source.key, []).append(self.portal.html_of(source))
        build.fingerprints = {key: replay.fingerprint(pages) for key, pages in by_key.items()}
        watched = [config.config_file_path or "", config.docs_dir, *config.theme.dirs]
        views = ",".join(f"{v.label}:{self.portal.prefix(v)}" for v in self.portal.views)
        self.replay.begin(replay.site_stamp(watched, build.problems, self.t.language, views, config.site_dir))
        build.replayed = self.replay.set_aside(config.site_dir, build.fingerprints)
        if self.serving:  # a rebuild: say how much of it was skipped
            log.info(
                f"preview: rebuilding the pages of {len(build.fingerprints) - len(build.replayed)}"
                f" engagement(s) (per view); {len(build.replayed)} unchanged, kept as last built"
            )

    # --- files and navigation ---------------------------------------------------

    # After mkdocs-static-i18n (-100), which rebuilds every file from a source file in docs_dir:
    # generated pages have none.
    @event_priority(-110)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        portal = self.portal
        problems = collisions(
            {e.id for e in portal.engagements},
            (f.src_uri for f in files),
            [portal.prefix(v) for v in portal.views],
            (p.src_uri for p in portal.pages),
        )
        if problems:
            raise PluginError(prefixed(*problems))
        navigation.add_files(files, self.portal, self.build.replayed, config)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Each engagement page gets a navigation of its own engagement's pages only."""
        self.build.local_navs = navigation.local_navs(self.portal, nav, files, self.t)
        return nav

    # --- pages ------------------------------------------------------------------

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        build = self.build
        if page.is_homepage:
            build.home = page
            if self.encrypting:
                make_room_for_the_dashboard(page.meta)
            return home_content(
                html,
                self.portal,
                encrypting=self.encrypting,
                previewing=self.previewing,
                directory_urls=config.use_directory_urls,
                t=self.t,
            )
        source = self.portal.page_of(page.file.src_uri)
        if source is None:
            return html
        # Headings are engagement content: keep them out of the TOC and skip link,
        # which the theme renders outside the (encrypted) page body.
        page.toc = TableOfContents([])
        if build.locking is not None:
            # Held compressed (the workers compressed it) and encrypted when MkDocs writes
            # the page, once the largest page of each kind is known; until then the page
            # holds nothing (no other plugin ever sees its plaintext).
            build.sealing.hold(page.file.src_uri, source.key, source.slug, self.portal.body_of(source))
            return LOCKED_PENDING
        ours = self.portal.html_of(source)  # the stub's own HTML is empty
        if self.previewing and self.config.encryption:
            switcher = view_switcher(
                self.portal,
                source,
                lambda target: get_relative_url(target, page.url),
                config.use_directory_urls,
                self.t,
            )
            return preview_banner(self.t) + switcher + ours
        return ours

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """The build's keys, and the size every engagement page of a kind is padded to.

        Why here: MkDocs renders the content of every page (on_page_content) before it
        writes any (after on_env), so this is the first moment the largest page of each
        kind is known. Each page is encrypted when MkDocs writes it (on_page_context), so
        that the theme wraps the ciphertext and memory holds one page's at a time. The
        plaintext never leaves memory: no placeholder files, no second pass over site/.
        """
        build = self.build
        build.close_workers()  # every page's HTML has come (on_page_content took it)
        if build.locking is None:  # unencrypted: on_page_content sealed nothing
            return env
        held, build.locking = build.locking, None
        build.vault, build.portfolio_files = locking.open_vault(held, self.config.iterations, build.timings)
        if build.home is not None and build.home.content:
            # in the content, so that instant navigation to the home page (at the site's root) brings them
            own = scripts.home_links(f"{ASSET_DIR}/")
            element = own + locked.portfolio_element(build.vault.portfolio_locator(), self.t)
            build.home.content = build.home.content.replace(PORTFOLIO_PENDING, element, 1)
        build.sealing.start()
        return env

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        build = self.build
        local = build.local_navs.get(page.file.src_uri)
        if local is not None:
            context["nav"] = local
        if build.vault is not None:
            sealed = build.sealing.seal(page.file.src_uri, page.url, build.vault, self.t, build.timings)
            if sealed is not None:
                page.content = sealed
        return context

    @event_priority(-100)  # last: the CSP hashes the inline scripts of the final HTML
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        source = self.portal.page_of(page.file.src_uri)
        # Every hand-written page is scanned for loads from other origins; of the generated
        # pages, the first of each kind (the theme wraps each the same way).
        scan = source is None or self.build.first_of_kind(source.slug)
        view = Level.parse(source.level) if source else None
        self.build.seen_html.add(page.file.dest_uri)
        if source is not None:
            assets = get_relative_url(f"{ASSET_DIR}/", page.url)
            output = scripts.with_page_stylesheets(output, source.slug, assets.rstrip("/") + "/")
            if self.build.vault is not None:
                page.content = LOCKED_PENDING  # written: MkDocs would keep every page's ciphertext
        with self.build.timings.step("page hygiene"):
            return self._finish(output, config, f"page {page.file.src_uri!r}", view, scan)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name == "sitemap.xml":
            return filter_sitemap(output_content, self._engagement_urls(), config.site_url)
        if template_name.endswith(".html"):
            self.build.seen_html.add(template_name)
            return self._finish(output_content, config, f"template {template_name!r}")
        return output_content

    def _finish(
        self, output: str, config: MkDocsConfig, where: str, view: Level | None = None, scan: bool = True
    ) -> str:
        if view is None and len(self.portal.views) == 1:
            view = self.portal.audience  # every page of a one-view portal says which view it is
        return finish_page(
            output,
            where=where,
            view=view,
            site_url=config.site_url,
            scan=scan,
            problems=self.build.problems,
            idle_lock_minutes=self.config.idle_lock_minutes,
            previewing=self.previewing,
            t=self.t,
            demo=self.config.demo,
        )

    def _engagement_urls(self) -> list[str]:
        """Where engagement pages live: the first view's <id>/, every other view's folder."""
        others = [self.portal.prefix(v) for v in self.portal.views[1:]]
        return [f"{e.id}/" for e in self.portal.engagements] + others

    # --- after the build ----------------------------------------------------------

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build, site = self.build, Path(config.site_dir)
        index = site / "search" / "search_index.json"
        if index.exists():
            text = index.read_text(encoding="utf-8")
            index.write_text(filter_search_index(text, self._engagement_urls()), encoding="utf-8")
        refuse_foreign_stylesheets(site, config.site_url)
        for path in others.unseen_html(site, build.seen_html):  # another plugin's (redirect pages)
            text = path.read_text(encoding="utf-8", errors="replace")
            if ROBOTS_META not in text:  # not a page of ours a preview kept from the last build
                where = f"file {path.relative_to(site).as_posix()!r}"
                path.write_text(self._finish(text, config, where), encoding="utf-8")
        if build.portfolio_files is not None:
            locking.write_portfolio(site / ASSET_DIR, build.portfolio_files)
        if build.fingerprints:  # preview
            self.replay.put_back(config.site_dir, build.fingerprints, build.replayed)
        build.published = True
        build.timings.add("build", time.perf_counter() - build.started)
        log.debug(f"seconds per step: {build.timings.summary()}")
        build.timings.write()

    def on_build_error(self, *, error: Exception) -> None:
        self.build.published = False
        self.build.close()
        if self.build.staging is not None:
            self._unstage(publish=False)
            log.error("build failed; the previous site was left untouched")

    def on_shutdown(self) -> None:
        parallel.gc_thaw()
        # Not in on_post_build: MkDocs' --strict check runs after it, and a build it fails
        # must not be published.
        if self.build.staging is not None:
            self._unstage(publish=self.build.published)

    # --- staging ----------------------------------------------------------------------

    def _stage(self, config: MkDocsConfig) -> None:
        """Build into a staging directory of this build's own, holding the site's lock until
        the swap: a failed build leaves the previous site untouched, and two builds at once
        leave one complete site."""
        site_dir = Path(config.site_dir)

        def waiting() -> None:
            log.info(f"another build of {site_dir} is running; waiting for it to finish")

        self.build.staging = Staging.open(site_dir, on_wait=waiting)
        self.build.mkdocs_config = config
        config.site_dir = str(self.build.staging.path)

    def _unstage(self, *, publish: bool) -> None:
        build = self.build
        assert build.staging is not None
        staging, build.staging = build.staging, None
        if publish:
            staging.publish()
            log.info(f"published the new site to {staging.site_dir}")
        else:
            staging.discard()
        if build.mkdocs_config is not None:
            # `mkdocs gh-deploy` deploys config.site_dir after on_shutdown: the published site.
            build.mkdocs_config.site_dir = str(staging.site_dir)

    # --- preview --------------------------------------------------------------------

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(self.config.engagements_dir)
        if self.build.staging is not None:
            # `mkdocs serve --clean` reports "build": its first build was staged (and
            # encrypted). Swap it into the served directory now; rebuilds write there.
            self._unstage(publish=self.build.published)
        self.serving = True
        return server


__all__ = ["CoachPortalConfig", "CoachPortalPlugin", "ReaderConfig"]
