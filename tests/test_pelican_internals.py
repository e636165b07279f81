"""Pelican's internals that Tribune's build reproduces or relies on (docs/architecture.md):
an upgrade of Pelican fails here, loudly, before it silently changes pages."""

import inspect
from importlib import metadata

import pytest
from pelican import Pelican, signals
from pelican.cache import FileDataCacher
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator
from pelican.log import LimitFilter, console
from pelican.paginator import Paginator
from pelican.readers import Readers, _filter_discardable_metadata
from pelican.settings import DEFAULT_CONFIG, read_settings
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import memoized, order_content
from pelican.writers import FileOverwriteFailedError, Writer

from tribune import rendering
from tribune.pelican_compat import CHECKED_PELICAN, RECHECK


def parameters(function) -> list[str]:
    return list(inspect.signature(inspect.unwrap(function)).parameters)


def settings(tmp_path, **overrides) -> dict:
    return read_settings(None, override={"CACHE_PATH": str(tmp_path / "cache"), "PATH": str(tmp_path), **overrides})


def test_the_installed_pelican_is_the_checked_one():
    installed = metadata.version("pelican")
    assert installed == CHECKED_PELICAN, RECHECK.format(installed=installed)


def test_the_writer_methods_tribune_overrides_keep_their_signatures(tmp_path):
    assert parameters(Writer.write_file) == ["self", "name", "template", "context", "relative_urls", "paginated", "template_name",
                                             "override_output", "url", "kwargs"]
    assert parameters(Writer.write_feed) == ["self", "elements", "context", "path", "url", "feed_type", "override_output", "feed_title"]
    assert parameters(Writer._open_w) == ["self", "filename", "encoding", "override"]
    assert parameters(Writer._create_new_feed) == ["self", "feed_type", "feed_title", "context"]
    writer = Writer(str(tmp_path), settings=settings(tmp_path))
    assert writer._written_files == set() and writer._overridden_files == set()
    assert writer.output_path == str(tmp_path)
    assert issubclass(FileOverwriteFailedError, Exception)


def test_pagination_as_the_writer_reproduces_it(tmp_path):
    assert parameters(Paginator.__init__) == ["self", "name", "url", "object_list", "settings", "per_page"]
    paginator = Paginator("index.html", "", list(range(13)), settings(tmp_path), 6)
    assert paginator.num_pages == 3
    assert [paginator.page(n).save_as for n in (1, 2, 3)] == ["index.html", "index2.html", "index3.html"]
    assert {"PAGINATED_TEMPLATES", "DEFAULT_PAGINATION"} <= DEFAULT_CONFIG.keys()


def test_the_bodies_a_page_reads_are_still_followed(tmp_path):
    """The page cache wraps Pelican's memoized get_content and get_summary, and notes the
    body read through the content property, memo or not; their memos can be emptied."""
    rendering.follow_bodies()
    for name in ("get_content", "get_summary"):
        assert isinstance(Content.__dict__[name].__wrapped__, memoized), name
    with signals.content_object_init.muted():  # plugins registered by an earlier build in this process
        article = Article("<p>Le texte.</p>", metadata={"title": "Un titre"},
                          settings=settings(tmp_path), source_path=str(tmp_path / "billet.md"), context={})
    assert article._content == "<p>Le texte.</p>" and article._context == {} and article.settings["PATH"] == str(tmp_path)
    cache = rendering.PageCache(settings(tmp_path))
    for attempt in range(2):  # the second read comes from Pelican's memo
        with cache.recording("billet.html", "article.html") as record:
            assert article.content == "<p>Le texte.</p>"
        assert list(record.bodies) == [str(tmp_path / "billet.md")], attempt
    rendering.forget_bodies()  # the memos, dicts of the class keyed by the content, emptied as a build ends
    assert not any(key[0] is article for name in ("get_content", "get_summary") for key in Content.__dict__[name].__wrapped__.cache)


