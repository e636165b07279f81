"""The page cache: a rebuild renders only the pages a change touched, and writes the very
site a build from nothing writes (every file, byte for byte: pages, sitemap, share images)."""

from pathlib import Path

import pytest
from PIL import Image

from tribune import workers
from tribune.build import BuildError, build, load_site

POST = Path("content/posts/2026-02-09-cinq-conseils-soiree-jeux.md")


def build_copy(site_root: Path, output: Path, **overrides):
    return build(load_site(site_root / "pelicanconf.py", OUTPUT_PATH=str(output), **overrides))


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def built_from_nothing(site_root: Path, tmp_path: Path) -> dict[str, bytes]:
    output = tmp_path / "from-nothing"
    build_copy(site_root, output, CACHE_PATH=str(tmp_path / "no-cache"), LOAD_CONTENT_CACHE=False, CACHE_CONTENT=False)
    return files(output)


@pytest.fixture
def cached_site(site_copy):
    """The site copy built once (cache filled), then again: every page comes from the cache."""
    output = site_copy / "output"
    first = build_copy(site_copy, output)
    assert first.reused == 0 and first.pages > 50
    again = build_copy(site_copy, output)
    assert again.reused == again.pages == first.pages
    return output


def test_a_body_change_renders_its_pages_again_and_no_other(site_copy, cached_site, tmp_path):
    post = site_copy / POST
    post.write_text(post.read_text(encoding="utf-8") + "\nUn paragraphe ajouté : « tout neuf ».\n", encoding="utf-8")
    result = build_copy(site_copy, cached_site)
    # Its page and the three Atom feeds that carry its text, not the 70 others: the lists and
    # the RSS feeds show its Summary: line, not its text.
    assert result.pages - result.reused == 4
    page = (cached_site / "billets/cinq-conseils-pour-animer-une-soiree-jeux/index.html").read_text(encoding="utf-8")
    assert "Un paragraphe ajouté\u202f: «\u202ftout neuf\u202f»." in page
    assert files(cached_site) == built_from_nothing(site_copy, tmp_path)


def test_a_summary_made_from_the_text_renders_the_lists_again(site_copy, tmp_path):
    post = site_copy / POST
    lines = post.read_text(encoding="utf-8").splitlines(keepends=True)
    post.write_text("".join(line for line in lines if not line.startswith("Summary:")), encoding="utf-8")
    output = site_copy / "output"
    build_copy(site_copy, output)
    text = post.read_text(encoding="utf-8")
    header, body = text.split("\n\n", 1)
    post.write_text(f"{header}\n\nUne première phrase toute neuve.\n\n{body}", encoding="utf-8")
    result = build_copy(site_copy, output)
    assert result.pages - result.reused > 4  # and the lists that show its summary
    category = (output / "categories/conseils-de-jeu/index.html").read_text(encoding="utf-8")
    assert "Une première phrase toute neuve." in category
    assert files(output) == built_from_nothing(site_copy, tmp_path)


LINKING = Path("content/posts/2026-01-12-bienvenue-dans-la-guilde.md")


