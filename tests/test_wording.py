"""The words of a language: a French publication reads French, English stays as it was."""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import pytest
from conftest import REPO, copy_publication

from dopemail.build import build
from dopemail.cli import cli
from dopemail.issuefiles import PREHEADER_PLACEHOLDERS
from dopemail.moments import WholeDay
from dopemail.sourcetext import _PLACEHOLDER
from dopemail.templates import make_environment
from dopemail.wording import ENGLISH, catalog_path, load_translations, wording_for

NBSP, NNBSP = "\u00a0", "\u202f"
SRC = REPO / "src"


def _scripts_module(name: str):  # noqa: ANN202 - a script, loaded as the tests load bench's
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog():  # noqa: ANN202
    from babel.messages.pofile import read_po

    with open(catalog_path("fr"), "rb") as handle:
        return read_po(handle, locale="fr")


# A French publication: the sample's settings and pictures, its own entries and issue, in
# French, so that any English word in its outputs is one the templates wrote.
ENTRY = """\
---
title: Portrait de la jeune fille en feu
kind: review
published: 2024-02-20T09:00:00+01:00
updated: 2024-02-21T10:00:00+01:00
author: Rédaction
summary: Un film de Céline Sciamma, à revoir au Champo.
tags: [critique, drame]
pull_quote:
  text: Ne regrettez pas, souvenez-vous.
  attribution: Héloïse
film:
  title: Portrait de la jeune fille en feu
  year: 2019
  directors: [Céline Sciamma]
  writers: [Céline Sciamma]
  cast:
    - name: Noémie Merlant
      role: Marianne
    - name: Adèle Haenel
      role: Héloïse
    - name: Luàna Bajrami
  based_on: {author: Jeanne Dupont, kind: nouvelle, year: 1890}
  distributor: Pyramide
  runtime: 120
  countries: [FR, DE]
  language: French
run:
  starts: 2024-02-09
  ends: 2024-02-20
screenings:
  - venue: Le Champo
    address: 51 rue des Écoles
    city: Paris
    postal_code: "75005"
    country: FR
    starts: 2024-01-30
    ends: 2024-02-02
    times: [2024-01-30T20:30:00+01:00, 2024-02-01T14:00:00+01:00, 2024-02-02]
  - venue: Le Grand Action
    address: 5 rue des Écoles
    city: Paris
    postal_code: "75005"
  - venue: Kino International
    address: Karl-Marx-Allee 33
    city: Berlin
    postal_code: "10178"
    country: Allemagne
  - venue: Cinéma Galeries
    address: Galerie de la Reine 26
    city: Bruxelles
    postal_code: "1000"
    country: BE
streaming:
  - service: Arte
    since: 2024-01-02
  - service: Mubi
    since: 2024-03-01
  - service: Canal
events:
  - kind: conversation
    participants: [Céline Sciamma, Noémie Merlant, Adèle Haenel]
    moderator: Claire Martin
    video: https://video.example/rencontre
    date: 2024-01-30T22:30:00+01:00
    venue: Le Champo
    url: https://champo.example/rencontre
  - kind: q&a
    participants: [Céline Sciamma]
    date: 2024-02-01
  - kind: talk
    moderator: Claire Martin
images:
  - src: media/all-of-us-strangers/01.jpg
    alt: Deux femmes au bord de la mer
    caption: Marianne et Héloïse
    credit: Lilies Films
  - src: media/all-of-us-strangers/02.jpg
    alt: Une femme qui peint
    credit: Lilies Films
  - src: media/all-of-us-strangers/03.jpg
    alt: Une plage
    credit: Émile Ozon
  - src: media/all-of-us-strangers/04.jpg
    alt: Un feu la nuit
    caption: Le feu
  - src: media/all-of-us-strangers/05.jpg
    alt: Un tableau
  - src: media/all-of-us-strangers/06.jpg
    alt: Une robe verte
rights: Images © Lilies Films, 2019.
---
Le film de Céline Sciamma revient sur grand écran, au Quartier latin.
"""

SECOND = """\
---
title: Les Demoiselles de Rochefort
kind: event
published: 2024-02-21T09:00:00+01:00
author: Rédaction
summary: Une projection en copie neuve.
film:
  title: Les Demoiselles de Rochefort
  year: 1967
  directors: [Jacques Demy]
  writers: [Jacques Demy, Agnès Varda]
  based_on: {title: Rochefort, author: Anne Dupont, kind: roman}
---
Projection unique, en présence de l’équipe.
"""

ISSUE = """\
---
number: 1
subject: Sciamma et Demy
date: 2024-02-23T08:00:00+01:00
preheader: Deux films à revoir à Paris.
status: ready
entries:
  - portrait
sections:
  - title: Et aussi
    entries: [demoiselles]
---
Chères lectrices, chers lecteurs,

Deux films à revoir cette semaine.
"""


def _french(root: Path, language: str = "fr") -> Path:
    copy_publication(root)
    shutil.rmtree(root / "entries")
    shutil.rmtree(root / "issues")
    (root / "entries").mkdir()
    (root / "issues").mkdir()
    (root / "entries" / "portrait.md").write_text(ENTRY, encoding="utf-8")
    (root / "entries" / "demoiselles.md").write_text(SECOND, encoding="utf-8")
    (root / "issues" / "1-sciamma-et-demy.md").write_text(ISSUE, encoding="utf-8")
    config = root / "dopemail.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('language = "en"', f'language = "{language}"')
    text = re.sub(r'timezone = "[^"]*"', 'timezone = "Europe/Paris"', text)
    text = text.replace(
        'description = "Film reviews, screenings and conversations from the film section of '
        'Paris-LA."',
        'description = "Critiques, séances et rencontres de la rubrique cinéma de Paris-LA."',
    )
    text = text.replace(
        'copyright = "© Paris-LA / DoPe Press. Images © their owners, as credited."', ""
    )
    text = re.sub(r'postal_address = "[^"]*"', 'postal_address = "DoPe Press, 75011 Paris"', text)
    config.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def french(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _french(tmp_path_factory.mktemp("fr") / "pub")
    build(root, jobs=1)
    return root


def _visible(page: str) -> str:
    """The text a reader sees of an HTML page: no styles, scripts nor markup; entities read."""
    tree = lxml.html.fromstring(page)
    for element in tree.xpath("//style | //script | //comment()"):
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):  # a block's words end where the next one's begin
        element.tail = " " + (element.tail or "")
    titles = " ".join(tree.xpath("//@title | //@alt"))
    return re.sub(r"[ \t\n]+", " ", tree.text_content() + " " + titles)


