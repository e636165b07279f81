"""Third-party text never runs: a hostile member built for real and read wherever their text
lands; scripts in trusted writers' text and URL fields caught by the lint, at their line; merge
tags typed in content never live in the e-mail, whose links never lead to a script."""

import html as html_lib
import json
import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from tribune import commands
from tribune.build import check, load_site
from tribune.lint import ERROR, WARNING

from .conftest import build_site, copy_site, french, pagefind_fragments

UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
LIVE_MERGE_TAG = re.compile(r"\*(?:\||%7C).*?(?:\||%7C)\*", re.IGNORECASE)
TEMPLATE_TAGS_HTML = ["*|UPDATE_PROFILE|*", "*|UNSUB|*", "*|HTML:LIST_ADDRESS_HTML|*"]
TEMPLATE_TAGS_TEXT = ["*|UPDATE_PROFILE|*", "*|UNSUB|*", "*|LIST:ADDRESSLINE|*"]

NAME = 'Zoé *|EMAIL|* </script><script>alert("name")</script>'
ROLE = '<img src=x onerror=alert("role")> *|FNAME|*'
QUOTE = 'Écrivez à *|EMAIL|* ou *|UNSUB|* </script><script>alert("quote")</script>'
DISGUISED_NAME = NAME.replace("Zoé", "Zoé\u202e")  # a right-to-left override: "Zoé" reads backwards after it
HOSTILE_MEMBER = f"""Name: {DISGUISED_NAME}
Slug: zoe
Role: {ROLE}
City: Lyon
Member-Since: 2026-06-01
Links: https://zoe.example/
Quote: {QUOTE}
Spotlight: 2026-11
Consent: 2026-06-01

Un portrait <script>alert("body")</script> avec [un lien](javascript:alert(1)) et [des données](data:text/html;base64,PHNjcmlwdD4=).

<img src="/images/guilde.png" alt="" onerror="alert('img')"> <a href="JaVaScRiPt:alert('a')" onclick="alert('click')">clic</a> <a href=" vbscript:msgbox(1)">vb</a> <a href="https://ami.example/">ami</a>
<iframe src="https://evil.example/"></iframe><object data="https://evil.example/x.swf"></object><form action="https://evil.example/"><input name="q"></form><style>body{{display:none}}</style>
<img src="https://tracker.example/pixel.png" alt="pixel">

Mon adresse : *|EMAIL|*, et <span style="color:red" onmouseover="alert('span')">*|UNSUB|*</span>.
"""


