"""`make bench-padding`: build N synthetic engagements and compare with plain Markdown pages.

Prints pages per second for an encrypted coachportal build and for a build of the
same number of plain Markdown pages with the same MkDocs and theme (whose pages all
sit in the site-wide navigation), and the ratio between them. Then the cost of padding:
the size of the encrypted site, and what it would be if each page's ciphertext were
only as long as its own content (computed by decrypting every page).

    python tests/bench/padding.py [N ...]      (default: 20 100 300)
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "engagement.yml"
PAGES_PER_ENGAGEMENT = 6
PASSPHRASE = "correct-horse-battery-staple-77"


def _config(root: Path, plugins: list) -> None:
    config = {"site_name": "Bench", "docs_dir": "content", "theme": {"name": "material"}, "plugins": plugins}
    (root / "mkdocs.yml").write_text(json.dumps(config), encoding="utf-8")


def _build(root: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        check=True,
    )
    return time.perf_counter() - start


def coachportal_build(root: Path, n: int) -> float:
    source = EXAMPLE.read_text(encoding="utf-8")
    (root / "content").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Bench\n", encoding="utf-8")
    engagements = root / "engagements"
    engagements.mkdir()
    for i in range(n):
        text = source.replace("id: nw-ops-2026", f"id: bench-{i:04d}").replace(
            "access: [northwind-hr, marcus-lee]", "access: [bench-reader]"
        )
        if i % 2:  # engagements of different sizes, as in a real portal: every other has no actions
            start, end = text.index("    items:\n"), text.index("    sessions:\n")
            text = text[:start] + "    items: []\n" + text[end:]
        (engagements / f"bench-{i:04d}.yml").write_text(text, encoding="utf-8")
    _config(root, ["search", {"coachportal": {"readers": {"bench-reader": {"name": "Bench"}}}}])
    return _build(root, {"COACHPORTAL_PASSPHRASE_BENCH_READER": PASSPHRASE})


def padding_cost(site: Path) -> tuple[int, int]:
    """(bytes of site/, bytes it would have if no page were padded beyond its own content)."""
    from coachportal.protect import crypto
    from coachportal.render import locked

    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    saved = 0
    for path in site.glob("bench-*/**/index.html"):
        html = path.read_text(encoding="utf-8")
        url = path.relative_to(site).parent.as_posix() + "/"
        body = crypto.compress_page(locked.decrypt_page(html, PASSPHRASE, url))  # as the build compressed it
        unpadded = len(base64.b64encode(bytes(len(body) + 16)))  # ciphertext + GCM tag
        saved += len(locked.payload_of(html)["ct"]) - unpadded
    return total, total - saved


def plain_build(root: Path, pages: int) -> float:
    content = root / "content"
    content.mkdir(parents=True)
    (content / "index.md").write_text("# Bench\n", encoding="utf-8")
    body = "\n\n".join(
        f"## Section {j}\n\nSome text for paragraph {j}, with a [link](#section-{j})." for j in range(12)
    )
    for i in range(pages):
        (content / f"page-{i:05d}.md").write_text(f"# Page {i}\n\n{body}\n", encoding="utf-8")
    _config(root, ["search"])
    return _build(root, {})


def main(sizes: list[int]) -> None:
    header = ("engagements", "pages", "coachportal s", "pages/s", "plain s", "pages/s", "ratio")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (11, 6, 13, 8, 8, 8, 6), strict=True)))
    costs = []
    for n in sizes:
        pages = n * PAGES_PER_ENGAGEMENT
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            ours = coachportal_build(Path(a), n)
            plain = plain_build(Path(b), pages)
            costs.append((n, *padding_cost(Path(a) / "site")))
        print(
            f"{n:>11} {pages:>6} {ours:>13.2f} {pages / ours:>8.1f} {plain:>8.2f} {pages / plain:>8.1f}"
            f" {plain / ours:>6.2f}"
        )
    print("ratio = plain build time / coachportal build time (>1: coachportal is faster per page)")
    print()
    print(f"{'engagements':>11} {'site, padded':>14} {'unpadded':>10} {'cost':>6}")
    for n, padded, unpadded in costs:
        print(f"{n:>11} {padded / 1e6:>11.2f} MB {unpadded / 1e6:>7.2f} MB {padded / unpadded - 1:>6.1%}")
    print(
        "padded: every engagement page (compressed) as large as the largest compressed page of its kind"
        " (rounded up to a power of two)"
    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 100, 300])
