"""Files put in place from a cache: the same file where the file system allows it, a copy
elsewhere, and never a half-written file or a cached one written through."""

import errno
import os

from tribune import trees


def test_a_file_put_in_place_is_the_cached_file_itself_and_replaces_what_was_there(tmp_path):
    cached, target = tmp_path / "carte.png", tmp_path / "sortie" / "carte.png"
    cached.write_bytes(b"nouvelle carte")
    target.parent.mkdir()
    target.write_bytes(b"ancienne carte")
    trees.link_or_copy(cached, target)
    assert target.read_bytes() == b"nouvelle carte" and os.path.samefile(cached, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["carte.png"]
    trees.link_or_copy(cached, target)  # another process's turn: already the same file
    assert sorted(p.name for p in target.parent.iterdir()) == ["carte.png"]


def test_a_leftover_of_a_stopped_process_is_not_written_through(tmp_path):
    """A process stopped between its link and its rename left its link behind; the next one
    with the same pid must not copy into it (that would write into the file it leads to)."""
    other, cached, target = tmp_path / "autre.png", tmp_path / "carte.png", tmp_path / "sortie.png"
    other.write_bytes(b"une autre carte")
    cached.write_bytes(b"la carte")
    os.link(other, tmp_path / f".sortie.png.{os.getpid()}.tmp")
    trees.link_or_copy(cached, target)
    assert target.read_bytes() == b"la carte" and other.read_bytes() == b"une autre carte"


def test_where_links_cannot_be_made_the_file_is_copied(tmp_path, monkeypatch):
    cached, target = tmp_path / "carte.png", tmp_path / "sortie.png"
    cached.write_bytes(b"la carte")

    def across_disks(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", across_disks)
    trees.link_or_copy(cached, target)
    assert target.read_bytes() == b"la carte" and not os.path.samefile(cached, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carte.png", "sortie.png"]