def live_code(markup: str) -> list[str]:
    """What in an HTML document or fragment would run: scripts (JSON-LD is data), event
    attributes, links and sources to javascript:, vbscript: or data:."""
    found = []
    for tag in BeautifulSoup(markup, "html.parser").find_all(True):
        if tag.name == "script" and tag.get("type") != "application/ld+json":
            found.append(str(tag)[:120])
        found += [f"{tag.name} {name}=" for name in tag.attrs if name.lower().startswith("on")]
        for name in ("href", "src", "action", "formaction", "data", "poster"):
            if UNSAFE_SCHEME.match(html_lib.unescape(tag.get(name) or "").replace("\t", "")):
                found.append(f"{tag.name} {name}={tag[name]}")
    return found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The sample site with a hostile member in November's spotlight, built for production
    with its search index, as `invoke publish` builds it."""
    site = copy_site(tmp_path_factory.mktemp("hostile") / "site")
    (site / "content/members/zoe.md").write_text(HOSTILE_MEMBER, encoding="utf-8")
    (site / "content/members/lea-fontaine.md").unlink()  # Zoé is November's member instead
    return build_site(site, "publishconf.py", site.parent / "out", search=True)


def test_no_page_of_the_site_runs_member_text(hostile_site):
    # Pagefind's interface, one page per language: the only pages with a script.
    search_pages = {hostile_site.output / "recherche/index.html", hostile_site.output / "en/search/index.html"}
    for page in hostile_site.pages():
        if page not in search_pages:
            assert live_code(page.read_text(encoding="utf-8")) == [], page
    for relative in ("membres/zoe/", "membres/", ""):
        markup = (hostile_site.output / relative / "index.html").read_text(encoding="utf-8")
        assert markup.count("</script>") == markup.count('<script type="application/ld+json">'), relative


def test_member_page_keeps_the_portrait_without_what_runs(hostile_site):
    page = hostile_site.html("membres/zoe/")
    assert page.find("h1").get_text() == NAME  # as written (escaped), less the right-to-left override
    assert page.select_one(".member__role").get_text() == f"{ROLE} · Lyon"
    assert page.select_one(".member__quote").get_text(strip=True) == QUOTE
    prose = page.select_one(".prose")
    assert prose.get_text().strip().startswith("Un portrait  avec un lien et des données.")
    assert not prose.find_all(["script", "style", "iframe", "object", "form", "input"])
    assert not [tag for tag in prose.find_all(True) if tag.has_attr("style")]
    links = prose.find_all("a")
    assert [a.get_text() for a in links] == ["un lien", "des données", "clic", "vb", "ami"]
    assert [a.get("href") for a in links] == [None, None, None, None, "https://ami.example/"]
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in links)
    images = prose.find_all("img")
    assert [img.get("src") for img in images] == ["/images/guilde.png", None]  # nothing from another host
    assert page.select_one(".member__section a")["rel"] == ["me", "nofollow", "ugc", "noopener"]


def test_member_text_in_json_ld_directory_and_home(hostile_site):
    profile = hostile_site.html("membres/zoe/")
    graph = json.loads(profile.find("script", type="application/ld+json").string)["@graph"]
    person = next(node for node in graph if node["@type"] == "Person")
    assert person["name"] == NAME and person["jobTitle"] == ROLE and person["sameAs"] == ["https://zoe.example/"]
    card = next(c for c in hostile_site.html("membres/").select(".member-card") if "zoe" in c.a["href"])
    assert card.select_one(".member-card__name").get_text() == NAME
    home = hostile_site.html("")
    assert home.select_one(".spotlight__name").get_text() == NAME
    assert home.select_one(".spotlight__quote").get_text(strip=True) == QUOTE


def test_feeds_carry_no_code(hostile_site):
    feeds = sorted(hostile_site.output.glob("feeds/*.xml")) + [hostile_site.output / "lettre/atom.xml"]
    assert len(feeds) > 5
    for feed in feeds:
        for element in ElementTree.parse(feed).iter():
            if element.text and "<" in element.text:
                assert live_code(element.text) == [], feed


def test_search_index_has_the_portrait_without_its_script(hostile_site):
    fragments = list(pagefind_fragments(hostile_site.output / "pagefind").values())
    (zoe,) = [f for f in fragments if f["url"] == "/membres/zoe/"]
    assert "Un portrait avec un lien" in zoe["content"] and zoe["meta"]["title"] == NAME
    assert 'alert("body")' not in zoe["content"] and "display:none" not in zoe["content"]


def test_email_has_no_live_merge_tag_but_the_templates_and_no_code(hostile_site):
    folder = hostile_site.output / "newsletter/2026-11"
    markup = (folder / "email.html").read_text(encoding="utf-8")
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert live_code(markup) == []
    assert LIVE_MERGE_TAG.findall(html_lib.unescape(markup)) == TEMPLATE_TAGS_HTML
    assert LIVE_MERGE_TAG.findall(text) == TEMPLATE_TAGS_TEXT
    assert not re.search(r"(javascript|vbscript|data):", text, re.IGNORECASE)
    # The reader still sees what the member wrote, as they wrote it.
    shown = BeautifulSoup(markup, "html.parser").get_text().replace("\u200d", "")
    assert NAME in shown and QUOTE in shown and ROLE in shown
    assert NAME in text.replace("\u200d", "") and QUOTE in text.replace("\u200d", "")


POST = """Title: Un billet piégé
Date: 2026-11-10
Category: Coulisses
Image: images/pollen.png
Image-Alt: Une abeille

Un paragraphe sans danger.

<script>alert(1)</script>
Un [lien](javascript:alert(2)) et <a href=" JaVaScRiPt:alert(3)">un autre</a>.
<img src="/images/pollen.png" alt="Une abeille" onerror="alert(4)">

