"""Publishing: encryption cannot be switched off by accident, failed builds leave nothing,
two builds at once leave one complete site, gh-deploy publishes through the staging."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from browser import free_port
from tmpportal import EXAMPLES, MKDOCS, PASSPHRASE_1, TempPortal, new_portal

PASSPHRASE = PASSPHRASE_1
SECRETS = ("Dana Whitfield", "Operations leadership programme", "Hand regional rollout decisions")


def _encrypted(root: Path, engagements: int = 1) -> TempPortal:
    portal = new_portal(root, plugin={"readers": {"hr": {"name": "HR"}}})
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", (EXAMPLES / "engagement.yml").read_text())
    for i in range(engagements):
        engagement_id = "nw-ops-2026" if engagements == 1 else f"eng-{i:03d}"
        portal.add(f"{engagement_id}.yml", text.replace("id: nw-ops-2026", f"id: {engagement_id}", 1))
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE}
    return portal


def _env(portal: TempPortal) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}
    return {**inherited, "COACHPORTAL_TODAY": "2026-06-20", **portal.env}


def _files_with(root: Path, needles: tuple[str, ...]) -> list[str]:
    """Files under ``root`` (outside engagements/) holding any needle."""
    found = []
    for path in root.rglob("*"):
        if path.is_file() and "engagements" not in path.relative_to(root).parts:
            text = path.read_bytes().decode("utf-8", errors="replace")
            found += [f"{path.relative_to(root)}: {n}" for n in needles if n in text]
    return found


def test_a_site_dir_named_like_serves_temp_dir_is_still_encrypted(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path / "portal")
    site = Path(tempfile.mkdtemp(prefix="mkdocs_"))  # what `mkdtemp -t mkdocs_XXXX` gives
    try:
        portal.build("-d", str(site))
        html = (site / "nw-ops-2026" / "index.html").read_text(encoding="utf-8")
        assert "coachportal-locked" in html
        assert _files_with(site, SECRETS) == []
    finally:
        subprocess.run(["rm", "-rf", str(site)], check=True)


def test_a_failed_strict_build_leaves_no_plaintext(tmp_path: Path) -> None:
    for encryption in (True, False):
        root = tmp_path / str(encryption)
        portal = _encrypted(root)
        portal.plugin["encryption"] = encryption
        portal.build(*(["--strict"] if encryption else []))  # `encryption: false` warns
        before = {p: p.read_bytes() for p in portal.site.rglob("*") if p.is_file()}
        # a broken link is a warning, which --strict turns into a failure after on_post_build
        (root / "content" / "about.md").write_text("# About\n\n[gone](nowhere.md)\n", encoding="utf-8")
        (root / "engagements" / "nw-ops-2026.yml").write_text(
            (root / "engagements" / "nw-ops-2026.yml").read_text().replace("Dana", "Dorothea")
        )
        result = portal.build("--strict", check=False)
        log = result.stdout + result.stderr
        assert result.returncode != 0 and "in strict mode" in log and "nowhere.md" in log, log
        assert {p: p.read_bytes() for p in portal.site.rglob("*") if p.is_file()} == before
        assert sorted(p.name for p in root.iterdir()) == ["content", "engagements", "mkdocs.yml", "site"]
        assert _files_with(root, ("Dorothea",)) == []


def test_two_builds_at_once_leave_one_complete_site(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path, engagements=12)
    portal.write_config()
    builds = [
        subprocess.Popen(
            [*MKDOCS, "build"],
            cwd=tmp_path,
            env=_env(portal),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    logs = [build.communicate(timeout=300)[0].decode() for build in builds]
    assert [build.returncode for build in builds] == [0, 0], logs
    assert sum("another build of" in log and "waiting for it to finish" in log for log in logs) == 1, logs
    pages = sorted(p.relative_to(portal.site).as_posix() for p in portal.site.rglob("index.html"))
    assert len(pages) == 12 * 6 + 1, pages  # every engagement page and the home page
    for page in pages:
        if page != "index.html":
            assert "coachportal-payload" in (portal.site / page).read_text(encoding="utf-8"), page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml", "site"]


def test_leftovers_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path)
    (tmp_path / "site.coachportal-staging-k1ll3d").mkdir()
    (tmp_path / "site.coachportal-staging-k1ll3d" / "index.html").write_text("half a site")
    portal.build()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml", "site"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_gh_deploy_publishes_the_encrypted_staged_site(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "--bare", "-q", str(remote))
    root = tmp_path / "portal"
    portal = _encrypted(root)
    portal.write_config()
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "portal")
    _git(root, "remote", "add", "origin", str(remote))
    env = {**_env(portal), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    result = subprocess.run(
        [*MKDOCS, "gh-deploy", "--ignore-version"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    deployed = _git(remote, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert "nw-ops-2026/actions/index.html" in deployed and "coachportal/portfolio.json" not in deployed
    assert any(re.fullmatch(r"coachportal/portfolio/[0-9a-f]{64}\.json", name) for name in deployed)
    page = _git(remote, "show", "gh-pages:nw-ops-2026/index.html")
    assert "coachportal-payload" in page and "Dana Whitfield" not in page
    assert sorted(p.name for p in root.iterdir()) == [".git", "content", "engagements", "mkdocs.yml", "site"]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _wait_for(url: str, ok, timeout: float = 90.0) -> str:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    last = (0, "")
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if ok(*last):
                return last[1]
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out on {url}; last: {last[0]} {last[1][:1000]}")


def test_serve_clean_reports_build_and_is_encrypted(tmp_path: Path) -> None:
    """`mkdocs serve --clean` reports the command "build" to plugins: an encrypted build,
    served, and rebuilt when an engagement file changes."""
    portal = _encrypted(tmp_path)
    portal.write_config()
    port = free_port()
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--clean", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=_env(portal),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        html = _wait_for(base + "nw-ops-2026/", lambda status, text: status == 200)
        assert "coachportal-payload" in html and "Preview" not in html
        assert not [s for s in SECRETS if s in html]
        second = (portal.engagements / "nw-ops-2026.yml").read_text().replace("id: nw-ops-2026", "id: nw-two")
        portal.add("nw-two.yml", second)
        html = _wait_for(base + "nw-two/actions/", lambda status, text: status == 200)
        assert "coachportal-payload" in html and "Dana Whitfield" not in html
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml"]


def test_the_lock_survives_its_file_being_removed_by_the_build_before(tmp_path: Path) -> None:
    """A build that waited on the lock file of a build that has since removed it must not
    believe it holds the site: it locks the file as it is now."""
    import threading

    from coachportal.plugin.staging import SiteLock

    path = tmp_path / "site.coachportal-lock"
    first, second, third = SiteLock(path), SiteLock(path), SiteLock(path)
    first.acquire(lambda: None)
    waited = threading.Event()
    holding = threading.Event()

    def take() -> None:
        second.acquire(waited.set)
        holding.set()

    thread = threading.Thread(target=take)
    thread.start()
    assert waited.wait(5) and not holding.is_set()
    first.release()  # removes the file it locked
    assert holding.wait(5)
    thread.join()
    assert path.exists()  # the second build's own lock file
    blocked = threading.Event()
    threading.Thread(target=lambda: third.acquire(blocked.set), daemon=True).start()
    assert blocked.wait(5)  # a third build waits for the second
    second.release()
    time.sleep(0.2)
    third.release()
    assert not path.exists()