@pytest.mark.parametrize("processes", [1, 2])
def test_a_title_change_renders_the_pages_that_show_the_post_and_no_other(site_copy, tmp_path, processes, monkeypatch):
    """Its pages (moved: the slug comes from the title), the lists, feeds and neighbours that
    show it, and a post whose text links to it. With one process, that post's text is made
    first for a feed and found memoized by its own page: the link must count all the same."""
    linking = site_copy / LINKING
    linking.write_text(linking.read_text(encoding="utf-8") + f"\nVoir aussi [nos conseils]({{filename}}/{POST.relative_to('content')}).\n",
                       encoding="utf-8")
    output = site_copy / "output"
    build_copy(site_copy, output, WRITER_PROCESSES=processes)
    post = site_copy / POST
    post.write_text(post.read_text(encoding="utf-8").replace("Title: ", "Title: Nouveau : ", 1), encoding="utf-8")
    shared = []
    real_share = workers.shared_with_a_child
    monkeypatch.setattr(workers, "shared_with_a_child", lambda count, work: shared.append(count) or real_share(count, work))
    result = build_copy(site_copy, output, WRITER_PROCESSES=processes)
    assert 10 < result.pages - result.reused < result.pages / 3
    # Too few for workers: with two processes, this one and a child take them in turn.
    forking = workers.processes({"WRITER_PROCESSES": processes}, "WRITER_PROCESSES") > 1
    assert [8 <= count < 40 for count in shared] == ([True] if forking else [])
    assert "Nouveau\u202f: Cinq conseils" in (output / "archives/index.html").read_text(encoding="utf-8")
    welcome = (output / "billets/bienvenue-dans-la-guilde-boussole/index.html").read_text(encoding="utf-8")
    assert 'billets/nouveau-cinq-conseils-pour-animer-une-soiree-jeux/">nos conseils' in welcome
    assert not (output / "billets/cinq-conseils-pour-animer-une-soiree-jeux").exists()
    assert files(output) == built_from_nothing(site_copy, tmp_path)


def test_a_template_change_renders_every_page_again(site_copy, cached_site, tmp_path):
    base = site_copy / "theme/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('<footer class="site-footer">', '<footer class="site-footer" data-test="changed">'),
                    encoding="utf-8")
    result = build_copy(site_copy, cached_site)
    assert result.reused == 0
    assert 'data-test="changed"' in (cached_site / "index.html").read_text(encoding="utf-8")
    assert files(cached_site) == built_from_nothing(site_copy, tmp_path)


def test_time_passing_renders_the_pages_that_list_events_again(site_copy, cached_site, tmp_path, monkeypatch):
    before = files(cached_site)
    monkeypatch.setenv("TRIBUNE_NOW", "2027-09-01T12:00:00+02:00")  # every sample event is over
    build_copy(site_copy, cached_site)
    after = files(cached_site)
    assert after != before
    assert after == built_from_nothing(site_copy, tmp_path)


def test_a_failed_build_leaves_output_and_cache_in_step(site_copy, cached_site, tmp_path):
    post = site_copy / POST
    good = post.read_text(encoding="utf-8")
    post.write_text(good.replace("Date: ", "Date: pas une date ", 1), encoding="utf-8")
    with pytest.raises(BuildError):
        build_copy(site_copy, cached_site)
    post.write_text(good + "\nAprès l’erreur.\n", encoding="utf-8")
    result = build_copy(site_copy, cached_site)
    assert 0 < result.reused < result.pages
    assert files(cached_site) == built_from_nothing(site_copy, tmp_path)


def test_without_the_content_cache_nothing_is_reused(site_copy):
    output = site_copy / "output"
    build_copy(site_copy, output)
    result = build_copy(site_copy, output, LOAD_CONTENT_CACHE=False)
    assert result.reused == 0


def test_files_deleted_from_the_output_are_made_again(site_copy, cached_site, tmp_path):
    (cached_site / "billets/cinq-conseils-pour-animer-une-soiree-jeux/index.html").unlink()
    shares = sorted((cached_site / "images/partage").glob("*.png"))
    shares[0].unlink()
    (cached_site / "feeds/all.atom.xml").unlink()
    result = build_copy(site_copy, cached_site)
    assert result.pages - 3 <= result.reused < result.pages
    assert files(cached_site) == built_from_nothing(site_copy, tmp_path)


def test_an_image_replaced_renders_the_pages_that_print_its_size(site_copy, cached_site, tmp_path):
    Image.new("RGB", (800, 420), "#336699").save(site_copy / "content/images/soiree.png")
    result = build_copy(site_copy, cached_site)
    assert result.reused < result.pages
    page = (cached_site / "billets/cinq-conseils-pour-animer-une-soiree-jeux/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image:width" content="800">' in page
    assert files(cached_site) == built_from_nothing(site_copy, tmp_path)