```html
<script>montré, pas exécuté</script>
```
En ligne : `<script>` est du code, mais *|FNAME|* sera affiché tel quel.
"""


def test_script_in_a_post_is_a_warning_at_its_line_and_an_error_with_strict(site_copy, monkeypatch, capsys):
    monkeypatch.chdir(site_copy)
    (site_copy / "content/posts/piege.md").write_text(POST, encoding="utf-8")
    blocking, problems = check(load_site(site_copy / "pelicanconf.py"))
    assert blocking == []
    mine = [(p.line, p.message, p.severity) for p in problems if p.path == "content/posts/piege.md"]
    assert mine == [
        (9, french("<script> : le site n'exécute aucun JavaScript ; retirez-le"), WARNING),
        (10, french("un lien javascript: n'est pas une adresse web ; faites un lien vers https://… ou vers une page du site"), WARNING),
        (11, french("onerror= exécute du JavaScript, ce que le site ne fait pas ; retirez-le"), WARNING),
        (16, french("*|FNAME|* est une balise de fusion Mailchimp : la lettre l'affiche telle quelle, jamais remplacée par les données d'un "
                    "abonné ; retirez-la"), WARNING),
    ]
    assert commands.run_check("pelicanconf.py") == 0
    assert commands.run_check("pelicanconf.py", strict=True) == 1
    assert french("content/posts/piege.md:9: <script> : le site n'exécute aucun JavaScript ; retirez-le [erreur]") in capsys.readouterr().err


HOSTILE_URLS = [
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "JaVaScRiPt:alert(1)",
    " \t  javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;ava&#x09;script:alert(1)",
]
# Each content type with a URL field on its line 2, and the lines that make the rest valid.
URL_FIELDS = {
    ("posts", "Url"): "Date: 2026-11-10\nCategory: Coulisses\n",
    ("posts", "Image"): "Date: 2026-11-10\nCategory: Coulisses\n",
    ("pages", "Url"): "",
    ("pages", "Image"): "",
    ("events", "URL"): "Start: 2026-12-20 18:00\nMode: offline\nKind: meetup\nVenue: La salle\nAddress: 1 rue de la Paix, Lyon\n",
    ("events", "Registration"): "Start: 2026-12-20 18:00\nMode: offline\nKind: meetup\nVenue: La salle\nAddress: 1 rue de la Paix, Lyon\n",
    ("events", "Image"): "Start: 2026-12-20 18:00\nMode: offline\nKind: meetup\nVenue: La salle\nAddress: 1 rue de la Paix, Lyon\n",
    ("members", "Links"): "Member-Since: 2026-01-01\nConsent: 2026-01-01\n",
    ("members", "Avatar"): "Member-Since: 2026-01-01\nConsent: 2026-01-01\n",
}


def test_every_url_field_refuses_scripts_and_data_at_its_line(site_copy, monkeypatch):
    monkeypatch.chdir(site_copy)
    expected = set()
    for (folder, field), rest in URL_FIELDS.items():
        title = "Name" if folder == "members" else "Title"
        for number, url in enumerate(HOSTILE_URLS):
            path = f"content/{folder}/piege-{field.lower()}-{number}.md"
            (site_copy / path).write_text(f"{title}: Piège {field} {number}\n{field}: {url}\n{rest}\nTexte.\n", encoding="utf-8")
            expected.add((path, 2, field))
    blocking, _ = check(load_site(site_copy / "pelicanconf.py"))
    reported = {(p.path, p.line, p.field) for p in blocking if p.severity == ERROR}
    assert sorted(expected - reported) == []


def _edition_with_a_post_to_a_script(site_copy):
    (site_copy / "content/posts/piege.md").write_text(
        "Title: Un billet piégé\nDate: 2026-11-22\nCategory: Coulisses\nUrl: javascript:alert(1)\n"
        "Image: images/pollen.png\nImage-Alt: Une abeille\nSummary: Rien à voir *|EMAIL|*.\n\nTexte.\n", encoding="utf-8")
    edition = site_copy / "content/newsletters/2026-11.md"
    edition.write_text(
        edition.read_text(encoding="utf-8").replace("Subject: La Guilde", "Subject: *|FNAME|*, la Guilde")
        + "\nUn [piège](javascript:alert(2)), <a href=\"data:text/html,x\">un autre</a> et *|EMAIL|*.\n", encoding="utf-8")


def test_the_email_never_links_to_a_script_even_without_the_lint(site_copy):
    _edition_with_a_post_to_a_script(site_copy)
    settings = load_site(site_copy / "pelicanconf.py").settings
    from newsletter import build_edition  # the plugin, importable once the site is loaded

    rendered, _ = build_edition(settings, "2026-11")  # as `invoke newsletter` does it: without the lint
    soup = BeautifulSoup(rendered.html, "html.parser")
    assert "Un billet piégé" in [a.get_text() for a in soup.select("h3 a")]  # the post is listed...
    assert live_code(rendered.html) == []  # ...without a javascript: link
    assert not re.search(r"(^|[\s(\"'<=])(javascript|data):", rendered.text, re.IGNORECASE | re.MULTILINE)
    assert "piège" in rendered.text and "un autre" in rendered.text
    assert LIVE_MERGE_TAG.findall(html_lib.unescape(rendered.html)) == TEMPLATE_TAGS_HTML
    assert LIVE_MERGE_TAG.findall(rendered.text) == TEMPLATE_TAGS_TEXT


def test_mailchimp_gets_no_live_merge_tag_from_the_content(mailchimp, site_copy, capsys):
    _edition_with_a_post_to_a_script(site_copy)
    assert commands.run_newsletter("pelicanconf.py", edition="2026-11", test="camille@exemple.fr") == 0, capsys.readouterr().err
    (campaign,) = mailchimp.campaigns_titled("tribune-2026-11")
    subject = campaign["settings"]["subject_line"]
    assert not LIVE_MERGE_TAG.search(subject) and subject.replace("\u200d", "").startswith("*|FNAME|*, la Guilde")
    assert LIVE_MERGE_TAG.findall(html_lib.unescape(campaign["_content"]["html"])) == TEMPLATE_TAGS_HTML
    assert LIVE_MERGE_TAG.findall(campaign["_content"]["plain_text"]) == TEMPLATE_TAGS_TEXT


def test_a_portrait_summed_up_in_the_email_text_shows_no_script(site_copy):
    quiet = "\n".join(line for line in HOSTILE_MEMBER.splitlines() if not line.startswith("Quote:")) + "\n"
    (site_copy / "content/members/zoe.md").write_text(quiet, encoding="utf-8")
    (site_copy / "content/members/lea-fontaine.md").unlink()
    settings = load_site(site_copy / "pelicanconf.py").settings
    from newsletter import build_edition

    rendered, _ = build_edition(settings, "2026-11")
    name, *summary, url = rendered.text[rendered.text.index("* Zoé"):].split("\n\n")[0].splitlines()
    summary = " ".join(line.strip() for line in summary)  # without a quote, the portrait's first words
    assert summary.startswith("Un portrait avec un lien et des données") and "alert" not in summary


def test_scripts_in_the_editors_word_never_reach_the_e_mail(mailchimp, site_copy, capsys):
    """`invoke newsletter --send` does not run the lint: the e-mail keeps the editor's markup,
    never a script or an event attribute (the site's page of the edition warns at the lint)."""
    from bs4 import BeautifulSoup

    from tribune import commands

    edition = site_copy / "content/newsletters/2026-11.md"
    edition.write_text(edition.read_text(encoding="utf-8") + "\n<img src=x onerror=alert(4)> <script>alert(5)</script> "
                       '<a href="/billets/" onclick="alert(6)" class="cta">**Lire**</a>\n', encoding="utf-8")
    assert commands.run_newsletter("pelicanconf.py", edition="2026-11", send=True, yes=True) == 0, capsys.readouterr().err
    (campaign,) = mailchimp.campaigns_titled("tribune-2026-11")
    sent = campaign["_content"]["html"]
    page = BeautifulSoup(sent, "html.parser")
    assert "alert(" not in sent and not page.find("script")
    assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert page.find("a", class_="cta")["href"].startswith("https://guilde.editions-boussole.fr/billets/")


def test_the_e_mails_compiled_template_kept_between_runs_still_defuses_every_value(tmp_path):
    """The e-mail's template is compiled once and kept in the cache folder. Code compiled
    for an environment that prints values as they are is never taken for the e-mail's, which
    defuses the merge tags in every value (Jinja compiles that call into the template)."""
    from tribune.sanitise import defuse_merge_tags
    from tribune.templating import theme_environment

    (tmp_path / "theme/templates").mkdir(parents=True)
    (tmp_path / "theme/templates/email.txt").write_text("{{ value }} *|UNSUB|*", encoding="utf-8")
    cache = tmp_path / "cache"
    as_written = theme_environment(tmp_path / "theme", cache).get_template("email.txt")
    assert as_written.render(value="*|EMAIL|*") == "*|EMAIL|* *|UNSUB|*"
    for _run in range(2):  # compiled, then taken from the cache
        defusing = theme_environment(tmp_path / "theme", cache, finalize=defuse_merge_tags).get_template("email.txt")
        assert LIVE_MERGE_TAG.findall(defusing.render(value="*|EMAIL|*")) == ["*|UNSUB|*"]
    assert len(list(cache.glob("jinja-*/*.cache"))) == 2  # one compiled template for each environment