_BLOCKS = ("p", "li", "div", "td", "br", "h1", "h2", "h3", "h4", "figcaption", "title", "a")


def _outputs(root: Path) -> dict[str, str]:
    """Every French output's visible text, by name."""
    site, issue = root / "site", root / "site" / "issues" / "1-sciamma-et-demy"
    texts = {
        "page": _visible((site / "portrait" / "index.html").read_text(encoding="utf-8")),
        "page 2": _visible((site / "demoiselles" / "index.html").read_text(encoding="utf-8")),
        "home": _visible((site / "index.html").read_text(encoding="utf-8")),
        "web version": _visible((issue / "index.html").read_text(encoding="utf-8")),
        "email.html": _visible((issue / "email.html").read_text(encoding="utf-8")),
        # Lines joined again where the text part wrapped them.
        "email.txt": re.sub(r"\n *", " ", (issue / "email.txt").read_text(encoding="utf-8")),
    }
    for name in ("rss.xml", "atom.xml", "feed.json", "issues.xml"):
        feed = feedparser.parse((root / "feeds" / name).read_bytes())
        parts = [feed.feed.get("title", "")]
        for entry in feed.entries:
            parts.append(entry.get("title", ""))
            for content in entry.get("content", []):
                parts.append(_visible(f"<div>{content.value}</div>"))
        texts[name] = "\n".join(parts)
    return texts


def test_a_french_publication_reads_french(french: Path) -> None:
    texts = _outputs(french)
    page, web, txt = texts["page"], texts["web version"], texts["email.txt"]
    email = texts["email.html"]
    # Words.
    for text in (page, web, email, txt):
        assert "Où le voir" in text or "OÙ LE VOIR" in text
        assert "Écrit et réalisé par Céline Sciamma" in text
    assert "Lire la suite" in web and "Lire la suite" in email
    # The email's button named for a screen reader in French too.
    named = "Lire la suite&#160;: Portrait de la jeune fille en feu"
    html = (french / "site/issues/1-sciamma-et-demy/email.html").read_text(encoding="utf-8")
    assert f'aria-label="{named}">Lire la suite</a>' in html
    assert f"Lire la suite{NBSP}: https://dopepress.example.com/portrait/" in txt
    assert "Se désabonner" in email and f"Se désabonner{NBSP}: " in txt
    assert "Voir dans le navigateur" in email
    assert "Galerie" in page and "Voir les 5 photos" in web and "Voir les 5 photos" in email
    assert f"Les 5 photos{NBSP}: https://dopepress.example.com/portrait/#gallery" in txt
    # A venue in the publication's own country (its time zone's) needs no country to be
    # written as that country writes it; one named in French is known (it was "did you
    # mean 'Italia'?" for Italie) and ordered as its country writes it.
    for text in (page, web, email):
        assert "5 rue des Écoles, 75005 Paris" in text
        assert "Karl-Marx-Allee 33, 10178 Berlin, Allemagne" in text
    # A country given by its code, named in French too (it was "Belgium").
    for text in (page, web, email, txt):
        assert "Galerie de la Reine 26, 1000 Bruxelles, Belgique" in text, text
    # Countries given by their codes, and the language, in French ("French" is a word of
    # the catalog: the check below would find it left in English).
    for text in (page, web, email, txt):  # (the text part binds "·" to the fact before it)
        assert "Pyramide · 120 min · France, Allemagne · français" in text.replace(NBSP, " ")
    # The same cast line on the page and in the issue (the page's had no "et").
    assert "Avec Noémie Merlant (Marianne), Adèle Haenel (Héloïse) et Luàna Bajrami" in page
    assert "Avec Noémie Merlant (Marianne), Adèle Haenel (Héloïse) et Luàna Bajrami" in web
    assert "D’après une œuvre de Jeanne Dupont (nouvelle, 1890)" in page
    # 'de' elided before a vowel, which the catalog's 'de %(author)s' cannot know.
    assert "d’après Rochefort, roman d’Anne Dupont" in web
    demoiselles = texts["page 2"]
    assert "D’après Rochefort, roman d’Anne Dupont" in demoiselles
    # (A credit under no caption begins its line.)
    assert "Photographie d’Émile Ozon" in page and "photographie d’Émile" not in page
    assert "Marianne et Héloïse, photographie de Lilies Films" in page
    assert (
        "Réalisé par Jacques Demy ; écrit par Jacques Demy et Agnès Varda".replace(
            " ;", f"{NNBSP};"
        )
        in web
    )
    assert (
        "Céline Sciamma, Noémie Merlant et Adèle Haenel en conversation avec Claire Martin" in page
    )
    assert f"Animation{NBSP}: Claire Martin" in page
    assert "Voir l’enregistrement" in page and "Billets et informations" in page
    assert "CRITIQUE" in txt and "ÉVÉNEMENT" in txt and "Critique" in texts["home"]
    assert "Questions-réponses" in page and "Conférence" in page
    assert f"Mots-clés{NBSP}: critique, drame" in page
    assert "Par Rédaction" in page and "mis à jour le 21 février 2024" in page
    # Dates and times: CLDR's, in French, 24-hour.
    assert "23 février 2024" in email and "23 février 2024" in txt and "23 février 2024" in web
    assert "20 février 2024" in page
    assert f"En salles{NBSP}: 9\u201320 février 2024." in page
    assert "30 janvier\u202f\u2013\u202f2 février 2024" in page
    assert f"mar. 30 janvier, 20:30{NNBSP}; jeu. 1er février, 14:00{NNBSP}; ven. 2 février" in page
    assert "mar. 30 janvier, 22:30" in page and "PM" not in page
    assert "En streaming sur Mubi à partir du 1er mars 2024" in page
    assert "Actuellement en streaming sur Arte (depuis le 2 janvier 2024)" in page
    assert "Arte, depuis le 2 janvier 2024" in web and "Mubi, à partir du 1er mars 2024" in txt
    # The pull quote's marks, and the issue's number.
    for text in (page, web, email, txt):
        assert f"«{NBSP}Ne regrettez pas, souvenez-vous.{NBSP}»" in text
    assert f"N°{NBSP}1" in email and f"Lettre n°{NBSP}1" in web
    assert f"DoPe Press{NBSP}: N°{NBSP}1, 23 février 2024" in txt
    assert f"N°{NBSP}1{NBSP}: Sciamma et Demy" in texts["home"]
    assert f"N°{NBSP}1{NBSP}: Sciamma et Demy" in texts["issues.xml"]
    assert f"DoPe Press{NBSP}: la lettre d’information" in texts["issues.xml"]
    # What machines read of the language.
    head = (french / "site" / "portrait" / "index.html").read_text(encoding="utf-8")
    events = [json.loads(s) for s in re.findall(r'ld\+json">(.*?)</script>', head, re.S)]
    names = [e["name"] for g in events for e in g if e["@type"] == "ScreeningEvent"]
    assert "Portrait de la jeune fille en feu — Le Champo" in names, names
    assert '<html lang="fr"' in head and '<meta property="og:locale" content="fr_FR">' in head
    # Every page says it, the home page and the issues' web versions too (they did not).
    for page in ("index.html", "issues/1-sciamma-et-demy/index.html"):
        text = (french / "site" / page).read_text(encoding="utf-8")
        assert '<meta property="og:locale" content="fr_FR">' in text, page
        assert '<meta property="og:site_name" content="DoPe Press">' in text, page
    assert json.loads((french / "feeds" / "feed.json").read_text())["language"] == "fr"


