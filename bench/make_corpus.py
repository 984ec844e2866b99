"""Make a synthetic but realistic dopemail workspace of N film entries, for the benchmarks.

    .venv/bin/python bench/make_corpus.py 1000                 # -> bench/.work/corpus-1000/
    .venv/bin/python bench/make_corpus.py 10000 --out /tmp/c --seed 7

Writes, under ``--out``:

- ``dopemail/``: a workspace (``dopemail.toml`` copied from the repository, ``entries/``,
  ``issues/``, ``media/``) that ``dopemail check`` and ``dopemail build`` accept. Each entry
  has a 600-1,500-word Markdown body with real typography (em dashes, curly quotes, accents,
  ellipses, « guillemets »), 3-8 cast, 2-4 screenings at venues with street addresses, 3-9
  gallery images with alt text, captions and credits, credits, a pull quote, streaming and
  sometimes events. N/10 issues gather 5 entries each (``issues/<number>-<slug>.md``).
  Pictures come from a small pool (the repository's sample photos plus a few made with
  Pillow, when it is installed), each referenced many times.
- ``pelican/content/``: the same entries as Pelican Markdown articles (metadata header + body).
- ``hugo/content/``: the same entries as Hugo pages (YAML front matter + body).
- ``corpus.json``: what was made (N, seed, counts), so ``bench/run.py`` can reuse it.

The peers have no notion of credits, screenings or galleries: their copies carry the same
Markdown body followed by those parts written as Markdown (pull quote, lead picture, credits,
where it plays with addresses, streaming, events, gallery with captions and credits, rights),
so every tool turns the same text and pictures into one page per entry.

Deterministic: every entry comes from its own ``random.Random(f"{seed}:{index}")`` and no
clock is read, so the same N and seed give the same bytes, and corpus 1,000 is the first
1,000 entries of corpus 10,000.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / ".work"
ZONE = ZoneInfo("America/Los_Angeles")
PARIS = ZoneInfo("Europe/Paris")
BASE_URL = "https://dopepress.example.com/"
#: Bump when the output format changes, so bench/run.py rebuilds cached corpora.
# 6: the interview links leave the site (its pages had none: dead links); 7: an event at a
# venue in France is at Paris's clock, its address ending with its country (it was at Los
# Angeles's, nine hours off, which the build now warns of).
FORMAT = 7
POOL_DIR = "media/pool"
GENERATED_IMAGES = 18
#: Most gallery pictures the five entries of one issue have together (the mean is 30).
ISSUE_IMAGES = 30

# --- vocabulary ---------------------------------------------------------------------------

FIRST = [
    "Agnès",
    "Céline",
    "Hélène",
    "Benoît",
    "Joséphine",
    "François",
    "Anaïs",
    "Zoë",
    "Andrés",
    "Tomás",
    "Inés",
    "Björn",
    "Søren",
    "Małgorzata",
    "Renée",
    "Noémie",
    "Jérôme",
    "Maëlle",
    "Ana",
    "Paul",
    "Claire",
    "Jamie",
    "Andrew",
    "Rosalind",
    "Marco",
    "Dana",
    "Lupe",
    "Nadia",
    "June",
    "Callum",
    "Hiroshi",
    "Yuki",
    "Amara",
    "Kofi",
    "Priya",
    "Ravi",
    "Lena",
    "Jonah",
    "Marit",
    "Sigrid",
    "Håkon",
    "Ilse",
    "Théo",
    "Léa",
    "Chloé",
    "Raphaël",
    "Elodie",
    "Oskar",
    "Dorota",
    "Luis",
    "Camila",
    "Ngozi",
    "Mei",
    "Jin",
    "Hye-jin",
    "Farah",
    "Omar",
    "Selin",
]
LAST = [
    "Varda",
    "Sciamma",
    "Triet",
    "Ozon",
    "Marchetti",
    "Haigh",
    "Mescal",
    "Ferreira-Holm",
    "Ekwueme",
    "Arriaga",
    "Whitcombe",
    "Rhys-Baker",
    "Brandvold",
    "Løvås",
    "Aamodt",
    "Eidsvik",
    "Delgado",
    "Whitfield",
    "Pearlman",
    "Mei",
    "Karger",
    "Lefèvre",
    "Dubois",
    "Müller",
    "Nakamura",
    "Okafor",
    "Kowalczyk",
    "Øvergaard",
    "Castañeda",
    "Nguyễn",
    "Trần",
    "Park",
    "Haddad",
    "Yılmaz",
    "Bergström",
    "Moreau",
    "Rousseau",
    "Bélanger",
    "Santos",
    "O’Brien",
    "D’Amico",
    "Lindqvist",
    "Ibáñez",
    "Gómez",
    "Kaur",
    "Mensah",
    "Achterberg",
    "Brontë",
]
ADJ = [
    "luminous",
    "patient",
    "restless",
    "tender",
    "austere",
    "sly",
    "feverish",
    "melancholy",
    "ravishing",
    "unhurried",
    "bruising",
    "funny",
    "elliptical",
    "lucid",
    "haunted",
    "wry",
    "sun-bleached",
    "nocturnal",
    "meticulous",
    "brittle",
    "generous",
    "severe",
    "dreamlike",
    "sprawling",
    "intimate",
    "grave",
    "playful",
    "unsentimental",
    "hushed",
    "volatile",
]
NOUN = [
    "orchard",
    "harbor",
    "winter",
    "ferry",
    "lighthouse",
    "garden",
    "stranger",
    "summer",
    "letter",
    "mirror",
    "river",
    "hotel",
    "apartment",
    "tide",
    "border",
    "kitchen",
    "island",
    "ghost",
    "sister",
    "train",
    "cinema",
    "storm",
    "vineyard",
    "balcony",
    "night shift",
    "wedding",
    "orchestra",
    "quarry",
    "archive",
    "coastline",
    "rooftop",
    "motel",
    "parade",
]
PLACES = [
    "a Tromsø hotel in the polar night",
    "the eastern shore of the Salton Sea",
    "a high-rise in south London",
    "the Canal de l’Ourcq at dusk",
    "a Lisbon tram depot",
    "the back rooms of a Montréal bakery",
    "a ferry between Helsinki and Tallinn",
    "a shuttered cinema in Marseille",
    "the outskirts of Oaxaca",
    "a Seoul laundromat",
    "a cattle station in the Pilbara",
    "a Brooklyn walk-up in August",
    "the Camargue",
    "a boarding school near Kraków",
    "an Istanbul rooftop",
    "a truck stop outside Tucson",
]
THEMES = [
    "grief and its odd comedies",
    "the families we invent",
    "work that never ends",
    "first love at the wrong age",
    "memory and what it edits out",
    "a town that forgets itself",
    "the price of staying put",
    "two sisters and an inheritance",
    "exile and the way home",
    "the small lies that hold a marriage together",
    "a country changing faster than its people",
    "ambition, and the friends it costs",
    "ghosts, literal and otherwise",
]
VERBS = [
    "lingers on",
    "circles",
    "drifts toward",
    "cuts away from",
    "returns to",
    "frames",
    "holds on",
    "pulls back from",
    "closes in on",
    "follows",
    "abandons",
    "rediscovers",
]
THINGS = [
    "a kitchen table",
    "an empty platform",
    "the sea",
    "a child’s drawing",
    "a row of lemon trees",
    "a neon sign",
    "a hospital corridor",
    "the last ferry",
    "a wedding dress",
    "a cassette tape",
    "a burning field",
    "a television left on",
    "the family car",
    "a letter never sent",
    "a staircase",
    "the aurora through a window",
    "a pair of muddy boots",
    "a church bell",
]
FRENCH = [
    "on ne sait jamais",
    "c’est la vie, paraît-il",
    "la nuit porte conseil",
    "tant pis",
    "l’amour est aveugle",
    "rien ne va plus",
    "à la prochaine",
    "plus ça change",
    "un jour, peut-être",
    "qui vivra verra",
    "c’est déjà ça",
]
QUOTES = [
    "I’ve always said that writers know less about the real world than anyone else",
    "We planted the trees ourselves, two summers before we shot",
    "A festival is just a week when everyone agrees to go to the movies together",
    "You don’t make a film about the dark; you make it in the dark",
    "The camera is a very polite guest, until it isn’t",
    "Every family is a ghost story if you wait long enough",
    "I wanted the audience to feel the cold before they saw it",
    "We shot the ending first, so nobody could talk us out of it",
    "The actors knew more about these people than I did",
    "Comedy is grief with better timing",
]
VENUES = [
    ("Landmark Sunset", "8000 Sunset Boulevard", "Los Angeles", "CA", "90046"),
    ("AMC Century City", "10250 Santa Monica Boulevard", "Los Angeles", "CA", "90067"),
    ("Monica Film Center", "1332 2nd Street", "Santa Monica", "CA", "90401"),
    ("Fairfax Picture House", "7330 Beverly Boulevard", "Los Angeles", "CA", "90036"),
    ("Colorado Street Cinemas", "673 East Colorado Boulevard", "Pasadena", "CA", "91101"),
    ("Lumière West", "8440 Sunset Boulevard", "West Hollywood", "CA", "90069"),
    ("Broxton Screening Room", "1045 Broxton Avenue", "Los Angeles", "CA", "90024"),
    ("Eastside Rep", "4473 Sunset Drive", "Los Angeles", "CA", "90027"),
    ("Harbor Lights Theatre", "215 West 6th Street", "San Pedro", "CA", "90731"),
    ("Vista Palms", "4473 West Sunset Boulevard", "Los Angeles", "CA", "90027"),
    ("The Frida", "305 East 4th Street", "Santa Ana", "CA", "92701"),
    ("Silent Movie Hall", "611 North Fairfax Avenue", "Los Angeles", "CA", "90036"),
    ("Glendale Grand", "120 North Brand Boulevard", "Glendale", "CA", "91203"),
    ("Long Beach Art Screen", "4901 East 2nd Street", "Long Beach", "CA", "90803"),
    ("Cinéma du Panthéon", "13 rue Victor-Cousin", "Paris", None, "75005"),
]
STREAMING = [
    ("Hulu", "https://www.hulu.com/"),
    ("The Criterion Channel", "https://www.criterionchannel.com/"),
    ("Kanopy", "https://www.kanopy.com/"),
    ("MUBI", "https://mubi.com/"),
    ("Max", "https://www.max.com/"),
    ("Netflix", "https://www.netflix.com/"),
    ("Prime Video", "https://www.primevideo.com/"),
    ("Apple TV+", "https://tv.apple.com/"),
]
DISTRIBUTORS = [
    "Searchlight Pictures",
    "Neon",
    "IFC Films",
    "Music Box Films",
    "Janus Films",
    "A24",
    "Lantern Row Pictures",
    "Northlight Releasing",
    "Kino Lorber",
    "Strand Releasing",
    "Sideshow",
    "Magnolia Pictures",
    "Oscilloscope",
    "Film Movement",
]
COUNTRIES = [
    ("France", "French"),
    ("United States", "English"),
    ("Norway", "Norwegian"),
    ("Japan", "Japanese"),
    ("South Korea", "Korean"),
    ("Mexico", "Spanish"),
    ("Poland", "Polish"),
    ("Turkey", "Turkish"),
    ("United Kingdom", "English"),
    ("Vietnam", "Vietnamese"),
    ("Brazil", "Portuguese"),
    ("Germany", "German"),
]
TAGS = [
    "drama",
    "comedy",
    "documentary",
    "romance",
    "thriller",
    "repertory",
    "restoration",
    "debut feature",
    "French cinema",
    "LGBTQ+",
    "family",
    "horror",
    "animation",
    "streaming",
    "festival",
    "Q&A",
    "35mm",
    "70mm",
    "world cinema",
    "coming of age",
]
KINDS = ["review"] * 6 + ["news", "event", "feature", "interview", "festival"]
SOURCES = ["novel", "play", "memoir", "short story"]
ISSUE_SUBJECTS = [
    "{a}, and where to see it",
    "Ghosts, strangers and {a}",
    "{a}: a summer of repertory",
    "This week: {a} and {b}",
    "From Paris with love: {a}",
    "{a}, {b} and a letter from Paris",
]


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "untitled"


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _title(rng: random.Random) -> str:
    adj, noun, noun2 = rng.choice(ADJ), rng.choice(NOUN), rng.choice(NOUN)
    pattern = rng.randrange(6)
    if pattern == 0:
        return f"The {adj.capitalize()} {noun.title()}"
    if pattern == 1:
        return f"{noun.title()} of the {noun2.title()}"
    if pattern == 2:
        return f"All the {noun.title()}s"
    if pattern == 3:
        return f"La {noun.capitalize()} d’{rng.choice(['Anaïs', 'Hélène', 'Élodie', 'Inès'])}"
    if pattern == 4:
        return f"Quiet {noun.title()}"
    return f"{rng.choice(FIRST)}’s {noun.title()}"


# --- prose --------------------------------------------------------------------------------


@dataclass
class Film:
    title: str
    director: str
    characters: list[tuple[str, str]]  # (actor, role)
    place: str
    theme: str


def _sentence(rng: random.Random, film: Film) -> str:
    actor, role = rng.choice(film.characters)
    upper = film.title.upper()
    director = film.director
    s = rng.randrange(16)
    if s == 0:
        adj = _a(rng.choice(ADJ))
        return f"{director}’s {upper} is {adj} film about {film.theme}, set in {film.place}."
    if s == 1:
        return (
            f"There is a moment—{role} alone with {rng.choice(THINGS)}—when the film "
            f"{rng.choice(VERBS)} {rng.choice(THINGS)} and simply waits."
        )
    if s == 2:
        return f"“{rng.choice(QUOTES)},” {role} says, and {actor} lets the line hang in the air."
    if s == 3:
        return (
            f"The camera {rng.choice(VERBS)} {rng.choice(THINGS)}, then {rng.choice(VERBS)} "
            f"{rng.choice(THINGS)}, as if looking for something it misplaced…"
        )
    if s == 4:
        return f"« {rng.choice(FRENCH).capitalize()} », as {role} puts it, half to herself."
    if s == 5:
        return (
            f"{actor} plays {role} with {_a(rng.choice(ADJ))} precision that makes every "
            f"silence count; you can’t look away."
        )
    if s == 6:
        return (
            f"It’s {rng.choice(ADJ)}, {rng.choice(ADJ)} and, in its last twenty minutes, "
            f"{rng.choice(ADJ)} in a way few films dare to be."
        )
    if s == 7:
        return (
            f"Shot on 16mm by {_name(rng)}, the film’s {rng.choice(NOUN)}s glow like "
            f"something remembered rather than seen."
        )
    if s == 8:
        return (
            f"What begins as {_a(rng.choice(ADJ))} comedy about {rng.choice(THEMES)} turns, "
            f"almost without our noticing, into something much stranger."
        )
    if s == 9:
        return (
            f"*{film.title}* owes a debt to Agnès Varda’s *Cléo from 5 to 7*—and to "
            f"Chantal Akerman’s kitchens—but it never feels borrowed."
        )
    if s == 10:
        return (
            f"Is it a ghost story? A love story? {director} isn’t telling, and the "
            f"ambiguity is the point… or most of it."
        )
    if s == 11:
        return (
            f"The score, all cello and {rng.choice(['harmonium', 'tape hiss', 'church organ'])}, "
            f"arrives only twice, and both times it **earns** its place."
        )
    if s == 12:
        return (
            f"When {role} finally says ‘{rng.choice(['enough', 'stay', 'not yet', 'go home'])}’, "
            f"the whole {rng.choice(NOUN)} seems to exhale."
        )
    if s == 13:
        return (
            f"{director} cuts from {rng.choice(THINGS)} to {rng.choice(THINGS)} with the "
            f"confidence of someone who has spent years in an editing room."
        )
    if s == 14:
        return (
            f"(You can read our [interview with {director}]"
            f"(https://www.example.org/{_slugify(director)}-interview/) from last year.)"
        )
    return (
        f"By the time the {rng.choice(NOUN)} appears—{rng.choice(ADJ)}, "
        f"{rng.choice(ADJ)}—{upper} has already made its case."
    )


def _body(rng: random.Random, film: Film, words: int) -> str:
    paragraphs: list[str] = []
    count = 0
    while count < words:
        if paragraphs and rng.random() < 0.06:
            text = f"## {rng.choice(['The cast', 'The look', 'Where it comes from', 'Verdict'])}"
        elif paragraphs and rng.random() < 0.05:
            text = f"> {_sentence(rng, film)} {_sentence(rng, film)}"
        else:
            sentences: list[str] = []
            for _ in range(rng.randint(3, 7)):
                sentence = _sentence(rng, film)
                sentences.append(sentence)
                count += len(sentence.split())
                if count >= words:  # the body stops within a sentence of its length
                    break
            paragraphs.append(" ".join(sentences))
            continue
        paragraphs.append(text)
        count += len(text.split())
    return "\n\n".join(paragraphs) + "\n"


# --- an entry -----------------------------------------------------------------------------


@dataclass
class Made:
    slug: str
    meta: dict[str, Any]
    body: str
    published: datetime
    extras: list[str] = field(default_factory=list)  # the structured parts, as Markdown


def _moment(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _film_meta(rng: random.Random, title: str, director: str, cast: list[tuple[str, str]]) -> dict:
    country, language = rng.choice(COUNTRIES)
    film: dict[str, Any] = {"title": title}
    if rng.random() < 0.3:
        film["original_title"] = f"{title} ({rng.choice(['version originale', 'Urfassung'])})"
    film["year"] = rng.randint(1955, 2024)
    film["directors"] = [director]
    film["writers"] = [director] if rng.random() < 0.6 else [director, _name(rng)]
    film["cast"] = [{"name": a, "role": r} if r else a for a, r in cast]
    if rng.random() < 0.25:
        film["based_on"] = {
            "title": _title(rng),
            "author": _name(rng),
            "kind": rng.choice(SOURCES),
        }
    film["distributor"] = rng.choice(DISTRIBUTORS)
    film["runtime"] = rng.randint(72, 178)
    film["countries"] = [country]
    film["language"] = language
    return film


def make_entry(index: int, seed: int, pool: list[str]) -> Made:
    """Entry number ``index`` of the corpus (independent of N)."""
    rng = random.Random(f"{seed}:{index}")
    title = _title(rng)
    slug = f"{_slugify(title)}-{index:05d}"
    director = _name(rng)
    cast = [(_name(rng), rng.choice(FIRST) if rng.random() < 0.85 else "") for _ in range(8)]
    cast = cast[: rng.randint(3, 8)]
    film = Film(
        title,
        director,
        [(a, r or a.split()[0]) for a, r in cast],
        rng.choice(PLACES),
        rng.choice(THEMES),
    )
    start = datetime(2014, 1, 6, 9, 0, tzinfo=ZONE)
    published = (start + timedelta(hours=8 * index, minutes=rng.randint(0, 120))).astimezone(ZONE)
    kind = rng.choice(KINDS)
    meta: dict[str, Any] = {"title": title, "kind": kind, "published": _moment(published)}
    if rng.random() < 0.15:
        meta["updated"] = _moment(published + timedelta(days=rng.randint(1, 20)))
    meta["author"] = rng.choice(["DoPe Press", "Rosalind Mei", "Jonah Pearlman", _name(rng)])
    if rng.random() < 0.5:
        meta["summary"] = (
            f"{director}’s {title.upper()}, with {cast[0][0]} and {cast[1][0]}, is "
            f"{_a(rng.choice(ADJ))} film about {film.theme}—set in {film.place}."
        )
    meta["tags"] = [*rng.sample(TAGS, rng.randint(2, 4)), director]
    if rng.random() < 0.8:
        meta["pull_quote"] = {
            "text": rng.choice(QUOTES) + rng.choice([".", "…", "."]),
            "attribution": f"{director}, director of {title}",
        }
    if kind == "festival":
        others = [(_title(rng), _name(rng)) for _ in range(rng.randint(1, 2))]
        meta["films"] = [_film_meta(rng, title, director, cast)] + [
            _film_meta(rng, t, d, cast[:3]) for t, d in others
        ]
    else:
        meta["film"] = _film_meta(rng, title, director, cast)
    run_start = published.date() + timedelta(days=rng.randint(1, 14))
    run_end = run_start + timedelta(days=rng.randint(7, 42))
    meta["run"] = {
        "note": f"In cinemas from {run_start:%B} {run_start.day}, {run_start.year}.",
        "starts": run_start.isoformat(),
        "ends": run_end.isoformat(),
    }
    screenings = []
    for venue, address, city, region, postal in rng.sample(VENUES, rng.randint(2, 4)):
        screening: dict[str, Any] = {"venue": venue, "address": address, "city": city}
        if region:
            screening["region"] = region
        else:
            screening["country"] = "France"
        screening["postal_code"] = postal
        screening["starts"] = run_start.isoformat()
        screening["ends"] = run_end.isoformat()
        if rng.random() < 0.5:
            # At the venue's clock: Paris's for a venue in France (the build warns of a
            # showtime at another offset than its venue's).
            clock = ZONE if region else PARIS
            day = datetime(run_start.year, run_start.month, run_start.day, tzinfo=clock)
            first = day + timedelta(days=rng.randint(0, 6), hours=rng.choice([14, 17, 19, 21]))
            screening["times"] = [
                _moment(first),
                _moment(day + timedelta(days=7, hours=19, minutes=30)),
            ]
        if rng.random() < 0.6:
            screening["url"] = f"https://www.example.com/{_slugify(venue)}/{slug}"
        if rng.random() < 0.3:
            screening["note"] = rng.choice(
                ["35mm print.", "Q&A after the 7 pm show.", "In French with English subtitles."]
            )
        screenings.append(screening)
    meta["screenings"] = screenings
    if rng.random() < 0.6:
        meta["streaming"] = [
            {"service": s, "url": u} for s, u in rng.sample(STREAMING, rng.randint(1, 2))
        ]
    if rng.random() < 0.3:
        venue = screenings[0]
        abroad = "country" in venue  # in France: at Paris's clock, the country said
        clock = PARIS if abroad else ZONE
        when = datetime(run_start.year, run_start.month, run_start.day, 21, tzinfo=clock)
        place = (
            f"{venue['postal_code']} {venue['city']}, {venue['country']}"
            if abroad
            else venue["city"]
        )
        meta["events"] = [
            {
                "title": f"{title}, opening-night Q&A",
                "kind": rng.choice(["q&a", "conversation", "talk"]),
                "participants": [director, cast[0][0]],
                "moderator": rng.choice(["Rosalind Mei", "Dave Karger", _name(rng)]),
                "date": _moment(when),
                "venue": venue["venue"],
                "address": f"{venue['address']}, {place}",
                "url": f"https://www.example.com/{slug}#qa",
            }
        ]
    first_film = meta["film"] if "film" in meta else meta["films"][0]
    meta["gallery_title"] = f"{director}, {title} ({first_film['year']})"
    images = []
    for number, src in enumerate(rng.sample(pool, rng.randint(3, 9)), start=1):
        actor = rng.choice(cast)[0]
        image: dict[str, Any] = {
            "src": src,
            "alt": f"{actor} {rng.choice(['by', 'at', 'beside', 'in front of'])} "
            f"{rng.choice(THINGS)}, in {film.place}",
            "caption": f"{actor} in {title}" if number > 1 else f"{cast[0][0]} and {cast[1][0]}",
        }
        if rng.random() < 0.7:
            image["credit"] = _name(rng)
        images.append(image)
    meta["images"] = images
    meta["rights"] = f"Images courtesy and © {first_film['distributor']}, {published.year}."
    body = _body(rng, film, rng.randint(600, 1475))
    return Made(slug, meta, body, published, _extras(meta))


def _extras(meta: dict[str, Any]) -> list[str]:
    """The entry's structured parts as Markdown: what dopemail's templates add to the body."""
    out: list[str] = []
    quote = meta.get("pull_quote")
    if quote:
        out.append(f"> “{quote['text']}”\n>\n> — {quote['attribution']}")
    images = meta["images"]

    def picture(image: dict[str, Any]) -> str:
        caption = image["caption"] + (
            f", photograph by {image['credit']}" if "credit" in image else ""
        )
        return f"![{image['alt']}](/{image['src']})\n*{caption}*"

    out.insert(0, picture(images[0]))
    tail: list[str] = []
    for film in [meta["film"]] if "film" in meta else meta["films"]:
        cast = ", ".join(
            f"{p['name']} ({p['role']})" if isinstance(p, dict) else p for p in film["cast"]
        )
        lines = [f"## {film['title']} ({film['year']})", ""]
        lines.append(f"Directed by {', '.join(film['directors'])}  ")
        lines.append(f"Written by {', '.join(film['writers'])}")
        if "based_on" in film:
            b = film["based_on"]
            lines[-1] += f"  \nBased on the {b['kind']} *{b['title']}* by {b['author']}"
        lines += ["", f"With {cast}", ""]
        lines.append(
            f"{film['distributor']} · {film['runtime']} min · {', '.join(film['countries'])} · "
            f"{film['language']}"
        )
        tail.append("\n".join(lines))
    tail.append(meta["run"]["note"])
    plays = ["## Where it plays", ""]
    for s in meta["screenings"]:
        where = ", ".join(
            p for p in (s["address"], s["city"], s.get("region"), s["postal_code"]) if p
        )
        venue = f"[{s['venue']}]({s['url']})" if "url" in s else s["venue"]
        plays.append(f"- **{venue}**  \n  {where}  \n  {s['starts']} to {s['ends']}")
    tail.append("\n".join(plays))
    if meta.get("streaming"):
        tail.append(
            "## Where it streams\n\n"
            + "\n".join(
                f"- Now streaming on [{s['service']}]({s['url']})" for s in meta["streaming"]
            )
        )
    for event in meta.get("events", []):
        tail.append(
            f"## Events\n\n### {event['title']}\n\n{' and '.join(event['participants'])}, "
            f"with {event['moderator']}. {event['date']}, {event['venue']}, {event['address']}.\n\n"
            f"[Tickets and information]({event['url']})"
        )
    if len(images) > 1:
        tail.append(f"## {meta['gallery_title']}\n\n" + "\n\n".join(picture(i) for i in images[1:]))
    tail.append(f"*{meta['rights']}*")
    return out + ["<!-- body -->"] + tail


# --- files --------------------------------------------------------------------------------


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def dopemail_text(made: Made) -> str:
    return f"---\n{_yaml(made.meta)}---\n{made.body}"


def _peer_body(made: Made) -> str:
    split = made.extras.index("<!-- body -->")
    head, tail = made.extras[:split], made.extras[split + 1 :]
    return "\n\n".join([*head, made.body.strip(), *tail]) + "\n"


def _summary(made: Made) -> str:
    return made.meta.get("summary") or made.body.split("\n\n")[0][:300]


def pelican_text(made: Made) -> str:
    meta = made.meta
    one_line = " ".join(_summary(made).split())
    header = [
        f"Title: {meta['title']}",
        f"Date: {meta['published']}",
        *([f"Modified: {meta['updated']}"] if "updated" in meta else []),
        f"Slug: {made.slug}",
        f"Author: {meta['author']}",
        f"Tags: {', '.join(meta['tags'])}",
        f"Summary: {one_line}",
    ]
    return "\n".join(header) + "\n\n" + _peer_body(made)


def hugo_text(made: Made) -> str:
    meta = made.meta
    front: dict[str, Any] = {
        "title": meta["title"],
        "date": meta["published"],
        **({"lastmod": meta["updated"]} if "updated" in meta else {}),
        "slug": made.slug,
        "author": meta["author"],
        "tags": meta["tags"],
        "summary": " ".join(_summary(made).split()),
    }
    return f"---\n{_yaml(front)}---\n{_peer_body(made)}"


def make_pool(root: Path) -> list[str]:
    """The pictures entries pick from: the repository's sample photos and a few made here."""
    folder = root / POOL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    pool: list[str] = []
    samples = sorted(p for p in (REPO / "media").glob("*/*.jpg"))
    for number, path in enumerate(samples, start=1):
        name = f"sample-{number:02d}.jpg"
        shutil.copyfile(path, folder / name)
        pool.append(f"{POOL_DIR}/{name}")
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # the repository's photos alone are enough
        print("make_corpus: Pillow is not installed; using the sample photos only", file=sys.stderr)
        return pool
    for number in range(1, GENERATED_IMAGES + 1):
        rng = random.Random(f"image:{number}")
        width, height = rng.choice([(1200, 800), (800, 1200), (1600, 900), (1000, 1000)])
        image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(width), rng.randrange(height)
            box = (x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 400))
            draw.ellipse(box, fill=tuple(rng.randrange(256) for _ in range(3)))
        image = image.resize((width // 2, height // 2))
        ext = "png" if number % 6 == 0 else "jpg"
        name = f"made-{number:02d}.{ext}"
        if ext == "png":
            image.quantize(64).save(folder / name, optimize=False)
        else:
            image.save(folder / name, quality=82)
        pool.append(f"{POOL_DIR}/{name}")
    return pool


def _issue(number: int, entries: list[Made], rng: random.Random) -> tuple[str, str]:
    titles = [e.meta["title"] for e in entries]
    subject = rng.choice(ISSUE_SUBJECTS).format(a=titles[0], b=titles[1])
    slug = _slugify(subject)[:60].strip("-")
    date = max(e.published for e in entries) + timedelta(days=2)
    date = date.replace(hour=8, minute=0)
    meta: dict[str, Any] = {
        "number": number,
        "subject": subject,
        "date": _moment(date),
        "preheader": f"{titles[0]}, {titles[1]} and three more films—where they play, "
        f"where they stream, and what we thought…",
        "status": "sent",
    }
    if rng.random() < 0.5:
        meta["entries"] = [e.slug for e in entries]
    else:
        meta["entries"] = [e.slug for e in entries[:3]]
        meta["sections"] = [{"title": "Now playing", "entries": [e.slug for e in entries[3:]]}]
    intro = (
        f"Dear readers,\n\nThis letter opens with *{titles[0]}*—the film we have not stopped "
        f"talking about—and closes with « {rng.choice(FRENCH)} », as they say in Paris. In "
        f"between: {', '.join(titles[1:4])} and {titles[4]}, with where and when they play…\n\n"
        f"See you in the dark.\n"
    )
    return f"{number}-{slug}", f"---\n{_yaml(meta)}---\n{intro}"


def _gathered(window: list[Made]) -> list[Made]:
    """Five entries of ``window`` for an issue, keeping the email under Gmail's 102 KB.

    An editor told "the email is 103 KB" gathers films with shorter galleries: swap the
    entry with the most pictures for one with fewer until the five have at most
    ``ISSUE_IMAGES`` pictures (about the average), keeping the published order.
    """
    picked, rest = list(window[:5]), list(window[5:])
    while sum(len(e.meta["images"]) for e in picked) > ISSUE_IMAGES and rest:
        big = max(picked, key=lambda e: len(e.meta["images"]))
        small = min(rest, key=lambda e: len(e.meta["images"]))
        if len(small.meta["images"]) >= len(big.meta["images"]):
            break
        picked[picked.index(big)] = small
        rest[rest.index(small)] = big
    return sorted(picked, key=lambda e: e.published)


def make_corpus(n: int, out: Path, seed: int = 1, issues: int | None = None) -> dict[str, Any]:
    """Write the corpus of ``n`` entries (and ``issues`` issues, default n // 10) under ``out``."""
    issues = n // 10 if issues is None else issues
    if 5 * issues > n:
        raise SystemExit(f"{issues} issues of 5 entries need at least {5 * issues} entries")
    if out.exists():
        shutil.rmtree(out)
    ws = out / "dopemail"
    (ws / "entries").mkdir(parents=True)
    (ws / "issues").mkdir()
    shutil.copyfile(REPO / "dopemail.toml", ws / "dopemail.toml")
    for name in ("dopepress-logo.png", "dopepress-icon.png"):
        (ws / "media").mkdir(exist_ok=True)
        shutil.copyfile(REPO / "media" / name, ws / "media" / name)
    pool = make_pool(ws)
    pelican = out / "pelican" / "content"
    hugo = out / "hugo" / "content"
    pelican.mkdir(parents=True)
    hugo.mkdir(parents=True)
    shutil.copytree(ws / "media", out / "pelican" / "content" / "media")
    shutil.copytree(ws / "media", out / "hugo" / "static" / "media")
    made: list[Made] = []
    words = 0
    for index in range(n):
        entry = make_entry(index, seed, pool)
        made.append(entry)
        words += len(entry.body.split())
        (ws / "entries" / f"{entry.slug}.md").write_text(dopemail_text(entry), encoding="utf-8")
        (pelican / f"{entry.slug}.md").write_text(pelican_text(entry), encoding="utf-8")
        (hugo / f"{entry.slug}.md").write_text(hugo_text(entry), encoding="utf-8")
    rng = random.Random(f"{seed}:issues")
    # Issue k gathers 5 of the 10 entries published since the one before, and goes out after them.
    stride = n // issues if issues else 0
    for k in range(issues):
        name, text = _issue(k + 1, _gathered(made[k * stride : (k + 1) * stride]), rng)
        (ws / "issues" / f"{name}.md").write_text(text, encoding="utf-8")
    info = {
        "format": FORMAT,
        "entries": n,
        "issues": issues,
        "seed": seed,
        "pool": len(pool),
        "body_words": words,
        "newest": made[-1].slug if made else None,
        "newest_in_issue": made[(issues - 1) * stride].slug if issues else None,
    }
    (out / "corpus.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of film entries")
    parser.add_argument("--out", type=Path, help="output folder (default bench/.work/corpus-N)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--issues", type=int, help="number of issues (default N/10)")
    args = parser.parse_args(argv)
    out = args.out or WORK / f"corpus-{args.n}"
    info = make_corpus(args.n, out.resolve(), args.seed, args.issues)
    print(
        f"wrote {info['entries']} entries ({info['body_words']:,} words of body) and "
        f"{info['issues']} issues to {out}/dopemail, with Pelican and Hugo copies"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