def test_the_readers_cache_prereading_fills(tmp_path):
    readers = Readers(settings(tmp_path, CACHE_CONTENT=True), "ArticlesGenerator-Readers")
    assert "md" in readers.readers and callable(readers.readers["md"].read)
    assert isinstance(readers._cache, dict)
    post = tmp_path / "billet.md"
    post.write_text("Title: Un titre\n\nLe texte.\n", encoding="utf-8")
    readers._cache[str(post)] = (readers._get_file_stamp(str(post)), ("<p>lu</p>", {"title": "Un titre"}))
    assert readers.get_cached_data(str(post)) == ("<p>lu</p>", {"title": "Un titre"})
    assert _filter_discardable_metadata({"title": "t", "status": "draft"}) == {"title": "t", "status": "draft"}
    assert parameters(Generator.get_files)[:3] == ["self", "paths", "exclude"]
    assert parameters(Readers.read_file)[:4] == ["self", "base_path", "path", "content_class"]
    for wrapper in (Author, Category, Tag):
        assert wrapper("Nom", settings(tmp_path)).name == "Nom"


def test_the_content_cache_tribune_loads_itself(tmp_path):
    assert parameters(FileDataCacher.__init__) == ["self", "settings", "cache_name", "caching_policy", "load_policy"]
    cacher = FileDataCacher(settings(tmp_path, GZIP_CACHE=False), "X", True, False)
    assert cacher._cache_path == str(tmp_path / "cache" / "X") and cacher._cache_open is open and cacher._cache == {}


def test_the_build_s_other_hooks_into_pelican():
    assert isinstance(LimitFilter._raised_messages, set) and hasattr(LimitFilter._group_count, "clear")
    assert isinstance(console.quiet, bool)
    for method in ("run", "_get_generator_classes", "_get_writer"):
        assert callable(getattr(Pelican, method)), method
    for name in ("get_writer", "get_generators", "article_generator_preread", "all_generators_finalized", "readers_init",
                 "static_generator_finalized", "content_written", "feed_generated", "feed_written", "finalized"):
        assert hasattr(getattr(signals, name), "receivers"), name


@pytest.mark.parametrize("source, order", [
    (Pelican._get_generator_classes, ["ArticlesGenerator", "PagesGenerator", "get_generators.send", "StaticGenerator"]),
    (Pelican.__init__, ["init_plugins()", "signals.initialized.send"]),
    (Pelican.run, ["generate_context", "all_generators_finalized.send", "_get_writer()", "generate_output(writer)", "signals.finalized.send"]),
])
def test_the_order_render_pending_relies_on(source, order):
    """RenderPending renders the pages put off at its turn among the generators: after the
    articles, the pages and the plugins' generators (moved last among these once the plugins
    are registered, which ``initialized`` follows), before the static files and before
    ``finalized``."""
    text = inspect.getsource(source)
    positions = [text.find(word) for word in order]
    assert -1 not in positions and positions == sorted(positions), dict(zip(order, positions))


def test_content_classes_leave_attribute_lookup_to_python():
    """The page cache notes the content objects a page reads by setting, then deleting,
    ``Content.__getattribute__`` (rendering._noting_reads): Pelican's own would be lost."""
    from pelican.contents import Page, Static

    assert not any("__getattribute__" in vars(cls) or "__getattr__" in vars(cls) for cls in (Content, Article, Page, Static))
    assert "_output_location_referenced" in inspect.getsource(Static)  # left out of the states (fingerprint._NOT_STATE)


def test_what_the_preview_relies_on_to_move_a_content_s_pages():
    """An update in memory of a title (tribune.live) finds a content's own pages by the content
    among the writer's keywords, and the generator that wrote them by its template's Jinja
    environment; the contents' addresses are computed once while pages are written
    (rendering._fixed_url_setting), through get_url_setting."""
    assert parameters(rendering._get_url_setting) == ["self", "key"]
    assert 'get_url_setting("url")' in inspect.getsource(Content.url.fget)
    assert 'get_url_setting("save_as")' in inspect.getsource(Content.save_as.fget)
    assert "article=article" in inspect.getsource(ArticlesGenerator.generate_articles)
    assert "page=page" in inspect.getsource(PagesGenerator.generate_output)
    assert "self.env = " in inspect.getsource(Generator.__init__)
    assert "self.env.get_template" in inspect.getsource(Generator.get_template)
    assert set(inspect.signature(order_content).parameters) == {"content_list", "order_by"}
    assert '"reversed-"' in inspect.getsource(order_content)