# A placeholder in a message, and what is left of it (punctuation and spaces alone).
_FIELD = re.compile(r"%\(\w+\)[sd]")


def _fragments(message: str) -> list[str]:
    """The words of a message between its placeholders (an HTML one's markup aside)."""
    text = html.unescape(re.sub(r"<[^>]+>", "%(tag)s", message))
    found = []
    for piece in _FIELD.split(text):
        piece = piece.strip(" \u00a0.,;:()")
        if piece and not piece.isascii() or re.search(r"[A-Za-z]", piece):
            found.append(piece)
    return found


def test_no_english_phrase_of_the_catalog_is_left_in_french_outputs(french: Path) -> None:
    texts = _outputs(french)
    left = []
    for message in _catalog():
        if not message.id or message.id == message.string:
            continue  # the same in both ('Conversation', 'festival')
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            for fragment in _fragments(msgid):
                if any(fragment in s for s in strings):
                    continue  # 'Masterclass' in 'Masterclass', 'RSS' in 'RSS : %(url)s'
                before = r"(?<!\w)" if re.match(r"\w", fragment) else ""
                after = r"(?!\w)" if re.search(r"\w$", fragment) else ""
                pattern = re.compile(before + re.escape(fragment) + after)
                for name, text in texts.items():
                    if pattern.search(text):
                        left.append(f"{fragment!r} (of {msgid!r}) in {name}")
    assert not left, "English left in French outputs:\n" + "\n".join(left)


def test_every_marked_phrase_has_french() -> None:
    """A new English phrase in a template or a filter without its French fails here: run
    scripts/update_catalogs.py, then translate it in the .po."""
    update = _scripts_module("update_catalogs")
    marked = {m.id for m in update.extracted() if m.id}
    catalog = _catalog()
    known = {m.id: m for m in catalog if m.id}
    assert marked - set(known) == set(), "not in the French catalog (run update_catalogs.py)"
    assert set(known) - marked == set(), "in the catalog, marked nowhere any more"
    untranslated = [
        m.id
        for m in known.values()
        if not (all(m.string) if isinstance(m.string, tuple) else m.string) or m.fuzzy
    ]
    assert untranslated == []
    # The catalog is as update_catalogs.py writes it (what review reads is what builds).
    assert update.main(["--check"]) == 0


def test_french_typography_in_the_catalog() -> None:
    for message in _catalog():
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if not message.id or not text:
                continue
            assert not re.search(r"[^\u00a0\u202f\s]:(\s|$)", text.replace("&#160;", "")), text
            assert " :" not in text and " ;" not in text, f"a breaking space before: {text!r}"
            assert "'" not in text.replace('class="', ""), f"a straight apostrophe: {text!r}"
            if ";" in text and "&" not in text and "%(" not in text.split(";")[0][-4:]:
                assert f"{NNBSP};" in text, text


def test_no_french_phrase_puts_de_or_a_before_a_title() -> None:
    # "Voir les 6 photos de Les Feuilles mortes": a title may begin with its article, which
    # 'de' and 'à' contract with (des, du, au); a phrase sets a title apart instead.
    for message in _catalog():
        if any("new_issue" in where for where, _ in message.locations):
            continue  # the scaffold's sentence to replace, naming the publication
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            assert not re.search(r"\b(?:de|à) %\(title\)s", text or ""), text


def test_the_catalog_compiles_and_translates() -> None:
    french, _ = load_translations("fr")
    assert french.gettext("Where it plays") == "Où le voir"
    assert french.ngettext("See %(num)d photo", "See all %(num)d photos", 1) == "Voir la photo"
    assert french.ngettext("See %(num)d photo", "See all %(num)d photos", 3) % {"num": 3} == (
        "Voir les 3 photos"
    )


def test_french_dates_and_names() -> None:
    words = wording_for("fr")
    paris = ZoneInfo("Europe/Paris")
    assert words.long_date(date(2026, 12, 4)) == "4 décembre 2026"
    assert words.long_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert words.date_range(date(2026, 12, 9), date(2026, 12, 20)) == "9–20 décembre 2026"
    # (No-break thin spaces around the dash: the CLDR's break, and a line began with '–'.)
    assert words.date_range(date(2026, 11, 30), date(2026, 12, 3)) == (
        "30 novembre\u202f–\u202f3 décembre 2026"
    )
    assert words.date_range(date(2026, 12, 30), date(2027, 1, 3)) == (
        "30 décembre 2026\u202f–\u202f3 janvier 2027"
    )
    assert words.date_range(date(2026, 12, 1), date(2026, 12, 31)) == "1er–31 décembre 2026"
    assert words.date_range(date(2026, 12, 1), date(2027, 1, 1)) == (
        "1er décembre 2026\u202f–\u202f1er janvier 2027"
    )
    assert words.date_range(date(2026, 12, 4), date(2026, 12, 4)) == "4 décembre 2026"
    assert words.date_range(date(2026, 12, 4), None) == "à partir du 4 décembre 2026"
    assert words.date_range(None, date(2026, 12, 4)) == "jusqu’au 4 décembre 2026"
    assert words.show_time(datetime(2026, 12, 10, 20, 30, tzinfo=paris)) == (
        "jeu. 10 décembre, 20:30"
    )
    day = WholeDay(2026, 12, 10, tzinfo=paris)
    assert words.show_time(day) == "jeu. 10 décembre"
    # Beside a piece of another year (an event's date), with its year.
    piece = datetime(2027, 1, 5, 9, tzinfo=paris)
    assert words.show_time(day, piece) == "jeu. 10 décembre 2026"
    assert words.show_time(datetime(2026, 12, 10, 20, 30, tzinfo=paris), piece) == (
        "jeu. 10 décembre 2026, 20:30"
    )
    assert words.show_time(day, datetime(2026, 1, 5, tzinfo=paris)) == "jeu. 10 décembre"
    assert words.join_names(["A", "B", "C"]) == "A, B et C"
    assert words.join_names(["A", "B"]) == "A et B"
    assert words.locale == "fr_FR"
    assert wording_for("fr-CA").locale == "fr_CA"
    assert wording_for("fr-CA").translated
    # A region the CLDR has no French of (the LA desk's fr-US) is French all the same; it
    # was English, without a word.
    assert wording_for("fr-US").translated and wording_for("fr-US").locale == "fr_US"
    assert wording_for("fr-US").long_date(date(2026, 12, 4)) == "4 décembre 2026"
    # Codes spelled out in French; one that is no country (ZZ, EU) as written, as the
    # warning says, not the CLDR's "région inconnue"; a three-letter language code too.
    assert [words.country_name(c) for c in ("DE", "DEU", "ZZ", "EU")] == [
        "Allemagne",
        "Allemagne",
        "ZZ",
        "EU",
    ]
    # And named, in English or its own language ('United States · anglais' was printed), but
    # a part of one, and a name dopemail does not know, as written; in English, as written.
    named = ("United States", "Deutschland", "USA", "日本", "Scotland", "Québec", "Frnace")
    assert [words.country_name(c) for c in named] == [
        "États-Unis",
        "Allemagne",
        "États-Unis",
        "Japon",
        "Scotland",
        "Québec",
        "Frnace",
    ]
    assert [ENGLISH.country_name(c) for c in ("United States", "Deutschland")] == [
        "United States",
        "Deutschland",
    ]
    assert [words.language_name(n) for n in ("eng", "fr", "French", "Chinese (Mandarin)")] == [
        "anglais",
        "français",
        "français",
        "Chinese (Mandarin)",
    ]
    # A tag in any case is the tag (pt-br is pt-BR), in French and in English.
    assert words.language_name("pt-br") == words.language_name("pt-BR") == "portugais brésilien"
    assert ENGLISH.language_name("pt-br") == "Brazilian Portuguese"


