"""Tribune's writer: pages rendered by worker processes make the same site, with the same
warnings, as pages rendered one after the other; pages reused are the previous files."""

import logging
import os
from pathlib import Path

import pytest

from tribune import writer
from tribune.build import BuildError, build, load_site
from tribune.signals import jsonld_graph

from .test_page_cache import POST, files


def build_with(site_root: Path, output: Path, processes: int):
    return build(load_site(site_root / "pelicanconf.py", OUTPUT_PATH=str(output), CACHE_PATH=str(output.parent / f"cache-{processes}"),
                           WRITER_PROCESSES=processes, LOAD_CONTENT_CACHE=False))


def test_pages_rendered_by_workers_give_the_same_site(many_posts, tmp_path):
    alone = build_with(many_posts, tmp_path / "alone", 1)
    assert writer.last_rendered_in_workers == 0
    shared = build_with(many_posts, tmp_path / "shared", 2)
    assert shared.pages == alone.pages > 150
    # Every page, the plugins' too (kits, members, events): RenderPending comes after their generators.
    assert writer.last_rendered_in_workers == shared.pages
    assert files(tmp_path / "shared") == files(tmp_path / "alone")


def test_a_page_that_logs_in_a_worker_is_rendered_again_with_its_warning(many_posts, tmp_path):
    def warn_while_rendering(graph) -> None:  # a plugin that logs while some pages render
        if graph.url.removeprefix(graph.site_url) in ("/billets/copie-7-cinq-conseils-pour-animer-une-soiree-jeux/", "/page/3/"):
            logging.getLogger("pelican.plugins.test").warning("rendu de %s", graph.url.removeprefix(graph.site_url))

    build_with(many_posts, tmp_path / "quiet", 2)
    in_workers_when_quiet = writer.last_rendered_in_workers
    jsonld_graph.connect(warn_while_rendering)
    try:
        alone = build_with(many_posts, tmp_path / "alone", 1)
        shared = build_with(many_posts, tmp_path / "shared", 2)
    finally:
        jsonld_graph.disconnect(warn_while_rendering)
    assert sorted(alone.warnings) == ["rendu de /billets/copie-7-cinq-conseils-pour-animer-une-soiree-jeux/", "rendu de /page/3/"]
    assert sorted(shared.warnings) == sorted(alone.warnings)
    assert writer.last_rendered_in_workers == in_workers_when_quiet - 2  # those two were rendered here again
    assert files(tmp_path / "shared") == files(tmp_path / "alone")


def test_a_rebuild_keeps_the_very_files_of_unchanged_pages(site_copy):
    output = site_copy / "output"
    build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output)))
    before = {path: path.stat() for path in output.rglob("*.html")}
    post = site_copy / POST
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output)))
    after = {path: path.stat() for path in output.rglob("*.html")}
    assert after.keys() == before.keys()
    kept = [path for path in after if (after[path].st_ino, after[path].st_mtime_ns) == (before[path].st_ino, before[path].st_mtime_ns)]
    changed = output / "billets/cinq-conseils-pour-animer-une-soiree-jeux/index.html"
    assert changed not in kept
    assert len(kept) > len(after) - 15  # the post's page and the lists that show it
    assert all(after[path].st_nlink == 1 for path in after)  # the previous output is gone


def test_a_move_that_fails_at_the_swap_leaves_the_previous_output(site_copy, monkeypatch):
    output = site_copy / "output"
    build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output)))
    before = files(output)
    post = site_copy / POST
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    renames = []
    real_rename = os.rename

    def rename_failing_at_the_tenth(source, target):  # Path.rename calls it too
        renames.append(source)
        if len(renames) == 10:  # the swap's first rename, then pages moved in, then this one
            raise OSError(28, "No space left on device")
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename_failing_at_the_tenth)
    with pytest.raises(BuildError, match="n’a pas pu être mis en place .*le disque est plein"):
        build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output)))
    assert len(renames) > 10  # the moves done were undone
    assert files(output) == before
    assert not [path for path in site_copy.iterdir() if path.name.startswith(".output.")]


def test_a_file_linked_with_attach_is_where_the_page_links_to(site_copy, tmp_path):
    """Pelican moves an {attach}ed file beside the post that links to it while it writes the
    post's page: the page is rendered in a worker, or taken from the last build, and the file
    must still go where the link leads (tribune.attachments)."""
    import shutil
    from urllib.parse import urljoin

    from bs4 import BeautifulSoup

    (site_copy / "content/posts/files").mkdir()
    shutil.copy(site_copy / "content/images/famille.png", site_copy / "content/posts/files/schema.png")
    post = site_copy / POST
    post.write_text(post.read_text(encoding="utf-8").replace("\n\n", "\n\nVoir [le schéma]({attach}files/schema.png).\n\n", 1), encoding="utf-8")
    output = tmp_path / "output"

    def linked_file() -> Path:
        page = output / "billets/cinq-conseils-pour-animer-une-soiree-jeux/index.html"
        href = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("a", string="le schéma")["href"]
        return output / urljoin("billets/cinq-conseils-pour-animer-une-soiree-jeux/", href)

    build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output), CACHE_PATH=str(tmp_path / "cache")))
    assert linked_file().is_file() and linked_file().parent.name == "files"
    assert not (output / "posts/files/schema.png").exists()
    other = site_copy / "content/posts/2026-11-09-la-guilde-a-presque-un-an.md"  # the page with the link is taken as it was
    other.write_text(other.read_text(encoding="utf-8").replace("Voici ce qui en ressort.", "Voici ce qui en sort."), encoding="utf-8")
    build(load_site(site_copy / "pelicanconf.py", OUTPUT_PATH=str(output), CACHE_PATH=str(tmp_path / "cache")))
    assert linked_file().is_file()
