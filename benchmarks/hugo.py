"""The benchmark's synthetic posts as a Hugo site with a minimal layout, and Hugo itself.

Hugo (Debian's ``hugo`` package) builds the same posts as Tribune, so that the benchmark's
table puts vanilla Pelican, Tribune and Hugo side by side: posts keep their title, date,
category, tags, author and summary, their Markdown body (Pelican's ``{static}`` and
``{filename}`` links become Hugo's paths), and the images. The layout is minimal on purpose:
a page per post, the paginated home page and lists (6 per page, as Tribune's), tags,
categories and authors, RSS — what Hugo does with its defaults.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

CONFIG = """baseURL = "/"
languageCode = "fr"
title = "Bench"
buildFuture = true
paginate = 6
[taxonomies]
  tag = "tags"
  category = "categories"
  author = "authors"
"""

SINGLE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>
<body><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }} · {{ range .Params.tags }}{{ . }} {{ end }}</p>
{{ .Content }}</body></html>
"""

LIST = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }} — {{ site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ range (.Paginate (where site.RegularPages "Section" "posts")).Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Params.summary }}</p></article>{{ end }}
{{ template "_internal/pagination.html" . }}</body></html>
"""

TAXONOMY_LIST = LIST.replace('(where site.RegularPages "Section" "posts")', ".Pages")

_FILENAME_LINK = re.compile(r"\{filename\}/posts/([\w-]+)\.md")


def binary() -> str | None:
    """Hugo's command, installed with apt-get when it is missing and apt-get can (as root)."""
    if shutil.which("hugo") is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("installing Debian's hugo package (apt-get install -y hugo)…", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], capture_output=True)
    return shutil.which("hugo")


def version(hugo: str) -> str:
    found = re.search(r"v(\d+\.\d+\.\d+)", subprocess.run([hugo, "version"], capture_output=True, text=True).stdout)
    return found[1] if found else "?"


def post_path(site: Path, name: str) -> Path:
    return site / "content" / "posts" / name


def convert(content: Path, site: Path) -> Path:
    """Write ``content``'s posts (Pelican's Markdown) as the Hugo site ``site``; return it."""
    if site.exists():
        shutil.rmtree(site)
    (site / "content" / "posts").mkdir(parents=True)
    for folder, text in (("_default", {"single.html": SINGLE, "list.html": TAXONOMY_LIST}), ("", {"index.html": LIST})):
        for name, template in text.items():
            (site / "layouts" / folder).mkdir(parents=True, exist_ok=True)
            (site / "layouts" / folder / name).write_text(template, encoding="utf-8")
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(content / "images", site / "static" / "images")
    for source in sorted((content / "posts").glob("*.md")):
        post_path(site, source.name).write_text(hugo_post(source.read_text(encoding="utf-8")), encoding="utf-8")
    return site


def hugo_post(text: str) -> str:
    """One post of the synthetic site in Hugo's format (JSON front matter)."""
    header, _, body = text.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    front = {
        "title": fields["Title"],
        "date": fields["Date"].replace(" ", "T") + ":00+01:00",
        "categories": [fields["Category"]],
        "tags": [tag.strip() for tag in fields.get("Tags", "").split(",") if tag.strip()],
        "authors": [fields["Author"]],
        "summary": fields.get("Summary", ""),
    }
    if "Image" in fields:
        front["images"] = [f"/{fields['Image']}"]
    body = _FILENAME_LINK.sub(r"/posts/\1/", body.replace("{static}/", "/"))
    return json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body


def retitle(text: str, title: str) -> str:
    front, _, body = text.partition("\n\n")
    data = json.loads(front)
    data["title"] = title
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n\n" + body