def test_an_offset_west_of_greenwich_is_written_with_the_language_s_minus_sign() -> None:
    from dopemail.moments import AwayTime

    west = AwayTime(2026, 12, 10, 20, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    india = AwayTime(2026, 12, 10, 20, 30, tzinfo=ZoneInfo("Asia/Kolkata"))
    # The CLDR's French writes U+2212 (it was 'UTC-8'); English keeps its hyphen-minus.
    assert wording_for("fr").show_time(west) == "jeu. 10 décembre, 20:30 (UTC\u22128)"
    assert wording_for("fr").show_time(india).endswith("(UTC+5:30)")
    assert ENGLISH.show_time(west) == "Thu, December 10, 8:30\u00a0PM (UTC-8)"


def test_english_is_as_before() -> None:
    assert wording_for("en") is ENGLISH
    assert not wording_for("en-GB").translated
    # og:locale as Open Graph writes it (language_TERRITORY): "en" and "en-GB" were not.
    assert ENGLISH.locale == "en_US" and wording_for("en-GB").locale == "en_GB"
    assert wording_for("en-gb").locale == "en_GB" and wording_for("en-Latn").locale == "en_US"
    assert wording_for("en-UK").locale == "en_GB"  # as often written: UK is no territory's
    la = ZoneInfo("America/Los_Angeles")
    assert ENGLISH.long_date(date(2026, 12, 4)) == "December 4, 2026"
    assert ENGLISH.show_time(datetime(2026, 12, 10, 20, 30, tzinfo=la)) == (
        "Thu, December 10, 8:30\u00a0PM"
    )
    # The year, beside a date of another year, each taken as written, as each is shown: a
    # piece dated January 1 in Paris, at 2 AM, is of 2027 to its readers, though it is still
    # December 31 in Los Angeles.
    eve = datetime(2026, 12, 31, 20, 30, tzinfo=la)
    piece = datetime(2027, 1, 1, 2, tzinfo=ZoneInfo("Europe/Paris"))
    assert ENGLISH.show_time(eve, piece) == "Thu, December 31, 2026, 8:30\u00a0PM"
    assert ENGLISH.show_time(eve, datetime(2026, 12, 31, 23, tzinfo=UTC)) == (
        "Thu, December 31, 8:30\u00a0PM"
    )
    assert ENGLISH.show_time(
        WholeDay(2024, 1, 20, tzinfo=la), datetime(2026, 12, 1, tzinfo=la)
    ) == ("Sat, January 20, 2024")
    assert ENGLISH.join_names(["A", "B", "C"]) == "A, B, and C"
    assert ENGLISH.gettext("Where it plays") == "Where it plays"


def test_an_english_build_imports_no_babel(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    env = {"PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin"}
    ran = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dopemail", "build", "-j", "1"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "built" in ran.stdout
    assert " babel" not in ran.stderr
    # A French one does (the test of the test).
    _french(tmp_path / "fr")
    ran = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "dopemail", "check"],
        cwd=tmp_path / "fr",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert " babel" in ran.stderr


def test_a_language_without_a_catalog_is_english_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _french(tmp_path / "pub", language="de")
    from click.testing import CliRunner

    monkeypatch.chdir(tmp_path)  # not in dopemail's checkout, as with an installed dopemail

    result = CliRunner().invoke(cli, ["check", "--root", str(root)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "no catalog" in line]
    assert warnings == [
        'warning: dopemail.toml:8: language = "de": dopemail has no catalog for this language '
        "yet, so pages, emails and feeds are written in English words, with English dates"
    ]
    assert "locales/de/LC_MESSAGES/" in result.output
    # The catalog to copy is named where it is, from a checkout or an installed package.
    copied = re.search(r"copy (\S+/fr/LC_MESSAGES/dopemail\.po) to", result.output)
    assert copied and Path(copied.group(1)).is_file(), result.output
    build(root, jobs=1)
    page = (root / "site" / "portrait" / "index.html").read_text(encoding="utf-8")
    assert "Where it plays" in page and "February 20, 2024" in page and "8:30\u00a0PM" in page
    assert "“Ne regrettez pas, souvenez-vous.”" in page
    assert '<html lang="de"' in page and 'og:locale" content="de_DE"' in page
    # English and French are not warned of.
    assert "no catalog" not in CliRunner().invoke(cli, ["check", "--root", str(REPO)]).output


def test_a_new_issue_s_preheader_joins_its_titles_as_the_language_does() -> None:
    # "Dans ce numéro : Élisions, Typo, Past Lives, at last in Paris": three titles or four?
    from dopemail.scaffold import _preheader
    from dopemail.wording import ENGLISH, wording_for

    titles = ["Élisions", "Typo", "Past Lives, at last in Paris"]
    assert _preheader(titles, wording_for("fr")) == (
        f"Dans ce numéro{NBSP}: Élisions, Typo et Past Lives, at last in Paris"
    )
    assert _preheader(titles, ENGLISH) == (
        "In this issue: Élisions, Typo, and Past Lives, at last in Paris"
    )
    assert _preheader(titles[:2], ENGLISH) == "In this issue: Élisions and Typo"
    # Some left out, not fitting an inbox's line: no 'and' saying the list is whole.
    long = ["Un film au titre assez long pour remplir", "Un autre film au titre assez long"]
    assert _preheader([*long, "Troisième film au long titre qui ne tient pas"], ENGLISH) == (
        f"In this issue: {long[0]}, {long[1]}, …"
    )


def test_french_scaffolds_and_their_placeholders(tmp_path: Path) -> None:
    from click.testing import CliRunner

    root = _french(tmp_path / "pub")
    runner = CliRunner()
    made = runner.invoke(cli, ["new", "entry", "Cléo de 5 à 7", "--root", str(root)])
    assert made.exit_code == 0, made.output
    entry = (root / "entries" / "cleo-de-5-a-7.md").read_text(encoding="utf-8")
    assert "Écrivez l’article ici, en Markdown." in entry
    assert "# title: " not in entry and "Nom du réalisateur" in entry
    # Its kinds' French words, which it reads (the English ones were listed alone).
    assert "# critique, actualité, événement, festival, dossier, entretien" in entry
    # Its examples are a Paris publication's: times at Paris's offset on their day (they
    # were "-08:00", Los Angeles's), an address in Paris.
    assert "#     times: [2024-03-08T19:30:00+01:00]" in entry and "-08:00" not in entry
    assert "#     city: Paris" in entry
    # A region and a country, which a French address at home gives neither of, left to be
    # uncommented: once uncommented as they were, a Paris address was published as '75010
    # Paris, Île-de-France, France'.
    assert "\n#     # region: CA    # où les adresses du pays en donnent une\n" in entry
    assert "\n#     # country: Belgique  # un lieu à l’étranger\u00a0: pas le pays" in entry
    assert "Île-de-France" not in entry and "France\n" not in entry.split("screenings:")[1]
    made = runner.invoke(cli, ["new", "issue", "--root", str(root)])
    assert made.exit_code == 0, made.output
    issue_path = next((root / "issues").glob("2-*.md"))
    issue = issue_path.read_text(encoding="utf-8")
    assert "Chères lectrices, chers lecteurs," in issue
    assert "# id: <son identifiant dans l’ancien flux>" in issue and "its id" not in issue
    assert f"Écrivez ici l’introduction de DoPe Press n°{NBSP}2." in issue
    assert f'subject: "DoPe Press n°{NBSP}2"' in issue
    assert f"Dans ce numéro{NBSP}: Cléo de 5 à 7" not in issue  # a draft: not gathered
    # `ready` and a published entry refuse the French sentences, as the English ones.
    ready = issue.replace("status: draft", "status: ready")
    issue_path.write_text(re.sub(r"(?m)^  \[\] .*$", "  - portrait", ready), encoding="utf-8")
    (root / "entries" / "cleo-de-5-a-7.md").write_text(
        entry.replace("draft: true", "draft: false"), encoding="utf-8"
    )
    checked = runner.invoke(cli, ["check", "--root", str(root)])
    assert checked.exit_code == 1
    assert "'Écrivez l’article ici, en Markdown.'" in checked.output
    assert f"'Écrivez ici l’introduction de DoPe Press n°{NBSP}2.'" in checked.output


def test_the_placeholders_load_refuses_are_the_catalogs() -> None:
    french, _ = load_translations("fr")
    assert french.gettext("One sentence on what this issue brings.") in PREHEADER_PLACEHOLDERS
    assert _PLACEHOLDER.fullmatch(french.gettext("Write the piece here, in Markdown."))
    intro = french.gettext("Write the intro of %(title)s No. %(number)s here.")
    assert _PLACEHOLDER.fullmatch(intro % {"title": "DoPe Press", "number": 12})


def test_a_template_of_ones_own_may_use_the_words(tmp_path: Path) -> None:
    root = _french(tmp_path / "pub")
    own = root / "templates" / "entry_item.html.j2"
    own.parent.mkdir(exist_ok=True)
    own.write_text(
        '<li><a href="{{ entry.url }}">{{ entry.meta.title }}</a> · {{ _("Read more") }}'
        " · {{ entry.meta.published | long_date }}</li>\n",
        encoding="utf-8",
    )
    build(root, jobs=1)
    home = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "Portrait de la jeune fille en feu</a> · Lire la suite · 20 février 2024" in home


def test_editing_the_catalog_renders_everything_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build cache is keyed on dopemail's rendering code: its words are part of it.
    from dopemail import cache

    package = tmp_path / "dopemail"
    shutil.copytree(SRC / "dopemail", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", package)
    root = copy_publication(tmp_path / "pub")
    before = cache.context_key(root)
    po = package / "locales" / "fr" / "LC_MESSAGES" / "dopemail.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Où le voir", "Où le voir ?"))
    assert cache.context_key(root) != before
    # And what a build writes: the words are compiled into the templates' code, which is
    # kept between processes (by catalog), and into the cache's records (by context key).
    po.write_text(po.read_text(encoding="utf-8").replace("Où le voir ?", "Où le voir"))
    french = _french(tmp_path / "fr")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "dopemail", "build", "--root", str(french)]

    def page() -> str:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr + done.stdout
        return (french / "site" / "portrait" / "index.html").read_text(encoding="utf-8")

    assert "<h2>Où le voir</h2>" in page()
    po.write_text(po.read_text(encoding="utf-8").replace("Où le voir", "Où le voir en salle"))
    assert "<h2>Où le voir en salle</h2>" in page()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_words_are_translated_as_templates_compile_and_read_as_gettext_writes_them(
    language: str,
) -> None:
    # A phrase is the text it translates to in the compiled code (a call per phrase at each
    # render cost an English cold build 5 % of its instructions), and reads as the newstyle
    # gettext writes it: values escaped where the template escapes, "%%" a "%", and a phrase
    # given as a variable still translated at the render.
    from dopemail.templates import make_environment

    env = make_environment(None, language=language)
    words = wording_for(language)
    source = (
        '{{ _("Where it plays") }}|{{ _("By %(author)s", author=who) }}|{{ _("100%%") }}|'
        "{{ _(phrase) }}|{{ ngettext('%(num)d photo', '%(num)d photos', 2) }}"
    )
    code = env.compile(source, raw=True)
    # Called at the render: the phrase given as a variable, and ngettext (its plural is the
    # number's); the three others are in the code as their text.
    # A phrase with values in an output is its words and its values, as "By {{ who }}".
    assert code.count("context.call(") == 2 and "%(author)s" not in code
    assert words.gettext("By %(author)s").split("%(")[0] in code
    rendered = env.from_string(source).render(who="<Zoé & Co>", phrase="Events")
    by = words.gettext("By %(author)s") % {"author": "&lt;Zoé &amp; Co&gt;"}
    assert rendered == (
        f"{words.gettext('Where it plays')}|{by}|100%|{words.gettext('Events')}|"
        f"{words.ngettext('%(num)d photo', '%(num)d photos', 2) % {'num': 2}}"
    )
    # A phrase holding markup, joined to a constant, is not escaped (Jinja2's optimizer
    # joins constants as text: it was '&amp;nbsp;').
    joined = env.from_string('{{ _("Newsletter No.&nbsp;%(number)s", number=1) ~ "" }}')
    assert joined.render() == words.gettext("Newsletter No.&nbsp;%(number)s") % {"number": 1}
    plain = make_environment(None, autoescape=False, language=language)
    assert plain.from_string('{{ _("By %(author)s", author="<b>") }}').render() == (
        words.gettext("By %(author)s") % {"author": "<b>"}
    )
    # The compiled code kept between processes is the language's own.
    from dopemail.templates import TemplateCode, _words_key

    keys = {
        TemplateCode(words=_words_key(wording_for(tag))).key("page.html.j2", "x")
        for tag in ("en", "fr")
    }
    assert len(keys) == 2


