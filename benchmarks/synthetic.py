"""A synthetic community site of N posts, deterministic (seeded), for the benchmark.

Posts are about 600 words of French-looking prose with headings, lists, links, an image and a
fenced code block, like the sample site's; members, events and newsletter editions come in
proportion (one member per 50 posts, one event per 40, one edition per 100). As in real
communities, most posts have no ``Image:`` (Tribune then draws a share card for each): one
post in five has one (:data:`WITH_IMAGE_EVERY`), always the same ones.
"""

import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

WORDS = (
    "jeu partie règle carte plateau joueuse joueur soirée tournoi prototype atelier guilde communauté "
    "boussole marée phare pollen abeille stratégie hasard dé pion manche score équipe rencontre lettre "
    "été hiver ville médiathèque boutique illustration boîte famille enfant coopération défi découverte "
    "très souvent ensemble toujours parfois vraiment beaucoup aujourd’hui demain déjà encore"
).split()
CATEGORIES = ["Communauté", "Coulisses", "Conseils de jeu", "Rencontres", "Création"]
AUTHORS = ["Camille Rousseau", "Yanis Belkacem", "Léa Fontaine", "Hugo Marchand", "Aïcha Benali",
           "Nina Morel", "Mathis Girard", "Inès Lambert", "Paul Roux", "Sarah Dubois"]
TAGS = [f"{w}-{n}" for n, w in enumerate(WORDS[:30])]
WITH_IMAGE_EVERY = 5  # posts 0, 5, 10... have an Image: line; the other 80 % have none
CODE = "```python\ndef score(quais, phares):\n    # Deux points par quai, trois par phare.\n    return quais * 2 + phares * 3\n```"


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", " !", " ?"])


def fitted(text: str, length: int) -> str:
    """``text`` cut at a word to at most ``length`` characters: titles and summaries within the
    SEO lint's limits, so that the synthetic site passes `invoke publish`'s strict check."""
    while len(text) > length:
        text = text.rsplit(" ", 1)[0]
    return text


def paragraph(rng: random.Random, words: int) -> str:
    parts, total = [], 0
    while total < words:
        length = rng.randint(8, 18)
        parts.append(sentence(rng, length))
        total += length
    return " ".join(parts)


def post(rng: random.Random, index: int, date: datetime, n: int) -> str:
    title = f"{fitted(sentence(rng, rng.randint(4, 7))[:-1].rstrip(' !?.'), 50)} {index}"
    other = rng.randrange(n)
    body = "\n\n".join([
        paragraph(rng, 90),
        f"## {sentence(rng, 4)[:-1]}",
        paragraph(rng, 110),
        "\n".join(f"- {sentence(rng, rng.randint(5, 9))}" for _ in range(4)),
        f"![{sentence(rng, 5)[:-1]}]({{static}}/images/{rng.choice(['guilde', 'soiree', 'pollen', 'tournoi'])}.png)",
        paragraph(rng, 110) + f" Voir aussi [ce billet]({{filename}}/posts/post-{other:05d}.md).",
        f"## {sentence(rng, 4)[:-1]}",
        CODE,
        paragraph(rng, 120),
        paragraph(rng, 100),
    ])
    tags = ", ".join(rng.sample(TAGS, 3))
    header = (f"Title: {title}\nDate: {date:%Y-%m-%d %H:%M}\nCategory: {rng.choice(CATEGORIES)}\nTags: {tags}\n"
              f"Author: {rng.choice(AUTHORS)}\nSummary: {fitted(sentence(rng, 18), 150)}\n")
    # Drawn whether or not the post keeps it: the text of every post stays the same.
    image = f"Image: images/{rng.choice(['guilde', 'soiree', 'pollen', 'tournoi'])}.png\nImage-Alt: {sentence(rng, 6)[:-1]}\n"
    return f"{header}{image if index % WITH_IMAGE_EVERY == 0 else ''}\n{body}\n"


def generate(root: Path, n: int, sample: Path, seed: int = 2026) -> Path:
    """Write the site's content folder under ``root`` and return it."""
    rng = random.Random(seed)
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    for folder in ("posts", "pages", "members", "events", "newsletters"):
        (content / folder).mkdir(parents=True)
    shutil.copytree(sample / "images", content / "images")
    for page in (sample / "pages").glob("*.md"):
        shutil.copy(page, content / "pages" / page.name)
    start = datetime(2022, 1, 3, 9, 0)
    for index in range(n):
        date = start + timedelta(hours=index * 8)
        (content / "posts" / f"post-{index:05d}.md").write_text(post(rng, index, date, n), encoding="utf-8")
    for index in range(max(1, n // 50)):
        name = AUTHORS[index] if index < len(AUTHORS) else f"Membre {index}"
        (content / "members" / f"membre-{index:04d}.md").write_text(
            f"Name: {name}\nRole: Membre\nMember-Since: 2022-{index % 12 + 1:02d}-15\nCity: Lyon\nAvatar: images/avatar-lea-fontaine.jpg\n"
            f"Quote: {sentence(rng, 9)}\nSpotlight: {2022 + index // 12}-{index % 12 + 1:02d}\nConsent: 2022-01-10\n\n{paragraph(rng, 150)}\n",
            encoding="utf-8")
    for index in range(max(1, n // 40)):
        when = start + timedelta(days=index * 9, hours=10)
        mode = ["online", "offline", "mixed"][index % 3]
        place = "Venue: L'Atelier Boussole\nAddress: 12 montée de la Grande-Côte, 69001 Lyon\n" if mode != "online" else ""
        link = "URL: https://visio.example/guilde\n" if mode != "offline" else ""
        (content / "events" / f"evenement-{index:04d}.md").write_text(
            f"Title: Rendez-vous {index} : {sentence(rng, 4)[:-1]}\nStart: {when:%Y-%m-%d %H:%M}\nDuration: 2h\nMode: {mode}\nKind: meetup\n"
            f"{place}{link}Summary: {sentence(rng, 14)}\n\n{paragraph(rng, 120)}\n", encoding="utf-8")
    last = start + timedelta(hours=n * 8)
    month = start
    for index in range(max(1, n // 100)):
        month = (start + timedelta(days=31 * index)).replace(day=1)
        if month > last:
            break
        (content / "newsletters" / f"{month:%Y-%m}.md").write_text(
            f"Title: La lettre de {month:%m/%Y}\nPreheader: {sentence(rng, 10)}\nDate: {month:%Y-%m-%d} 09:00\n\n{paragraph(rng, 120)}\n",
            encoding="utf-8")
    return content
