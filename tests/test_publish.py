"""Publishing: a real build deployed to temporary targets, atomic, idempotent, reversible,
and the search index holding what readers may find, and nothing else."""

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tribune import commands
from tribune.deploy import DeployError, GitHubPages, Rsync, refuse_dangerous

SITE = "https://guilde.editions-boussole.fr"


def publish(capsys, target, **flags):
    code = commands.run_publish("publishconf.py", target=str(target), **flags)
    out, err = capsys.readouterr()
    return code, out, err


def summary(out: str) -> str:
    return out.strip().splitlines()[-1]


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of a folder with its inode and size: what a reader's server would serve."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def site(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    return site_copy


def test_publish_twice_then_one_change_then_rollback(site, tmp_path, capsys):
    target = tmp_path / "www" / "guilde"
    target.parent.mkdir()
    code, out, err = publish(capsys, target)
    assert code == 0, err
    assert target.is_symlink() and (target / "index.html").is_file()
    assert summary(out).startswith(f"Published to {target} (local folder): 65 pages,")
    first_release, first = target.resolve(), tree(target)

    code, out, _ = publish(capsys, target)
    assert code == 0 and summary(out).startswith("Nothing to publish") and "0 added, 0 changed, 0 removed" in out
    assert target.resolve() == first_release and tree(target) == first

    post = site / "content/posts/2026-07-20-ete-a-montreal.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Quatre jours, des centaines", "Quatre jours, des milliers"), encoding="utf-8")
    code, out, _ = publish(capsys, target, dry_run=True)
    assert code == 0 and "~ billets/ete-a-montreal-l-equipe/index.html" in out and summary(out).startswith("Would publish")
    assert target.resolve() == first_release  # the dry run changed nothing

    code, out, _ = publish(capsys, target)
    assert code == 0
    second = tree(target)
    assert target.resolve() != first_release
    changed = {path for path in second if second[path] != first.get(path)}
    assert "billets/ete-a-montreal-l-equipe/index.html" in changed
    assert "des milliers" in (target / "billets/ete-a-montreal-l-equipe/index.html").read_text()
    # Everything the change did not touch is the very same file (hard link), untouched.
    assert second["charte/index.html"] == first["charte/index.html"]
    assert second["images/pollen.png"] == first["images/pollen.png"]
    assert changed <= {"billets/ete-a-montreal-l-equipe/index.html", "feeds/all.atom.xml", "feeds/communaute.atom.xml",
                       "feeds/all-fr.atom.xml"} | {p for p in changed if p.startswith("pagefind/")}

    assert commands.run_rollback("publishconf.py", target=str(target)) == 0
    assert target.resolve() == first_release and tree(target) == first
    assert "des centaines" in (target / "billets/ete-a-montreal-l-equipe/index.html").read_text()


def test_a_failed_build_leaves_the_live_site_untouched(site, tmp_path, capsys):
    target = tmp_path / "www"
    assert publish(capsys, target)[0] == 0
    release, before = target.resolve(), tree(target)
    (site / "content/posts/cassé.md").write_text("Title: Cassé\nDate: hier\n\nTexte.\n", encoding="utf-8")
    code, _, err = publish(capsys, target)
    assert code == 1 and "Not published: the content check failed" in err and "The live site is unchanged." in err
    assert target.resolve() == release and tree(target) == before


def test_a_warning_stops_publishing(site, tmp_path, capsys):
    (site / "content/posts/sans-image.md").write_text("Title: Sans image\nDate: 2026-11-01\nCategory: Coulisses\n\nTexte.\n", encoding="utf-8")
    code, _, err = publish(capsys, tmp_path / "www")
    assert code == 1 and "the post has no image" in err
    assert not (tmp_path / "www").exists()


def test_an_unreachable_target_says_so(site, tmp_path, capsys):
    code, _, err = publish(capsys, "nobody@host.invalid:/var/www")
    assert code == 1 and "the deploy failed" in err


@pytest.mark.parametrize("target", ["/", "", ".", str(Path.home())])
def test_dangerous_targets_are_refused(tmp_path, target):
    with pytest.raises(DeployError, match="refusing to deploy"):
        refuse_dangerous(Path(target), tmp_path / "output")