FILMS = """\
films:
  - title: Jeanne Dielman
    year: 1975
    countries: [BE]
    language: fr
  - title: Sans titre
    runtime: 90
  - title: Germinal
    year: 1993
    directors: [Claude Berri]
    based_on: {author: Émile Zola, kind: roman}
    language: English
  - title: Ascenseur pour l’échafaud
    cast: [{name: Jeanne Moreau}]
    distributor: mk2
"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_film_s_facts_begin_a_sentence_of_their_own(tmp_path: Path, language: str) -> None:
    # 'Jeanne Dielman (1975) Belgique · français.' and '… d’Émile Zola. anglais.' were
    # printed: no stop after the title, and a sentence begun lowercase.
    root = _french(tmp_path / "pub", language)
    second = root / "entries" / "demoiselles.md"
    text = second.read_text(encoding="utf-8")
    text = re.sub(r"film:\n(  .*\n)+", FILMS, text)
    second.write_text(text, encoding="utf-8")
    build(root, jobs=1)
    texts = _outputs(root)
    if language == "fr":
        said = [
            "Jeanne Dielman (1975). Belgique · français.",
            f"Sans titre. 90{NBSP}min.",
            "d’Émile Zola. Anglais.",
            "Ascenseur pour l’échafaud. Avec Jeanne Moreau. mk2.",
        ]
        shown = ["Belgique · français", f"90{NBSP}min", "Anglais", "mk2"]
    else:
        said = [
            "Jeanne Dielman (1975). Belgium · French.",
            f"Sans titre. 90{NBSP}min.",
            "Émile Zola. English.",
            "Ascenseur pour l’échafaud. With Jeanne Moreau. mk2.",
        ]
        shown = ["Belgium · French", f"90{NBSP}min", "English", "mk2"]
    for name in ("web version", "email.html", "email.txt"):
        found = texts[name].replace("&nbsp;", NBSP)
        assert [s for s in said if s not in found] == [], name
    # The page sets them apart, each in a paragraph of its own, a language named first
    # capitalised as the beginning of a sentence is.
    page = lxml.html.fromstring((root / "site/demoiselles/index.html").read_bytes())
    paragraphs = [p.text_content() for p in page.xpath("//section[@class='credits']/p")]
    assert [s for s in shown if s not in paragraphs] == []


def test_a_q_and_a_reads_as_french_whatever_the_number_of_people() -> None:
    # "Isabelle Huppert répondent aux questions du public" (and, with its video, "Revoir
    # Agnès Varda et Isabelle Huppert répondent..."): no verb to agree, and "Voir" for an
    # event that may be to come.
    from types import SimpleNamespace

    from dopemail.templates import event_people

    words = wording_for("fr")
    for people in (["Isabelle Huppert"], ["Agnès Varda", "Isabelle Huppert"]):
        said = event_people(
            SimpleNamespace(kind="q&a", participants=people, moderator="Thierry Frémaux"),
            words=words,
        )
        assert said == (
            f"{words.join_names(people)} en séance de questions-réponses avec Thierry Frémaux"
        )
    assert words.gettext("Watch %(people)s.") == "Voir %(people)s."


def test_french_elides_de_before_the_name_filled_in_only() -> None:
    # 'de' was elided wherever a vowel followed: 'roman de Machado d’Assis', 'd’Yasujirō'.
    from markupsafe import Markup

    elide = wording_for("fr").elide
    assert elide("mémoires de Alberto Moravia", "Alberto Moravia") == ("mémoires d’Alberto Moravia")
    assert elide("photographie de Ana de Armas", "Ana de Armas") == ("photographie d’Ana de Armas")
    assert elide("roman de Machado de Assis", "Machado de Assis") == "roman de Machado de Assis"
    assert elide("une œuvre de Yasujirō Ozu", "Yasujirō Ozu") == "une œuvre de Yasujirō Ozu"
    assert elide("photographie de Yves Montand", "Yves Montand") == "photographie d’Yves Montand"
    assert elide("film de Brian De Palma", "Brian De Palma") == "film de Brian De Palma"
    shown = elide(Markup("<i>Crónica de una</i>, roman de Émile &amp; Co"), "Émile & Co")
    assert shown == Markup("<i>Crónica de una</i>, roman d’Émile &amp; Co")
    assert wording_for("en").elide("by Ana", "Ana") == "by Ana"


def test_a_publication_s_own_country_is_its_time_zone_s() -> None:
    from dopemail.countries import home_country

    assert home_country("Europe/Paris") == "FR" and home_country("America/Los_Angeles") == "US"
    # Older names the zone table does not list are links to zones it does.
    assert home_country("America/Buenos_Aires") == "AR" and home_country("US/Pacific") == "US"
    assert home_country("UTC") is None


@pytest.mark.parametrize(
    ("kind", "shown", "book"),
    [
        # A novel named as such ('une œuvre de Taichi Yamada (roman)' read as a workaround):
        (None, "un roman de Taichi Yamada", True),  # the kind taken when none is given
        ("roman", "un roman de Taichi Yamada", True),  # as the French scaffold writes
        ("Novel", "un roman de Taichi Yamada", True),
        ("pièce", "une œuvre de Taichi Yamada (pièce)", False),
        # Any other kind as written: the catalog's other phrases are no kinds of work.
        ("feature", "une œuvre de Taichi Yamada (feature)", False),
        ("news", "une œuvre de Taichi Yamada (news)", False),
    ],
)
def test_a_french_source_work_s_kind_is_french_and_a_novel_is_a_book(
    kind: str | None, shown: str, book: bool
) -> None:
    # A French page read 'une œuvre de Taichi Yamada (novel)', the model's English default;
    # and 'roman', as the French scaffold writes it, was no Book for schema.org.
    from dopemail.models import BasedOn, Film
    from dopemail.site import _movie
    from dopemail.templates import source_work
    from dopemail.wording import wording_for

    words = wording_for("fr")
    based = BasedOn(author="Taichi Yamada", **({"kind": kind} if kind else {}))
    assert source_work(based, words=words) == shown
    # With its year, which says which work when it is not named.
    dated = BasedOn(author="Taichi Yamada", year=1987, **({"kind": kind} if kind else {}))
    written = kind if kind else "roman"
    year = (
        "un roman de Taichi Yamada (1987)"
        if book
        else f"une œuvre de Taichi Yamada ({written}, 1987)"
    )
    assert source_work(dated, words=words) == year
    film = Film(title="All of Us Strangers", based_on=based)
    assert (_movie(film, words)["isBasedOn"]["@type"] == "Book") is book


@pytest.mark.parametrize(
    ("tag", "way"),
    [("ar", "rtl"), ("he", "rtl"), ("HE", "rtl"), ("fa-IR", "rtl"), ("ug", "rtl"), ("nqo", "rtl")]
    + [("az-Arab", "rtl"), ("ku-Latn", "ltr"), ("en", "ltr"), ("ja", "ltr"), ("ur", "rtl")]
    + [("pnb", "rtl"), ("lrc", "rtl"), ("prs", "rtl")],
)
def test_which_way_a_language_is_written(tag: str, way: str) -> None:
    # Uyghur and N'Ko, written right to left, were said left to right.
    from dopemail.languages import language_direction

    assert language_direction(tag) == way


@pytest.mark.parametrize(
    ("language", "shown"),
    # German has no catalog: its pages are in English words, and 1.079 would read as a decimal.
    [("en", "1,079 7"), ("fr", "1\u202f079 7"), ("de", "1,079 7"), ("fr-CA", "1\u00a0079 7")],
)
def test_a_count_groups_its_thousands_as_the_language_does(language: str, shown: str) -> None:
    # A year of the archive said "(1079 entries)".
    env = make_environment(None, language=language)
    assert env.from_string("{{ 1079 | number }} {{ 7 | number }}").render() == shown


def test_a_summary_keeps_the_no_break_spaces_of_french_signs(tmp_path: Path) -> None:
    # Set in the text, the no-break spaces before ':' and inside '« »' were spaces again in
    # the summary (its spaces joined as str.split() finds them): in the lists and the feeds,
    # a line could end on '«' or start on ':'. A summary typed with plain spaces gets them
    # as the text does.
    root = _french(tmp_path / "pub")
    typed = "summary: Un film de Céline Sciamma, à revoir au Champo."
    entry = root / "entries/portrait.md"
    text = entry.read_text(encoding="utf-8")
    assert typed in text
    entry.write_text(
        text.replace(typed, 'summary: "« Un film » de Céline Sciamma : à revoir ?"'), "utf-8"
    )
    # One without a summary: its text's first words are.
    second = root / "entries/demoiselles.md"
    text = second.read_text(encoding="utf-8").replace(
        "summary: Une projection en copie neuve.\n", ""
    )
    body = "Une copie neuve : « Les Demoiselles » reviennent, en 35 mm !\n"
    second.write_text(text.replace("Projection unique, en présence de l’équipe.\n", body), "utf-8")
    # One of pictures alone: its lead picture's caption is.
    (root / "entries/photos.md").write_text(
        "---\ntitle: Photos\npublished: 2024-01-03\nimages:\n"
        "  - src: media/all-of-us-strangers/01.jpg\n    alt: Deux hommes\n"
        '    caption: "Plein air : le Champo ?"\n---\n',
        "utf-8",
    )
    build(root, jobs=1)
    feed = json.loads((root / "feeds/feed.json").read_text(encoding="utf-8"))
    summaries = {
        item["url"].rstrip("/").rpartition("/")[2]: item["summary"] for item in feed["items"]
    }
    assert (
        summaries["portrait"] == f"«{NBSP}Un film{NBSP}» de Céline Sciamma{NBSP}: à revoir{NBSP}?"
    )
    assert summaries["demoiselles"] == (
        f"Une copie neuve{NBSP}: «{NBSP}Les Demoiselles{NBSP}» reviennent, en 35 mm{NBSP}!"
    )
    assert summaries["photos"] == f"Plein air{NBSP}: le Champo{NBSP}?"
    home = (root / "site/index.html").read_text(encoding="utf-8")
    assert f"Sciamma{NBSP}: à revoir" in home.replace("&nbsp;", NBSP)


def test_a_showing_s_status_is_said_in_the_publication_s_language() -> None:
    from zoneinfo import ZoneInfo

    from dopemail.models import Screening
    from dopemail.templates import showing_text, showings, status_word

    french = wording_for("fr")
    screening = Screening.model_validate(
        {
            "venue": "Le Champo",
            "address": "51 rue des Écoles",
            "city": "Paris",
            "times": [
                {"at": "2024-12-14T20:00:00+01:00", "status": "sold out", "note": "VOST"},
                {"at": "2024-12-15T20:00:00+01:00", "status": "cancelled"},
            ],
        },
        context={"tz": ZoneInfo("Europe/Paris"), "language": "fr"},
    )
    full, off = screening.times
    # Said of a séance: "annulée", "reportée"; "complet", a listing's label. The dash kept
    # with its word (a no-break space), not left at a line's end.
    assert showing_text(full, words=french) == "sam. 14 décembre, 20:00 (VOST) —\u00a0complet"
    assert showing_text(off, words=french) == "dim. 15 décembre, 20:00 —\u00a0annulée"
    assert [status_word(s, french) for s in ("canceled", "postponed")] == ["annulée", "reportée"]
    html = showings(screening, tag=False, words=french)
    assert html == (
        "sam. 14 décembre, 20:00 (VOST) —\u00a0complet<br><s>dim. 15 décembre, 20:00</s> "
        "—\u00a0annulée"
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_screening_s_and_an_event_s_status_agree_with_what_they_are_said_of(
    tmp_path: Path, language: str
) -> None:
    # 'Le Champo — annulée' (the venue is not what is cancelled) and 'Événement — annulée'
    # (événement is masculine): 'annulée' is said of a séance, a showtime's alone.
    root = _french(tmp_path / "pub", language)
    entry = root / "entries" / "portrait.md"
    text = entry.read_text(encoding="utf-8")
    text = text.replace(
        "    times: [2024-01-30T20:30:00+01:00, 2024-02-01T14:00:00+01:00, 2024-02-02]\n",
        "    times: [2024-01-30T20:30:00+01:00, 2024-02-01T14:00:00+01:00, 2024-02-02]\n"
        "    status: annulée\n",
    )
    text = text.replace(
        '    postal_code: "10178"\n',
        '    postal_code: "10178"\n    times: [2024-02-03T20:00:00+01:00]\n    status: reportée\n',
    )
    text = text.replace(
        "  - kind: q&a\n    participants: [Céline Sciamma]\n",
        "  - kind: q&a\n    participants: [Céline Sciamma]\n    status: postponed\n",
    )
    text = text.replace(
        "  - kind: talk\n    moderator: Claire Martin\n",
        "  - kind: talk\n    moderator: Claire Martin\n    status: cancelled\n"
        "  - kind: other\n    status: complet\n",
    )
    entry.write_text(text, encoding="utf-8")
    build(root, jobs=1)
    texts = _outputs(root)
    if language == "fr":
        said = [
            "Le Champo —\u00a0séances\u00a0annulées",
            "Kino International —\u00a0séance\u00a0reportée",
            "Questions-réponses —\u00a0report",
            "—\u00a0annulation",
            "Événement —\u00a0complet",
        ]
    else:
        said = [
            "Le Champo —\u00a0cancelled",
            "Kino International —\u00a0postponed",
            "Q&A —\u00a0postponed",
            "Talk —\u00a0cancelled",
            "Event —\u00a0sold\u00a0out",
        ]
    for name in ("page", "web version", "email.html", "email.txt"):
        found = texts[name].replace("&nbsp;", NBSP)
        assert [s for s in said if s not in found] == [], name
        assert not re.search(r"—\s(annulée|reportée)\b", found), name


def test_a_french_entry_may_name_its_kind_in_french_and_is_told_the_french_words(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from dopemail.load import load_workspace

    # 'kind: critique' was refused while 'status: annulée' was read; 'épuisé' was quoted
    # 'epuise', as read, and the hint listed the English words alone.
    root = _french(tmp_path / "pub")
    portrait = root / "entries" / "portrait.md"
    second = root / "entries" / "demoiselles.md"
    portrait.write_text(
        portrait.read_text(encoding="utf-8").replace("kind: review", "kind: Critique"),
        encoding="utf-8",
    )
    text = second.read_text(encoding="utf-8").replace("kind: event", "kind: actualité")
    second.write_text(text, encoding="utf-8")
    kinds = {e.slug: e.meta.kind for e in load_workspace(root).entries}
    assert kinds == {"portrait": "review", "demoiselles": "news"}
    text = text.replace("kind: actualité", "kind: Chronique")
    meta, _, body = text.partition("\n---\n")
    screening = "screenings:\n  - venue: Le Champo\n    address: 51 rue des Écoles\n"
    text = f"{meta}\n{screening}    city: Paris\n    status: épuisé\n---\n{body}"
    second.write_text(text, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--root", str(root)])
    assert checked.exit_code == 1
    said = checked.output
    assert "(got 'Chronique')" in said and "(got 'épuisé')" in said, said
    assert "in French: critique, actualité, actu, événement, festival, dossier" in said
    assert "in French: complet, annulée, reportée" in said
    # An English publication's hint is as it was.
    config = root / "dopemail.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('language = "fr"', 'language = "en"'),
        encoding="utf-8",
    )
    checked = runner.invoke(cli, ["check", "--root", str(root)])
    assert "(got 'épuisé')" in checked.output and "in French" not in checked.output


@pytest.mark.parametrize(
    ("language", "written", "meant"),
    [
        ("fr", "Critiqe", "critique"),
        ("fr", "evenment", "événement"),
        ("fr", "entretient", "entretien"),
        ("fr", "reveiw", "review"),
        ("en", "reveiw", "review"),
        ("en", "Critiqe", None),
    ],
)
def test_a_misspelled_kind_is_told_the_word_meant_in_the_publications_languages(
    tmp_path: Path, language: str, written: str, meant: str | None
) -> None:
    from click.testing import CliRunner

    # A French editor's slip is from a French word: 'Critiqe' was told only the list.
    root = _french(tmp_path / "pub")
    config = root / "dopemail.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('language = "fr"', f'language = "{language}"'),
        encoding="utf-8",
    )
    portrait = root / "entries" / "portrait.md"
    portrait.write_text(
        portrait.read_text(encoding="utf-8").replace("kind: review", f"kind: {written}"),
        encoding="utf-8",
    )
    checked = CliRunner().invoke(cli, ["check", "--root", str(root)])
    assert checked.exit_code == 1
    assert f"(got '{written}')" in checked.output, checked.output
    if meant:
        assert f"did you mean '{meant}'?" in checked.output, checked.output
    else:
        assert "did you mean" not in checked.output, checked.output


def test_an_english_run_across_new_year_names_both_years_around_a_spaced_dash() -> None:
    # Each date whole, its year with it: a run shortened as if in one year read
    # 'December 20 – January 5, 2025', and the dash set apart as between two dates.
    assert ENGLISH.date_range(date(2024, 12, 20), date(2025, 1, 5)) == (
        "December 20, 2024 – January 5, 2025"
    )


def test_an_english_run_with_one_end_says_from_or_until() -> None:
    assert ENGLISH.date_range(date(2024, 12, 20), None) == "from December 20, 2024"
    assert ENGLISH.date_range(None, date(2025, 1, 5)) == "until January 5, 2025"


def test_a_french_venue_cancelled_with_no_times_listed_cancels_showings_in_the_plural() -> None:
    # No times listed: every showing there is cancelled, however many (not 'séance annulée').
    from dopemail.models import Screening
    from dopemail.templates import status_word

    venue = Screening(
        venue="Le Champo", address="51 rue des Écoles", city="Paris", status="cancelled"
    )
    assert status_word("cancelled", wording_for("fr"), venue) == "séances annulées"
