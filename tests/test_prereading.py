"""Posts read by worker processes: the same site as when one process reads them all."""

from pathlib import Path

from tribune import prereading
from tribune.build import build, load_site

from .test_page_cache import files


def build_with(site_root: Path, output: Path, processes: int) -> dict[str, bytes]:
    build(load_site(site_root / "pelicanconf.py", OUTPUT_PATH=str(output), CACHE_PATH=str(output.parent / f"cache-{processes}"),
                    READER_PROCESSES=processes, LOAD_CONTENT_CACHE=False))
    return files(output)


def test_posts_read_by_workers_give_the_same_site(many_posts, tmp_path):
    alone = build_with(many_posts, tmp_path / "alone", 1)
    assert prereading.last_read_in_workers == 0
    shared = build_with(many_posts, tmp_path / "shared", 2)
    assert prereading.last_read_in_workers == 73  # every post file: the sample's 13 (a draft among them) and 60 copies
    assert shared == alone
    page = (tmp_path / "shared/billets/copie-7-cinq-conseils-pour-animer-une-soiree-jeux/index.html").read_text(encoding="utf-8")
    assert "Copie 7\u202f: Cinq conseils" in page


def test_posts_in_the_content_cache_are_not_read_again(many_posts, tmp_path):
    output = tmp_path / "output"
    site = lambda: load_site(many_posts / "pelicanconf.py", OUTPUT_PATH=str(output), CACHE_PATH=str(tmp_path / "cache"), READER_PROCESSES=2)
    build(site())
    assert prereading.last_read_in_workers == 73
    build(site())
    assert prereading.last_read_in_workers == 0