def test_rsync_deletes_after_upload(tmp_path):
    command = Rsync("guilde@web.example:/var/www/guilde").command(tmp_path, dry_run=False)
    assert command[:1] == ["rsync"] and "--delete-after" in command and "--delete" not in command
    assert command[-2:] == [f"{tmp_path}/", "guilde@web.example:/var/www/guilde/"]
    assert "--dry-run" in Rsync("h:/x").command(tmp_path, dry_run=True)


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_rsync_for_real_to_a_local_folder(tmp_path):
    site, live = tmp_path / "site", tmp_path / "live"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text("un")
    (site / "b.html").write_text("deux")
    live.mkdir()
    (live / "old.html").write_text("ancien")
    deployer = Rsync(str(live))
    plan = deployer.plan(site)
    assert sorted(plan.added) == ["a/index.html", "b.html"] and plan.removed == ["old.html"]
    deployer.deploy(site, plan)
    assert sorted(p.name for p in live.rglob("*.html")) == ["b.html", "index.html"]
    assert deployer.plan(site).empty


def test_github_pages_branch_with_nojekyll_and_cname(tmp_path):
    repository, site = tmp_path / "repo", tmp_path / "site"
    repository.mkdir()
    site.mkdir()
    (site / "index.html").write_text("<p>Bonjour</p>")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e.x", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e.x"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("GIT_")})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repository, check=True)
    deployer = GitHubPages(branch="gh-pages", cname="guilde.editions-boussole.fr", push=False, repository=repository)
    plan = deployer.plan(site)
    assert plan.added == [".nojekyll", "CNAME", "index.html"]
    deployer.deploy(site, plan)
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=repository, capture_output=True, text=True).stdout.split()
    assert sorted(files) == [".nojekyll", "CNAME", "index.html"]
    cname = subprocess.run(["git", "show", "gh-pages:CNAME"], cwd=repository, capture_output=True, text=True).stdout
    assert cname.strip() == "guilde.editions-boussole.fr"
    assert deployer.plan(site).empty


def indexed(output: Path) -> dict[str, str]:
    """URL -> language of every page in the Pagefind index (fragments are gzipped JSON)."""
    pages = {}
    for fragment in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data["meta"].get("type")
    return pages


def test_the_search_index_holds_what_readers_may_find(production_site):
    pages = indexed(production_site.output)
    assert pages["/billets/ete-a-montreal-l-equipe/"] == "Billet"
    assert pages["/charte/"] == "Page"
    assert pages["/membres/lea-fontaine/"] == "Membre"
    assert pages["/evenements/soiree-jeux-quebecoise-en-ligne/"] == "Rendez-vous"
    assert pages["/lettre/2026-11/"] == "Lettre"
    assert pages["/en/posts/bienvenue-dans-la-guilde-boussole/"] == "Post"
    for excluded in ("/", "/page/2/", "/archives/", "/categories/coulisses/", "/etiquettes/pollen/", "/membres/",
                     "/evenements/", "/lettre/", "/recherche/", "/404.html", "/auteurs/camille-rousseau/"):
        assert excluded not in pages, excluded
    assert not [url for url in pages if "campagne" in url]  # the draft
    entry = json.loads((production_site.output / "pagefind/pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"fr", "en"}  # French stemming for French pages, English for English ones


def test_hidden_pages_and_withdrawn_members_are_not_indexed(site, tmp_path):
    from .conftest import build_site

    (site / "content/pages/cachee.md").write_text("Title: Cachée\nSlug: cachee\nStatus: hidden\nSummary: Rien.\n\nTexte.\n", encoding="utf-8")
    member = site / "content/members/hugo-marchand.md"
    member.write_text(member.read_text(encoding="utf-8").replace("Consent: 2026-02-05", "Consent: 2026-02-05\nConsent-Withdrawn: 2026-11-20"), encoding="utf-8")
    built = build_site(site, "publishconf.py", tmp_path / "out")
    pages = indexed(built.output)
    assert "/cachee/" not in pages and "/membres/hugo-marchand/" not in pages and "/membres/lea-fontaine/" in pages


def test_a_real_query_in_headless_chromium(local_site):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(local_site.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/recherche/?q=abeilles")
            page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
            titles = [a.inner_text() for a in page.query_selector_all(".pagefind-ui__result-link")]
            browser.close()
    finally:
        server.shutdown()
    assert "Billet · De l’esquisse à la boîte\u202f: l’illustration de «\u202fPollen\u202f»" in titles  # "abeilles" found by French stemming
    assert any(title.startswith("Rendez-vous · ") for title in titles)
