"""Countries as editors write them in a venue's address: a name, in English or the country's
own language (in its own script: 'مصر', '대한민국'), or an ISO 3166 code.

The names most addresses use are known without loading anything; anything else is looked up
in ISO 3166 (``pycountry``, loaded only then: it takes some 60 ms), which also spells codes out
(``FR`` is printed "France") and suggests the name meant for a misspelt one.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

# Names in English and in their own language (and the usual short forms), as addresses give
# them, with their ISO 3166 codes: known without looking anything up.
_CODES = {
    "France": "FR", "Germany": "DE", "Deutschland": "DE", "Italy": "IT", "Italia": "IT",
    "Spain": "ES", "España": "ES", "Portugal": "PT", "Netherlands": "NL",
    "The Netherlands": "NL", "Nederland": "NL", "Belgium": "BE", "Belgique": "BE",
    "België": "BE", "Switzerland": "CH", "Suisse": "CH", "Schweiz": "CH", "Svizzera": "CH",
    "Austria": "AT", "Österreich": "AT", "Luxembourg": "LU", "Denmark": "DK", "Danmark": "DK",
    "Norway": "NO", "Norge": "NO", "Sweden": "SE", "Sverige": "SE", "Finland": "FI",
    "Suomi": "FI", "Iceland": "IS", "Ísland": "IS", "Poland": "PL", "Polska": "PL",
    "Czechia": "CZ", "Czech Republic": "CZ", "Česko": "CZ", "Slovakia": "SK",
    "Slovensko": "SK", "Greece": "GR", "Ελλάδα": "GR", "Mexico": "MX", "México": "MX",
    "Argentina": "AR", "United States": "US", "United States of America": "US", "USA": "US",
    "U.S.": "US", "U.S.A.": "US", "US": "US", "United Kingdom": "GB", "UK": "GB", "U.K.": "GB",
    "England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB",
    "Ireland": "IE", "Éire": "IE", "Canada": "CA", "Australia": "AU", "New Zealand": "NZ",
    "Japan": "JP", "日本": "JP", "South Korea": "KR", "Korea": "KR", "China": "CN", "中国": "CN",
    "Taiwan": "TW", "Hong Kong": "HK", "India": "IN", "Brazil": "BR", "Brasil": "BR",
    "Chile": "CL", "Colombia": "CO", "Peru": "PE", "Perú": "PE", "Cuba": "CU", "Turkey": "TR",
    "Türkiye": "TR", "Israel": "IL", "Lebanon": "LB", "Liban": "LB", "Egypt": "EG",
    "Morocco": "MA", "Maroc": "MA", "Tunisia": "TN", "Tunisie": "TN", "Algeria": "DZ",
    "Algérie": "DZ", "Senegal": "SN", "Sénégal": "SN", "South Africa": "ZA", "Nigeria": "NG",
    "Iran": "IR", "Russia": "RU", "Ukraine": "UA", "Україна": "UA", "Hungary": "HU",
    "Magyarország": "HU", "Romania": "RO", "România": "RO", "Croatia": "HR", "Hrvatska": "HR",
    "Serbia": "RS", "Slovenia": "SI", "Bulgaria": "BG", "Estonia": "EE", "Latvia": "LV",
    "Lithuania": "LT", "Philippines": "PH", "Thailand": "TH", "Vietnam": "VN",
    "Indonesia": "ID", "Malaysia": "MY", "Singapore": "SG", "Québec": "CA", "Quebec": "CA",
    "Holland": "NL",
}  # fmt: skip
#: The names above by case-folded name: a venue's country found without loading ISO 3166.
_BY_NAME = {name.casefold(): code for name, code in _CODES.items()}
_NAMES = frozenset(_BY_NAME)

# ISO's short names that no address prints ("Korea, Republic of"), where pycountry has no
# common name, or not the one readers use.
_SPELLED = {
    "RU": "Russia",
    "PS": "Palestine",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "BN": "Brunei",
    "FM": "Micronesia",
    "VA": "Vatican City",
    "GB": "United Kingdom",
    "US": "United States",
}


#: Known without looking anything up: the names above, and those dopemail prints itself.
_KNOWN = _NAMES | {name.casefold() for name in _SPELLED.values()}


def display(country: str) -> str:
    """The country as an address prints it: an ISO code spelled out ("FR", "fr": "France"),
    any other name as written."""
    written = country.strip()
    if len(written) in (2, 3) and written.isascii() and written.isalpha():
        return _spelled(written)
    return written


@functools.lru_cache(maxsize=256)
def _spelled(code: str) -> str:
    found = _by_code(code.upper())
    if found is None:
        return code
    return _SPELLED.get(found.alpha_2) or getattr(found, "common_name", None) or found.name


def unknown(country: str) -> tuple[bool, str | None]:
    """(True, the name most like it, if any) when ``country`` names no country dopemail knows:
    a misspelt one ("Frnace") would be printed as written, and the address ordered as
    another country's."""
    written = country.strip()
    if written.casefold() in _KNOWN or code_of(written) is not None:
        return False, None
    names = {key: name for key, (_, name) in _named_elsewhere().items()} | _shown_names()
    names |= {key: name for key, (_, name) in _named_at_home(_script_of(written)).items()}
    close = difflib.get_close_matches(written.casefold(), list(names), n=1, cutoff=0.75)
    return True, (names[close[0]] if close else None)


@functools.lru_cache(maxsize=256)
def code_of(country: str) -> str | None:
    """The ISO 3166 code of a country as written: its code, its name in English or its own
    language ('Deutschland'), or in French, Spanish, German, Italian, Portuguese or Dutch
    ('Allemagne', 'États-Unis'), as editors of the magazine write them; None if none."""
    written = country.strip()
    found = _lookup(written)
    if found is not None:
        return str(found.alpha_2)
    elsewhere = _named_elsewhere().get(written.casefold())
    if elsewhere is None:
        elsewhere = _named_at_home(_script_of(written)).get(written.casefold())
    return elsewhere[0] if elsewhere else None


# Unicode's name of a letter begins with its script's ('ARABIC LETTER ALEF'); ISO 15924's
# codes for it, as the CLDR's likely subtags give a language's ('ar': 'ar_Arab_EG'), where
# the CLDR's English name of the script is not that word.
_SCRIPT_WORDS = {
    "CJK": ("Hans", "Hant", "Jpan", "Kore"),
    "HIRAGANA": ("Jpan",),
    "KATAKANA": ("Jpan",),
    "HANGUL": ("Kore", "Hang"),
    "BENGALI": ("Beng",),
    "LATIN": ("Latn",),  # looked at last: most names in it are ISO's or in the languages above
}


def _script_of(written: str) -> tuple[str, ...]:
    """The scripts (ISO 15924) the first letter of ``written`` may be written in."""
    import unicodedata

    letter = next((c for c in written if unicodedata.category(c).startswith("L")), None)
    if letter is None:
        return ()  # no letter ('—', '75'): no script, and no name of a country
    word = unicodedata.name(letter, "").partition(" ")[0]
    if not word:
        return ()
    if word in _SCRIPT_WORDS:
        return _SCRIPT_WORDS[word]
    named = _script_codes()
    return (named[word],) if word in named else ()


@functools.cache
def _script_codes() -> dict[str, str]:
    """ISO 15924 codes by their script's English name in capitals, as Unicode names it."""
    from babel import Locale

    return {name.upper(): code for code, name in Locale.parse("en").scripts.items()}


def _a_country(code: str) -> bool:
    """Whether a CLDR territory code names a country (not a region: 'EU', '419', 'ZZ')."""
    return len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO")


@functools.lru_cache(maxsize=8)
def _named_at_home(scripts: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Each country's CLDR name in its own languages written in one of ``scripts`` ('مصر',
    'ישראל', '대한민국', 'Россия', 'Việt Nam'), case-folded, to its code and the name as
    written: the locales of those languages only are read (all of them take half a second,
    those written in Latin letters a quarter)."""
    if not scripts:
        return {}
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global
    from babel.languages import get_official_languages

    likely = get_global("likely_subtags")
    found: dict[str, tuple[str, str]] = {}
    for code in Locale.parse("en").territories:
        if not _a_country(code):
            continue
        for language in get_official_languages(code, de_facto=True):
            script = likely.get(language, "").split("_")[1:2]
            if not script or script[0] not in scripts:
                continue
            try:
                name = Locale.parse(language).territories.get(code)
            except (ValueError, UnknownLocaleError):
                continue
            if name:
                found.setdefault(name.casefold(), (code, name))
    return found


@functools.lru_cache(maxsize=256)
def _lookup(written: str) -> Any:
    import pycountry

    try:
        return pycountry.countries.lookup(written)
    except LookupError:
        return None


@functools.cache
def _named_elsewhere() -> dict[str, tuple[str, str]]:
    """The CLDR's names of countries in the languages above (by Babel), case-folded, to their
    code and the name as written: looked at only for a name ISO 3166 does not give."""
    from babel import Locale

    from .languages import ELSEWHERE

    found: dict[str, tuple[str, str]] = {}
    for language in ELSEWHERE:
        for code, name in Locale.parse(language).territories.items():
            if _a_country(code):
                found.setdefault(name.casefold(), (code, name))
    return found


def _by_code(code: str) -> Any:
    import pycountry

    key = "alpha_2" if len(code) == 2 else "alpha_3"
    return pycountry.countries.get(**{key: code})


@functools.cache
def _shown_names() -> dict[str, str]:
    """Every name a country goes by, case-folded, to the name to suggest."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        shown = _SPELLED.get(country.alpha_2) or getattr(country, "common_name", None)
        shown = shown or country.name
        for name in (country.name, getattr(country, "common_name", None), shown):
            if name:
                names.setdefault(name.casefold(), shown)
    for name in _NAMES:
        names.setdefault(name, name.title() if name.isascii() else name)
    return names


# Countries whose post writes the postal code before the city ("75019 Paris", "10115 Berlin"),
# by their names in English and their own, and their ISO codes; elsewhere it follows the city
# and region ("Los Angeles, CA 90046", "London SW1A 1AA").
_CODE_FIRST = frozenset(
    name.casefold()
    for name in (
        "France", "FR", "Germany", "Deutschland", "DE", "Italy", "Italia", "IT", "Spain",
        "España", "ES", "Portugal", "PT", "Netherlands", "The Netherlands", "Nederland", "NL",
        "Belgium", "Belgique", "België", "BE", "Switzerland", "Suisse", "Schweiz", "Svizzera",
        "CH", "Austria", "Österreich", "AT", "Luxembourg", "LU", "Denmark", "Danmark", "DK",
        "Norway", "Norge", "NO", "Sweden", "Sverige", "SE", "Finland", "Suomi", "FI", "Iceland",
        "Ísland", "IS", "Poland", "Polska", "PL", "Czechia", "Czech Republic", "Česko", "CZ",
        "Slovakia", "Slovensko", "SK", "Greece", "Ελλάδα", "GR", "Mexico", "México", "MX",
        "Argentina", "AR",
    )
)  # fmt: skip
_CODE_FIRST_CODES = frozenset(name.upper() for name in _CODE_FIRST if len(name) == 2)


def code_first(country: str | None, home: str | None = None) -> bool:
    """Whether an address in ``country`` writes the postal code before the city; without
    one, in ``home`` (the publication's own country's code)."""
    if not country:
        return home in _CODE_FIRST_CODES
    written = country.strip().casefold()
    if written in _CODE_FIRST:
        return True
    if written in _KNOWN:  # known, and not of those: no lookup
        return False
    return code_of(country) in _CODE_FIRST_CODES


@functools.cache
def _zone_table() -> dict[str, str]:
    """The zone database's own table of zones, each with its country's code
    ('Europe/Paris': 'FR'); empty without the tzdata package."""
    from importlib import resources

    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    rows = [line.split("\t") for line in table.splitlines() if not line.startswith("#")]
    return {parts[2]: parts[0] for parts in rows if len(parts) >= 3}


@functools.lru_cache(maxsize=16)
def home_country(timezone: str) -> str | None:
    """The country of a publication's time zone ('Europe/Paris': 'FR'), from the zone
    database's own table: the country a venue without one is in."""
    from importlib import resources

    named = _zone_table()
    if timezone in named:
        return named[timezone]
    # An older name the table does not list (America/Buenos_Aires, US/Pacific, Asia/Calcutta)
    # is a link: the same rules as the zone it names now.
    try:
        zones = resources.files("tzdata").joinpath("zoneinfo")
        rules = zones.joinpath(*timezone.split("/")).read_bytes()
        for zone, country in named.items():
            if zones.joinpath(*zone.split("/")).read_bytes() == rules:
                return country
    except (ModuleNotFoundError, OSError):
        return None
    return None


@functools.cache
def _zone_names() -> dict[str, str]:
    # The zone database's English names of countries ('FR': 'France'), case-folded, to their
    # codes: most venues' countries, found without loading ISO 3166 (see code_of).
    from importlib import resources

    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    except (ModuleNotFoundError, OSError):
        return {}
    rows = [line.split("\t") for line in table.splitlines() if not line.startswith("#")]
    return {parts[1].strip().casefold(): parts[0] for parts in rows if len(parts) >= 2}


# 'Saint' and 'Sainte' as zones write them ('St_Johns') and most addresses do; 'Ft' as
# zones write it ('Fort_Nelson'), and as the table of cities below does ('Fort St. John').
_WORDS = {"saint": "st", "sainte": "ste", "ft": "fort"}


@functools.lru_cache(maxsize=2048)
def _place(name: str) -> str:
    # A city as a zone names it ('Los_Angeles', 'Sao_Paulo', 'St_Johns') or an editor writes
    # it ('Los Angeles', 'São Paulo', 'los angeles', "St. John's", "Saint John's"): compared
    # without case, accents, dashes, dots or apostrophes, 'Saint' as 'St' (a Newfoundland
    # venue written "St. John's" was told both of its province's clocks), 'Ft' as 'Fort'
    # ('Ft. St. John' was told each of British Columbia's).
    decomposed = unicodedata.normalize("NFKD", name.replace("_", " ").replace("-", " "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"['\u2019]", "", plain.replace(".", " "))
    return " ".join(_WORDS.get(word, word) for word in plain.split())


def _named_after(zone: str, place: str) -> bool:
    """Whether a zone ('America/Los_Angeles') is named after a city (as :func:`_place`)."""
    return _place(zone.rpartition("/")[2]) == place


# The clocks of each state of the United States and province of Canada (as the zone database
# names them, a state's main one first): a venue's region tells its clock where its city
# names none ('West Hollywood', CA: America/Los_Angeles). Only the states of several keep
# several: a West Hollywood showtime at +02:00 was told its venue is "at one of -10:00 to
# -04:00", every clock of the United States.
_NY, _CHI, _DEN = "America/New_York", "America/Chicago", "America/Denver"
_LA = "America/Los_Angeles"
_REGION_CLOCKS = {
    "US": {
        **dict.fromkeys("CT DC DE GA MA MD ME NC NH NJ NY OH PA RI SC VA VT WV".split(), (_NY,)),  # noqa: SIM905
        **dict.fromkeys("AL AR IA IL LA MN MO MS OK WI".split(), (_CHI,)),  # noqa: SIM905
        **dict.fromkeys("CO MT NM UT WY".split(), (_DEN,)),  # noqa: SIM905
        **dict.fromkeys("CA NV WA".split(), (_LA,)),  # noqa: SIM905
        "AZ": ("America/Phoenix", _DEN),  # the Navajo Nation keeps summer time
        "HI": ("Pacific/Honolulu",),
        "AK": (
            "America/Anchorage",
            "America/Juneau",
            "America/Sitka",
            "America/Metlakatla",
            "America/Yakutat",
            "America/Nome",
            "America/Adak",  # the western Aleutians: an hour behind
        ),
        "FL": (_NY, _CHI),  # the panhandle west of the Apalachicola: Central
        # Central: the northwest, Perry, Starke. The state's own zones, after its two clocks
        # (a town named after one keeps it: Tell City, Central; Vincennes, Eastern).
        "IN": (
            "America/Indiana/Indianapolis",
            _CHI,
            *(f"America/Indiana/{town}" for town in ("Vincennes", "Winamac", "Marengo")),
            *(f"America/Indiana/{town}" for town in ("Petersburg", "Vevay", "Tell_City", "Knox")),
        ),
        # zone.tab: "Eastern (most areas)" (Lexington), "KY (Louisville area)", "KY (Wayne)"
        # (Monticello); Central: the west (Paducah, Bowling Green).
        "KY": (_NY, _CHI, "America/Kentucky/Louisville", "America/Kentucky/Monticello"),
        "MI": ("America/Detroit", "America/Menominee"),
        "TN": (_CHI, _NY),
        "KS": (_CHI, _DEN),
        "NE": (_CHI, _DEN),
        "ND": (
            _CHI,
            _DEN,
            *(f"America/North_Dakota/{t}" for t in ("Center", "New_Salem", "Beulah")),
        ),
        "SD": (_CHI, _DEN),
        "TX": (_CHI, _DEN),  # El Paso and Hudspeth: Mountain
        "ID": ("America/Boise", _LA),
        "OR": (_LA, "America/Boise"),
    },
    "CA": {
        "AB": ("America/Edmonton",),
        # BC's East Kootenay (Cranbrook, Golden, Fernie) keeps Alberta's clock; SK's
        # Lloydminster too (zone.tab: Edmonton, "AB, BC(E), NT(E), SK(W)").
        "BC": (
            "America/Vancouver",
            "America/Creston",
            "America/Dawson_Creek",
            "America/Fort_Nelson",
            "America/Edmonton",
        ),
        "MB": ("America/Winnipeg",),
        "NB": ("America/Moncton",),
        "NL": ("America/St_Johns", "America/Goose_Bay"),
        "NS": ("America/Halifax", "America/Glace_Bay"),
        "NT": ("America/Inuvik", "America/Edmonton"),
        "NU": (
            "America/Iqaluit",
            "America/Rankin_Inlet",
            "America/Cambridge_Bay",
            "America/Resolute",
            "America/Atikokan",  # Coral Harbour: EST all year
        ),
        "ON": ("America/Toronto", "America/Winnipeg", "America/Atikokan"),
        "PE": ("America/Halifax",),
        "QC": ("America/Toronto", "America/Blanc-Sablon"),
        "SK": ("America/Regina", "America/Swift_Current", "America/Edmonton"),
        "YT": ("America/Whitehorse", "America/Dawson"),
    },
}


# The cities of the states and provinces of several clocks above that a film section's venues
# are most often in, by the zone each keeps: the region's clocks alone told a venue in Austin,
# TX both Central's and Mountain's, and let a showtime at Mountain's pass. Each zone's area is
# quoted from the zone database's zone.tab; a city is in it by the county (in the United
# States, whose zones are drawn by county: 49 CFR part 71) or district it is in. A city not
# here is at each of its region's clocks, as before.
_CITY_CLOCKS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "US": {
        "AK": {"America/Anchorage": ("Fairbanks",)},  # "Alaska (most areas)"
        "AZ": {  # "MST - AZ (except Navajo)": none of these is in the Navajo Nation
            "America/Phoenix": ("Tucson", "Mesa", "Scottsdale", "Tempe", "Flagstaff", "Sedona"),
        },
        # One clock, but its city says it is the District's: 'Washington, D.C.' (its initials
        # are Bogotá's and Caracas's district's too).
        "DC": {_NY: ("Washington",)},
        "FL": {
            _NY: (  # "Eastern (most areas)": east of the Apalachicola
                "Miami", "Miami Beach", "Fort Lauderdale", "Orlando", "Tampa", "St. Petersburg",
                "Sarasota", "Jacksonville", "Gainesville", "Tallahassee",
            ),
            _CHI: ("Pensacola", "Panama City"),  # "Central (most areas)": Escambia, Bay
        },
        "ID": {
            # "Mountain - ID (south), OR (east)"
            "America/Boise": ("Ketchum", "Sun Valley", "Twin Falls", "Pocatello", "Idaho Falls"),
            _LA: ("Coeur d'Alene", "Moscow"),  # "Pacific": the north (Kootenai, Latah)
        },
        "IN": {
            # "Eastern - IN (most areas)": Monroe, Allen counties
            "America/Indiana/Indianapolis": ("Bloomington", "Fort Wayne"),
            _CHI: ("Gary", "Hammond", "Evansville"),  # "Central (most areas)": Lake, Vanderburgh
        },
        "KS": {_CHI: ("Wichita", "Topeka", "Lawrence", "Kansas City")},  # "Central (most areas)"
        "KY": {
            "America/Kentucky/Louisville": ("Louisville",),  # "Eastern - KY (Louisville area)"
            _NY: ("Lexington",),  # "Eastern (most areas)": Fayette county
            _CHI: ("Bowling Green", "Paducah"),  # "Central (most areas)": Warren, McCracken
        },
        "MI": {  # "Eastern - MI (most areas)": all but four counties on Wisconsin's border
            "America/Detroit": (
                "Ann Arbor", "Grand Rapids", "Lansing", "East Lansing", "Kalamazoo",
                "Traverse City", "Marquette",
            ),
        },
        "ND": {_CHI: ("Fargo", "Grand Forks", "Bismarck")},  # "Central (most areas)"
        "NE": {_CHI: ("Omaha", "Lincoln")},  # "Central (most areas)"
        "OR": {_LA: ("Portland", "Eugene", "Salem", "Bend", "Ashland")},  # "Pacific"
        "SD": {
            _CHI: ("Sioux Falls",),  # "Central (most areas)": Minnehaha county
            _DEN: ("Rapid City",),  # "Mountain (most areas)": Pennington county
        },
        "TN": {
            _CHI: ("Nashville", "Memphis"),  # "Central (most areas)": Davidson, Shelby
            _NY: ("Knoxville", "Chattanooga"),  # "Eastern (most areas)": Knox, Hamilton
        },
        "TX": {
            # "Central (most areas)": Travis, Dallas, Tarrant, Harris, Bexar counties
            _CHI: ("Austin", "Dallas", "Fort Worth", "Houston", "San Antonio"),
            _DEN: ("El Paso",),  # "Mountain (most areas)": El Paso county
        },
    },
    "CA": {
        "BC": {
            # "BC (most areas)"
            "America/Vancouver": ("Victoria", "Whistler", "Kelowna", "Kamloops", "Nanaimo"),
            # "AB, BC(E), NT(E), SK(W)": the East Kootenay
            "America/Edmonton": ("Cranbrook", "Fernie", "Golden", "Invermere"),
            "America/Dawson_Creek": ("Fort St. John",),  # "BC (Dawson Cr, Ft St John)"
        },
        "NL": {
            "America/St_Johns": ("Corner Brook", "Gander"),  # "Newfoundland, Labrador (SE)"
            "America/Goose_Bay": ("Happy Valley-Goose Bay",),  # "Labrador (most areas)"
        },
        "NT": {"America/Edmonton": ("Yellowknife",)},  # "AB, BC(E), NT(E), SK(W)"
        "ON": {
            "America/Toronto": (  # "Eastern - ON & QC (most areas)"
                "Ottawa", "Hamilton", "London", "Kingston", "Windsor", "Sudbury", "Kitchener",
                "Waterloo", "Thunder Bay",
            ),
            "America/Winnipeg": ("Kenora",),  # "ON (west), Manitoba"
        },
        "QC": {
            "America/Toronto": (  # "Eastern - ON & QC (most areas)"
                "Montréal", "Québec", "Quebec City", "Gatineau", "Sherbrooke", "Trois-Rivières",
            ),
        },
        "SK": {
            "America/Regina": ("Saskatoon", "Prince Albert"),  # "CST - SK (most areas)"
            "America/Edmonton": ("Lloydminster",),  # "AB, BC(E), NT(E), SK(W)"
        },
        "YT": {"America/Dawson": ("Dawson City",)},  # "MST - Yukon (west)"
    },
}  # fmt: skip


@functools.cache
def _city_clocks() -> dict[tuple[str, str, str], str]:
    """The table above by (country, region, city compared as :func:`_place`)."""
    return {
        (country, region, _place(city)): zone
        for country, regions in _CITY_CLOCKS.items()
        for region, zones in regions.items()
        for zone, cities in zones.items()
        for city in cities
    }


class VenueClocks(NamedTuple):
    """The clocks a venue may keep, as its country, city and region tell them
    (:func:`venue_clocks`), and how sure that is."""

    #: Its possible zones, the publication's first.
    zones: tuple[ZoneInfo, ...]
    #: Whether the venue is in the publication's country.
    at_home: bool
    #: Whether its city tells its one zone (a zone named after it, 'New York'; or one of the
    #: cities whose clock is known in a region of several, Austin, TX): sure at any moment.
    by_city: bool
    #: Whether its region is one of its country's whose clocks are known ('TX', 'Ontario'),
    #: whether or not its city tells one of them.
    by_region: bool
    #: Whether its country is written (not taken to be the publication's).
    written: bool
    #: The country (its ISO code) its region is of, where no country is written and the
    #: region is another's than the publication's ('TX' in a Paris publication: 'US'): its
    #: zones are that region's, and its address should say so.
    region_country: str | None = None

    def offsets_at(self, moment: datetime) -> dict[timedelta | None, ZoneInfo]:
        """The offsets of its zones at ``moment``, each with the first zone at it (see
        :func:`clock_offsets`)."""
        return clock_offsets(self.zones, moment)

    def sure_at(self, moment: datetime) -> bool:
        """Whether its zones are surely its own at ``moment``: named after its city, or one
        offset then where its address says where it is, by its country written or its
        region, one of its country's. (An address read from one line may name a
        neighbourhood or a street where its city should be; and one without its country is
        only taken to be at home, which a region of another country's says it is not: an
        Austin, TX event in a Paris publication was told to be at Paris's clock.)"""
        placed = self.written or self.by_region
        return self.by_city or (placed and len(self.offsets_at(moment)) == 1)


@functools.lru_cache(maxsize=512)
def venue_clocks(
    country: str | None,
    city: str,
    timezone: str,
    region: str | None = None,
    postal: str | None = None,
) -> VenueClocks:
    """The time zones a venue may be in, the publication's (``timezone``) first, ready to
    compare (held here: ZoneInfo keeps only eight, and read the rest from disk again, a
    quarter of a cold build); whether the venue is in the publication's country; and what
    tells them (:class:`VenueClocks`): the one place a venue's clock is worked out.

    Among its country's zones (the publication's when it names none): the one named after its
    city ('Los Angeles': America/Los_Angeles; among its region's clocks, where they are known:
    not Denver, NC's), else all of them (France has one; the United States, many). Where its
    country is not known, only the zone named after its city ('Jpan', Tokyo: Asia/Tokyo), if
    there is one. A city that names none in the United States or Canada is at its ``region``'s
    clocks ('CA': America/Los_Angeles), when it gives one; in a state or province of several, at
    the one the table of cities above knows it keeps (Austin, TX: America/Chicago), else at
    each. A venue without its country whose region is another country's ('TX' in a Paris
    publication) is in that country, at that region's clocks (:attr:`VenueClocks.region_country`
    says so), where more than its region's code says it is there (see :func:`_surely_there`;
    ``postal``: the postal code after the region's code in an address, 'TX 78701').
    """
    home = home_country(timezone)
    code = country_code(country) if country else home
    key = _clock_region(code, region, city, postal)  # looked up once: by its name
    elsewhere = None
    if key is None and country is None and region:
        # Not a region of the publication's country but of another's ('Austin, TX' in a Paris
        # publication): there, not at the publication's clock, which it was told.
        there, its = _region_elsewhere(home, region, city, postal)
        if there and its and _surely_there(home, there, its, region, city, postal):
            elsewhere, key, code = there, its, there
    place = _place(city)
    zones = tuple(zone for zone, where in _zone_table().items() if code in (None, where))
    by_region = _REGION_CLOCKS[code or ""][key] if key else ()
    # A zone named after the city counts only among its region's clocks, where they are
    # known: Denver, NC keeps Eastern time, not America/Denver's, which it was told (and its
    # own clock warned of).
    named = tuple(
        zone for zone in zones if _named_after(zone, place) and (not by_region or zone in by_region)
    )
    known = _city_clocks().get((code or "", key, place)) if key else None
    if not named and known in zones:
        named = (known,)  # Austin, TX: America/Chicago
    by_city = bool(named)
    if not named and by_region:
        named = tuple(zone for zone in by_region if zone in zones)
    if code is None:  # a country misspelt or not known: its city may still name its zone
        found, at_home = named, home is not None and named == (timezone,)
    else:
        found, at_home = named or zones, code == home
    ordered = sorted(found, key=lambda zone: zone != timezone)
    clocks = tuple(ZoneInfo(zone) for zone in ordered)
    return VenueClocks(clocks, at_home, by_city, bool(by_region), country is not None, elsewhere)


def clock_offsets(zones: Iterable[ZoneInfo], moment: datetime) -> dict[timedelta | None, ZoneInfo]:
    """The offsets ``zones`` have at ``moment`` (a time written without its offset: at each
    zone's clock), each with the first of them at it, in their order."""
    offsets: dict[timedelta | None, ZoneInfo] = {}
    for zone in zones:
        if moment.tzinfo is None:
            offsets.setdefault(moment.replace(tzinfo=zone).utcoffset(), zone)
        else:
            offsets.setdefault(moment.astimezone(zone).utcoffset(), zone)
    return offsets


@functools.lru_cache(maxsize=256)
def country_code(country: str) -> str | None:
    """The ISO 3166 code of a venue's country as written, found first without loading ISO
    3166 (the zone database's names, the short forms above), then as :func:`code_of` does."""
    return _code_at_once(country) or code_of(country.strip())


def _code_at_once(country: str) -> str | None:
    # As the zone database and the names above name it, or by its code: without loading ISO
    # 3166 and the CLDR (a quarter of a second, in every process of a build).
    written = country.strip()
    if written.upper() in _zone_table().values():
        return written.upper()
    key = written.casefold()
    return _BY_NAME.get(key) or _zone_names().get(key)


# Names of countries that are places of another too, where an address ending with one is most
# often there: Athens, Georgia (a state of the United States), for a publication anywhere.
_PLACES_TOO = frozenset({"georgia"})


@functools.lru_cache(maxsize=256)
def named_abroad(city: str, timezone: str, language: str = "en") -> str | None:
    """The zone named after ``city`` in another country than the publication's (its
    ``timezone``'s), when none of its own country's is: 'Los Angeles' for a publication in
    Paris, America/Los_Angeles. A venue written without its country is taken to be in the
    publication's; such a city says it may well not be. Named as the zone database names it
    (in English), or as the publication's ``language`` does ('Londres' in French)."""
    home, place, found = home_country(timezone), _place(city), None
    for zone, code in _zone_table().items():
        if _named_after(zone, place):
            if code == home:
                return None
            found = found or zone
    primary = language.split("-")[0].casefold()
    if found is None and primary != "en":
        zone = _exemplar_cities(primary).get(place)
        if zone is not None and _zone_table().get(zone) != home:
            found = zone
    return found


@functools.lru_cache(maxsize=4)
def _exemplar_cities(language: str) -> dict[str, str]:
    """The cities zones are named after, as the CLDR writes them in ``language`` ('Londres':
    Europe/London), compared as :func:`_place`; for a publication not in English alone."""
    try:
        from babel import Locale

        zones = Locale.parse(language).time_zones
    except (ValueError, LookupError, ImportError):  # a language the CLDR does not have
        return {}
    table = _zone_table()
    return {
        _place(city): zone
        for zone, names in zones.items()
        if zone in table and isinstance(city := names.get("city"), str)
    }


# An address's last part that is a region's code, with or without a postal code ('GA 30601',
# 'NY'): the city before it is the publication's country's, whatever else it names.
_REGION_CODE = re.compile(r"[A-Z]{2}\.?(?:\s+[\dA-Z][\dA-Z -]*)?")


# A region's code and a postal code at the end of an address's part ('WA 6000', 'Seattle WA
# 98101', 'Toronto ON M5H 2N2').
_REGION_AND_POSTAL_AT_END = re.compile(r"(?:^|\s)([A-Z]{2})\.?\s+(\d[\dA-Z -]*|[A-Z]\d[\dA-Z -]*)$")


# The quadrant a street's address ends with in Washington, Atlanta or Calgary ('1100 4th St
# SE'), written after the state's code and ZIP too ('Washington, DC 20003, NE'): there no
# country's code, though Niger's and Sweden's are NE and SE.
_QUADRANTS = frozenset({"NE", "NW", "SE", "SW"})


# A ZIP or a Canadian postal code at the end of an address's part, after what comes before it
# ('Atlanta Georgia 30303', 'D.C. 20003', 'Toronto ON M5H 2N2').
_POSTAL_AT_END = re.compile(r"(.*\S)\s+(\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)")


class StateAndPostal(NamedTuple):
    """A state or a province and one of its postal codes at the end of an address's part
    ('Seattle WA 98101'), as :func:`_state_and_postal` reads them."""

    #: Its country's ISO code ('US', 'CA') and its code ('WA').
    country: str
    key: str
    #: The region as written ('WA', 'Ga', 'D.C.', 'Georgia'), its postal code in capitals,
    #: and the part before the region ('Seattle'; '' where the region began the part).
    region: str
    postal: str
    before: str


def _state_key(country: str, written: str) -> str | None:
    """The code of ``country``'s state or province ``written`` any usual way: its code in
    any case, with dots or not ('GA', 'Ga', 'D.C.'), its name ('Georgia'), or an abbreviation
    ('Calif.'); None for none of them. Never looked up in ISO 3166-2: each word before a
    postal code of five digits is tried ('Paris 75005', 'Milano 20121'), and loading it took
    a third of a second at every build."""
    pressed = _press_key(country, written)
    if pressed is not None:
        return pressed
    letters = region_written(written)
    if len(letters) <= 2:
        return letters.upper() if letters.upper() in _REGION_CODES[country] else None
    return _REGION_NAMES[country].get(_place(written))


def _state_and_postal(part: str) -> StateAndPostal | None:
    """The state or the province of the United States or Canada and one of its postal codes
    that end an address's ``part`` ('Seattle WA 98101', 'Atlanta, Georgia 30303', 'D.C.
    20003', 'Toronto ON M5H 2N2'), the state written any usual way (see :func:`_state_key`);
    None where the part ends otherwise, or the postal code is none of that region's ('DE
    20146': Delaware's ZIPs begin 197 to 199). A postal code fitting another country's region
    fits too: 'Trento TN 38122' is read as Tennessee's (its ZIPs begin 370 to 385); the code
    after it says which (see :func:`_country_after_region`)."""
    found = _POSTAL_AT_END.fullmatch(part.strip())
    if found is None:
        return None
    words, postal = found.group(1).split(), found.group(2).upper()
    # Its longest name first ('West Virginia', not 'Virginia'; 'District of Columbia'), of
    # words without digits (not a suite's or a house's number): a window with one is no name,
    # but the shorter ones after it may be ('Suite 200 Atlanta GA 30303': 'GA'; stopping at
    # the number, the quadrant after it was read as Sweden's code).
    for n in range(min(len(words), 3), 0, -1):
        if any(c.isdigit() for c in "".join(words[-n:])):
            continue
        written = " ".join(words[-n:])
        for country in _REGION_CODES:
            key = _state_key(country, written)
            if key is not None and postal_fits(country, key, postal):
                return StateAndPostal(country, key, written, postal, " ".join(words[:-n]))
    return None


def _country_after_region(parts: list[str]) -> str | None:
    """The country of an address whose ``parts`` (three at least) end with a code of two
    letters after a postal code ('WA 6000', 'AU'; 'Sydney NSW 2000', 'AU'; '75012 Paris', 'FR').

    After a state's or a province's postal code ('GA 30303', 'Atlanta, Georgia 30303', 'D.C.
    20003', 'Toronto ON M5H 2N2'; see :func:`_state_and_postal`), the state's country where
    that code is its country's ('CA' after 'ON M5H 2N2'), the state's own again ('CA 90064',
    'CA'), a street's quadrant ('SE', 'NE': not Sweden's or Niger's) or no country's; else the
    code's country, which the address names ('Trento TN 38122', 'IT': Trento's province and
    postal code, not Tennessee's). Else the code's, a country's, after a region's code and its
    postal code ('WB 700016', 'IN'), or, after a postal code alone, where it is no state's or
    province's code too (not 'IN' after 'Mumbai 400001': Indiana's); None for any other."""
    if len(parts) < 3 or not re.fullmatch(r"[A-Z]{2}\.?", parts[-1]):
        return None
    before, code = parts[-2], parts[-1].rstrip(".")
    if not any(c.isdigit() for c in before):
        return None
    state = _state_and_postal(before)
    if state is not None:
        if code in (state.country, state.key) or code in _QUADRANTS or not known_country(code):
            # A territory's code is its own country's in ISO 3166 too, at its own clock
            # ('San Juan, Puerto Rico 00901, PR': America/Puerto_Rico; as the United States,
            # it was offered the mainland's, which its ZIPs are not of).
            return state.key if state.key in _TERRITORIES else state.country
        return code
    found = _REGION_AND_POSTAL_AT_END.search(before)
    if not known_country(code):
        return None
    if found is None and any(code in codes for codes in _REGION_CODES.values()):
        return None
    return code


def region_and_postal(address: str, country: str | None) -> tuple[str | None, str | None]:
    """The region's code and the postal code after it an event's address on one line ends
    with ('..., Athens, GA 30601': 'GA', '30601'; '..., Athens, GA': 'GA', None), before its
    country where it names one (``country``: '..., Austin, TX 78701, USA': 'TX', '78701')."""
    line = address.rsplit(",", 1)[0] if country else address
    last = line.rpartition(",")[2].strip()
    state = None if country else _state_before_its_code(address)
    if state is not None:
        # No country, where the code after the state's is both the state's and the
        # publication's country's ('Praya ID 83511, ID' in a Jakarta publication; see
        # :func:`address_place`): the state's and its postal code (read as the region alone,
        # 'ID', no ZIP said it may be Idaho's).
        return state.region, state.postal
    if _REGION_CODE.fullmatch(last):
        return last[:2], last[2:].lstrip(".").strip() or None
    # Before its country, a state written otherwise, or after its city without a comma
    # ('Seattle WA 98101, SE', 'Atlanta, Georgia 30303, SE'): unread, Seattle was told New
    # York's clock, Toronto each of Canada's.
    state = _state_and_postal(last) if country else None
    return (state.region, state.postal) if state is not None else (None, None)


def region_written(region: str | None) -> str:
    """A venue's region as written, without the spaces around it and a final dot ('tx.':
    'tx'), to compare with codes and names."""
    return (region or "").strip().rstrip(".").strip()


# ISO 3166-2's codes of the United States' states and territories, and Canada's provinces.
_REGION_CODES = {
    "US": frozenset(
        "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI "  # noqa: SIM905
        "MN MO MP MS MT NC ND NE NH NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UM UT VA "
        "VI VT WA WI WV WY".split()
    ),
    "CA": frozenset("AB BC MB NB NL NS NT NU ON PE QC SK YT".split()),  # noqa: SIM905
}


# The territories of the United States among its codes above, each a country of its own in
# ISO 3166 and the zone database, at its own clocks (not among the states' in the table of
# clocks above).
_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "UM", "VI"})


#: The countries whose addresses give a region after the city (a state, a province), as
#: the post asks there: the example address of ``dopemail new entry`` has one at home.
REGION_COUNTRIES = frozenset({"US", "CA", "AU", "BR", "MX", "IN"})


# The abbreviations of states' and provinces' names the AP and the post wrote before their
# codes, without their dots and in small letters ('Calif.': 'calif'); those of two letters
# ('Ga.', 'Pa.') are the codes.
_ABBREVIATIONS = {
    "US": {
        "ala": "AL",
        "ariz": "AZ",
        "ark": "AR",
        "calif": "CA",
        "cal": "CA",
        "colo": "CO",
        "conn": "CT",
        "del": "DE",
        "fla": "FL",
        "ill": "IL",
        "ind": "IN",
        "kan": "KS",
        "kans": "KS",
        "mass": "MA",
        "mich": "MI",
        "minn": "MN",
        "miss": "MS",
        "mont": "MT",
        "neb": "NE",
        "nebr": "NE",
        "nev": "NV",
        "nmex": "NM",
        "ndak": "ND",
        "okla": "OK",
        "ore": "OR",
        "oreg": "OR",
        "penn": "PA",
        "penna": "PA",
        "sdak": "SD",
        "tenn": "TN",
        "tex": "TX",
        "wash": "WA",
        "wva": "WV",
        "wis": "WI",
        "wisc": "WI",
        "wyo": "WY",
    },
    "CA": {
        "alta": "AB",
        "man": "MB",
        "nfld": "NL",
        "nwt": "NT",
        "ont": "ON",
        "pei": "PE",
        "que": "QC",
        "sask": "SK",
    },
}


# The names of the United States' states and territories and Canada's provinces, compared as
# :func:`_place` ('Québec' as 'quebec'): an address's state written out before its postal code
# is read by them, without ISO 3166-2 (see :func:`_state_key`).
_REGION_NAMES = {
    "US": {
        _place(name): code
        for code, name in {
            "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
            "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
            "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
            "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
            "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
            "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
            "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
            "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
            "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
            "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
            "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
            "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
            "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico", "GU": "Guam",
            "MP": "Northern Mariana Islands", "AS": "American Samoa", "VI": "Virgin Islands",
        }.items()
    } | {_place(name): "VI" for name in ("U.S. Virgin Islands", "US Virgin Islands")},
    "CA": {
        _place(name): code
        for code, name in {
            "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
            "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
            "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Québec",
            "SK": "Saskatchewan", "YT": "Yukon",
        }.items()
    },
}  # fmt: skip


# The codes that are the initials of their state's or province's name of several words,
# written with dots as the press writes them ('D.C.', 'N.Y.', 'P.R.', 'B.C.'; see
# :func:`region_written`).
_INITIALS = frozenset(
    code
    for names in _REGION_NAMES.values()
    for name, code in names.items()
    if "".join(word[0] for word in name.split() if word not in ("of", "and")) == code.lower()
    and " " in name
)


def _press_key(country: str, region: str | None) -> str | None:
    """The code of ``country``'s state or province ``region`` is written as in the press's
    style, an abbreviation of its name ('Calif.', 'Ont.') or the initials of its name of
    several words with dots ('D.C.', 'N.Y.', 'B.C.'); None for any other region. Either may
    be another country's region's too (Mich., Michoacán; N.L., Nuevo León; D.C., Bogotá's
    district): read as a state's only with more (see :func:`_state_evidence`)."""
    written = region_written(region)
    if re.fullmatch(r"[^\W\d_](?:\.\s?[^\W\d_])+", written):
        # Only a name's initials: 'L.A.' is Los Angeles, not Louisiana (read as 'LA', a
        # Santa Monica venue was told Chicago's clock).
        letters = re.sub(r"[.\s]", "", written).upper()
        known = letters in _INITIALS and letters in _REGION_CODES.get(country, ())
        return letters if known else None
    if len(written) <= 2:
        return None
    return _ABBREVIATIONS.get(country, {}).get(written.replace(".", "").casefold())


def _state_evidence(country: str, key: str, city: str, postal: str | None) -> bool:
    """Whether a venue's ``city`` or ``postal`` code says it is in ``country``'s state or
    province ``key``: its city known there (the table of cities above, or a zone named after
    it among the region's clocks: Toronto, New York), or a postal code of that region's."""
    place = _place(city)
    if (country, key, place) in _city_clocks():
        return True
    zones = _REGION_CLOCKS.get(country, {}).get(key, ())
    if place and any(_named_after(zone, place) for zone in zones):
        return True
    code = (postal or "").strip().upper()
    return bool(code) and postal_fits(country, key, code)


@functools.lru_cache(maxsize=256)
def region_code(country: str, region: str, city: str = "", postal: str | None = None) -> str | None:
    """The ISO 3166-2 code (without its country's: 'CA') of ``region`` as written, a code
    ('CA', 'ca.') or a name ('California', 'Ontario'), among the country's (``country``: its
    ISO code); None for none of them. Names are looked up only for a region not written as a
    code (pycountry's subdivisions take a tenth of a second to load). An abbreviation
    ('Calif.') is its state's only where the venue's ``city`` or ``postal`` code is of that
    state's too (see :func:`_state_evidence`)."""
    written = region_written(region)
    if not written:
        return None
    # The codes of the states and provinces that venues of a Los Angeles publication give,
    # known at once: every screening at home has one, and loading ISO 3166-2 for them cost
    # each build process a tenth of a second.
    codes = _REGION_CODES.get(country)
    if codes is not None and written.upper() in codes:
        return written.upper()
    # The abbreviations of the post's and the press's style books ('Calif.', 'W.Va.',
    # 'Ont.'), only with a city or postal code of that state's: 'Mich.', 'Que.', 'Del.' or
    # 'Mass.' may be Michoacán, Querétaro, Delhi or Massa (read alone as Michigan's, Morelia
    # in a New York publication was told Detroit's clock). Without, no region, as before.
    pressed = _press_key(country, region)
    if pressed is not None:
        return pressed if _state_evidence(country, pressed, city, postal) else None
    # A name of dopemail's own table ('Georgia', 'Québec'), before ISO 3166-2's: looked up
    # there, 'Atlanta, Georgia 30303, US' loaded it at each build (60 ms).
    listed = _REGION_NAMES.get(country, {}).get(_place(written))
    if listed is not None:
        return listed
    import pycountry

    if pycountry.subdivisions.get(code=f"{country}-{written.upper()}") is not None:
        return written.upper()
    # Compared as cities are, without case or accents: ISO 3166-2 writes 'Quebec', the
    # province 'Québec' (a venue there was told each of Canada's clocks).
    named = _place(written)
    for sub in pycountry.subdivisions.get(country_code=country) or ():
        if _place(sub.name) == named:
            return str(sub.code).partition("-")[2]
    return None


def region_of(country: str, region: str, city: str = "", postal: str | None = None) -> bool:
    """Whether ``region`` (a code, 'CA', or a name, 'Ontario') is one of the country's
    (``country``: its ISO code) in ISO 3166-2 (see :func:`region_code`). Looked up only for
    a venue without its country whose city or region may be another's."""
    return region_code(country, region, city, postal) is not None


def country_as_region(
    region: str, home: str | None, city: str = "", postal: str | None = None
) -> str | None:
    """The ISO code of the country a venue's ``region`` is written as the code of ('DE' in a
    Berlin publication, ``home`` its country's code; 'IT' anywhere): the publication's
    country's own, or a country's that is no state's or province's code dopemail knows (not
    'CA', California's too, in a Paris publication). None for any other region, and for the
    publication's own code where the venue is surely in the state of that code (Wilmington,
    DE 19801 in a Berlin publication: a Delaware ZIP; see :func:`_surely_there`)."""
    written = region_written(region).upper()
    if len(written) != 2 or not written.isalpha() or not known_country(written):
        return None
    if written == home:
        return None if state_of_home_code(home, region, city, postal) else written
    return None if any(written in codes for codes in _REGION_CODES.values()) else written


def region_name(country: str, code: str) -> str:
    """The name of ``country``'s region of ``code`` in ISO 3166-2 ('US', 'DE': 'Delaware'),
    or the code where it is none. (Loads ISO 3166-2: asked for a message, not at each build.)"""
    import pycountry

    found = pycountry.subdivisions.get(code=f"{country}-{code}")
    return str(found.name) if found is not None else code


def state_of_home_code(
    home: str | None, region: str | None, city: str, postal: str | None
) -> str | None:
    """The country (ISO code) of a state or province whose code is the publication's
    country's own (``home``), where a venue without its country gives it as its ``region``
    and its ZIP or city is of that state's (Wilmington, DE 19801 in a Berlin publication:
    'US'); None for any other. Either country may be meant: Praya, ID 83511 is in Lombok,
    its postal code one of Idaho's ZIPs too."""
    written = region_written(region).upper()
    if not home or written != home:
        return None
    for country, codes in _REGION_CODES.items():
        # Only a state or province whose clocks are known: a publication in Puerto Rico
        # (PR, a territory's code of the United States too) is at home there (it crashed).
        if (
            written in codes
            and written in _REGION_CLOCKS.get(country, {})
            and _surely_there(home, country, written, written, city, postal)
        ):
            return country
    return None


class EitherCountry(NamedTuple):
    """A venue without its country whose region is the publication's country's code and a
    state's whose ZIP or city it gives (Wilmington, DE 19801 in a Berlin publication): it may
    be in either country (see :func:`state_of_home_code`)."""

    #: The state's country (its ISO code: 'US') and the region's code ('DE').
    state: str
    code: str
    #: Its clocks in that state, and at home, as any venue without its country's (Praya, in
    #: Lombok: each of Indonesia's, not Jakarta's alone).
    there: VenueClocks
    here: VenueClocks
    #: Whether its postal code is one of the state's (else its city placed it there).
    by_postal: bool

    @property
    def zones(self) -> tuple[ZoneInfo, ...]:
        """Each of its clocks, the state's first."""
        return (*self.there.zones, *self.here.zones)


def either_country(
    city: str, region: str | None, postal: str | None, timezone: str
) -> EitherCountry | None:
    """The two countries a venue without its country may be in, where its region is the
    publication's country's code and a state's whose ZIP or city it gives (``timezone``: the
    publication's); None for any other venue."""
    state = state_of_home_code(home_country(timezone), region, city, postal)
    if state is None:
        return None
    code = region_written(region).upper()
    written = (postal or "").strip().upper()
    return EitherCountry(
        state,
        code,
        venue_clocks(state, city, timezone, region, postal),
        venue_clocks(None, city, timezone),
        bool(written) and postal_fits(state, code, written),
    )


def _clock_region(
    country: str | None, region: str | None, city: str = "", postal: str | None = None
) -> str | None:
    """The code of ``region`` ('TX' for 'TX', 'tx.' or 'Texas') when it is one of the table's
    of clocks above (``country``: its ISO code), else None; an abbreviation ('Tex.') with a
    ``city`` or ``postal`` code of that state's only (see :func:`region_code`)."""
    table = _REGION_CLOCKS.get(country or "")
    written = region_written(region)
    if table is None or not written:
        return None
    if written.upper() in table:
        return written.upper()
    if len(written) > 2:
        # 'California', 'New York', 'Québec': by ISO 3166-2's names, their codes' clocks.
        code = region_code(country or "", region or "", city, postal)
        return code if code in table else None
    return None


def _region_elsewhere(
    home: str | None, region: str, city: str = "", postal: str | None = None
) -> tuple[str | None, str | None]:
    """The country (ISO code) and code of ``region`` where it is one of the table's of clocks
    above ('TX', 'Texas': 'US', 'TX') and not a region of the publication's country
    (``home``: an Australian venue's 'NT' is the Northern Territory, not Canada's); else
    (None, None). Never the publication's country's own code (DE, in a Berlin publication's
    '10178 Berlin, DE': not Delaware)."""
    if home and region_written(region).upper() == home:
        return None, None
    for country in _REGION_CLOCKS:
        key = _clock_region(country, region, city, postal) if country != home else None
        if key is not None:
            at_home = home and region_of(home, region, city, postal)
            return (None, None) if at_home else (country, key)
    return None, None


# The postal codes written after a state's or a province's code: a ZIP ('TX 78701', 'TX
# 78701-4011') and Canada's ('ON M5H 2N2').
_POSTAL_CODES = {
    "US": re.compile(r"\d{5}(?:-\d{4})?"),
    "CA": re.compile(r"[A-Z]\d[A-Z] ?\d[A-Z]\d"),
}


def _prefixes(ranges: str) -> frozenset[int]:
    # '150-196 197': the ZIP prefixes (a ZIP's first three digits) of those ranges.
    found: set[int] = set()
    for part in ranges.split():
        first, _, last = part.partition("-")
        found.update(range(int(first), int(last or first) + 1))
    return frozenset(found)


# The first three digits of each state's ZIPs, as the USPS allocates them: a number of five
# digits after a code that is a state's too is that state's ZIP only if it begins so
# ('Hamburg, DE 20146', 'Palermo, PA 90138' and 'Milano, MI 20121' are not Delaware's,
# Pennsylvania's and Michigan's). A state not here (a territory) takes its first digit's.
_ZIP_PREFIXES = {
    state: _prefixes(ranges)
    for state, ranges in {
        "MA": "010-027 055",
        "RI": "028-029",
        "NH": "030-038",
        "ME": "039-049",
        "VT": "050-054 056-059",
        "CT": "060-069",
        "NJ": "070-089",
        "PR": "006-007 009",
        "VI": "008",
        "NY": "005 100-149",
        "PA": "150-196",
        "DE": "197-199",
        "DC": "200 202-205",
        "VA": "201 220-246",
        "MD": "206-219",
        "WV": "247-268",
        "NC": "270-289",
        "SC": "290-299",
        "GA": "300-319 398-399",
        "FL": "320-349",
        "AL": "350-369",
        "TN": "370-385",
        "MS": "386-397",
        "KY": "400-427",
        "OH": "430-459",
        "IN": "460-479",
        "MI": "480-499",
        "IA": "500-528",
        "WI": "530-549",
        "MN": "550-567",
        "SD": "570-577",
        "ND": "580-588",
        "MT": "590-599",
        "IL": "600-629",
        "MO": "630-658",
        "KS": "660-679",
        "NE": "680-693",
        "LA": "700-714",
        "AR": "716-729",
        "OK": "730-732 734-749",
        "TX": "733 750-799 885",
        "CO": "800-816",
        "WY": "820-831",
        "ID": "832-838",
        "UT": "840-847",
        "AZ": "850-865",
        "NM": "870-884",
        "NV": "889-898",
        "CA": "900-961",
        "HI": "967-968",
        "OR": "970-979",
        "WA": "980-994",
        "AK": "995-999",
    }.items()
}

# The ZIPs of the territories of the Pacific, fewer than a prefix's: Guam's 96910 to 96932,
# the Northern Mariana Islands' 96950 to 96952, American Samoa's 96799 (by their first digit,
# any 9xxxx fit, and 'City AS 97201, US', an Oregon ZIP, was American Samoa, at -11:00).
_TERRITORY_ZIPS = {"GU": range(96910, 96933), "MP": range(96950, 96953), "AS": range(96799, 96800)}

# The first digit of each state's ZIPs: for a state the tables above do not have.
_ZIP_GROUPS = {
    state: digit
    for digit, states in enumerate(
        (
            "CT MA ME NH NJ PR RI VI VT",
            "DE NY PA",
            "DC MD NC SC VA WV",
            "AL FL GA MS TN",
            "IN KY MI OH",
            "IA MN MT ND SD WI",
            "IL KS MO NE",
            "AR LA OK TX",
            "AZ CO ID NM NV UT WY",
            "AK CA HI OR WA",
        )
    )
    for state in states.split()
}

# The first letter of each province's and territory's postal codes.
_POSTAL_LETTERS = {
    "NL": "A",
    "NS": "B",
    "PE": "C",
    "NB": "E",
    "QC": "GHJ",
    "ON": "KLMNP",
    "MB": "R",
    "SK": "S",
    "AB": "T",
    "BC": "V",
    "NT": "X",
    "NU": "X",
    "YT": "Y",
}


def postal_fits(country: str, key: str, postal: str) -> bool:
    """Whether ``postal`` (written in capitals) is a postal code of ``country``'s region
    ``key``: a ZIP that begins as that state's do ('TX 78701', not 'DE 20146'), a Canadian
    code that begins with that province's letter ('ON M5H 2N2')."""
    if _POSTAL_CODES[country].fullmatch(postal) is None:
        return False
    if country == "CA":
        return postal[0] in _POSTAL_LETTERS.get(key, "")
    territory = _TERRITORY_ZIPS.get(key)
    if territory is not None:
        return int(postal[:5]) in territory
    prefixes = _ZIP_PREFIXES.get(key)
    if prefixes is not None:
        return int(postal[:3]) in prefixes
    return _ZIP_GROUPS.get(key) == int(postal[0])


def _surely_there(
    home: str | None, country: str, key: str, region: str, city: str, postal: str | None
) -> bool:
    """Whether a venue without its country whose ``region`` reads as ``key``, one of
    ``country``'s, is surely there, in a publication of another (``home``): its city known in
    that region (the table of cities above, or a zone named after it among the region's
    clocks: Toronto, ON), or, its city naming no zone of a third country's (Berlin, DE 10117:
    a German postal code after Germany's code), its region's name written out ('Texas', but
    not Georgia, a country too) or a postal code of that region's after its code ('TX 78701',
    'ON M5H 2N2'; not 'DE 20146', a German one: Delaware's ZIPs begin 197 to 199). A code of
    two letters alone is not enough: it may be a country's (DE, NL, CA), or a region's of
    another country (BC, Baja California; OR, Odisha)."""
    place = _place(city)
    if (country, key, place) in _city_clocks():
        return True
    if place and any(_named_after(zone, place) for zone in _REGION_CLOCKS[country][key]):
        return True
    # Named after a zone of the publication's country, it may still be there (St. Johns, MI
    # 48879 in a Toronto publication: not America/St_Johns); of a third, surely not.
    if any(
        _named_after(zone, place)
        for zone, where in _zone_table().items()
        if where not in (country, home)
    ):
        return False
    written = region_written(region)
    # A name written out, not an abbreviation: 'Mich.', 'Del.', 'Man.' or 'Mass.' may be
    # another country's region's (Michoacán, Delhi, Manipur) or a city's (Massa), as a code
    # may; read as names, they placed Morelia in Michigan.
    if len(written) > 2 and _press_key(country, region) is None:
        return not known_country(written)
    code = (postal or "").strip().upper()
    return bool(code) and postal_fits(country, key, code)


def abroad_of(city: str, region: str | None, timezone: str, language: str = "en") -> str | None:
    """For a venue without its country, the zone named after its ``city`` in another country
    than the publication's (see :func:`named_abroad`); but not when its ``region`` is one of
    the publication's country's (Athens, GA for a publication in the United States), nor
    when it is neither that country's nor the zone's (London, ON: a third country, which
    the city's zone does not tell). None for a publication at a zone of no country (UTC)."""
    home = home_country(timezone)
    if home is None:
        return None
    abroad = named_abroad(city, timezone, language)
    if abroad is None or not region:
        return abroad
    if region_of(home, region, city):
        return None
    there = _zone_table().get(abroad)
    return abroad if there is not None and region_of(there, region, city) else None


def country_of_zone(zone: str) -> str | None:
    """The name of the country whose clock ``zone`` is ('Europe/Paris': 'France')."""
    code = _zone_table().get(zone)
    return display(code) if code else None


def known_country(name: str) -> bool:
    """Whether ``name`` names a country as the zone database or dopemail's own names do, or
    by its code (without ISO 3166 and the CLDR, a quarter of a second to load)."""
    return _code_at_once(name) is not None


def _state_before_its_code(address: str) -> StateAndPostal | None:
    """The state or the province and its postal code that end the part of ``address`` before
    its last, where that last is the state's code again ('Praya ID 83511, ID'); else None."""
    rest, _, code = address.rpartition(",")
    state = _state_and_postal(rest.rpartition(",")[2]) if rest else None
    return state if state is not None and code.strip().rstrip(".") == state.key else None


# The postal codes of the countries whose codes are a state's or a province's too, as their
# posts write them: a ZIP or a Canadian code after such a code, then the code again, may be
# at home only where it is one of these ('Praya ID 83511, ID': an Indonesian postal code has
# five digits too; 'Los Angeles, CA 90028, CA' in a Toronto publication is no Canadian one).
_HOME_POSTAL_CODES = {
    code: re.compile(form)
    for code, form in {
        "AL": r"\d{4}",
        "AR": r"[A-Z]?\d{4}(?:[A-Z]{3})?",
        "AZ": r"(?:AZ ?)?\d{4}",
        "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
        "CO": r"\d{6}",
        "DE": r"\d{5}",
        "ID": r"\d{5}",
        "IL": r"\d{5}(?:\d{2})?",
        "IN": r"\d{3} ?\d{3}",
        "KY": r"KY\d-\d{4}",
        "LA": r"\d{5}",
        "MA": r"\d{5}",
        "MD": r"(?:MD-?)?\d{4}",
        "ME": r"\d{5}",
        "MN": r"\d{5,6}",
        "MS": r"(?:MSR ?)?\d{4}",
        "MT": r"[A-Z]{3} ?\d{4}",
        "NC": r"988\d{2}",
        "NE": r"\d{4}",
        "NL": r"\d{4} ?[A-Z]{2}",
        "PA": r"\d{4}",
        "PE": r"\d{5}",
        "SD": r"\d{5}",
        "SK": r"\d{3} ?\d{2}",
        "TN": r"\d{4}",
        "VA": r"00120",
        "YT": r"976\d{2}",
        # Gabon, Macao and Seychelles have no postal codes: a ZIP after GA, MO or SC is
        # Georgia's, Missouri's or South Carolina's.
        "GA": r"(?!)",
        "MO": r"(?!)",
        "SC": r"(?!)",
    }.items()
}


def _home_code_after_state(address: str, timezone: str) -> bool:
    """Whether ``address`` ends with a state's or a province's code and one of its postal
    codes, then that code again where it is the publication's country's too, and the postal
    code may be one of that country's ('Praya ID 83511, ID' in a Jakarta publication;
    'Wilmington DE 19801, DE' in a Berlin one: ``timezone`` its zone)."""
    state = _state_before_its_code(address)
    if state is None or state.key != home_country(timezone) or state.key == state.country:
        return False
    form = _HOME_POSTAL_CODES.get(state.key)
    return form is None or form.fullmatch((state.postal or "").upper()) is not None


def address_place(address: str, timezone: str, lookup: bool = False) -> tuple[str | None, str]:
    """The country (as written, None for the publication's own) and city of an address on
    one line, as an event's is written ('51 rue des Écoles, 75005 Paris, France'): its last
    part, after two others at least, when it names a country, and the part before it without
    its postal code. Not a code of two letters ('..., Los Angeles, CA': Canada's code is a
    state's), but 'UK', or one after a region's code and its postal code ('..., Perth, WA
    6000, AU'); nor a country's name that is another place's too (Georgia, a state of
    the United States, but for a publication in Georgia).

    Countries are found as the zone database and dopemail's own names name them; with
    ``lookup``, in ISO 3166 and the CLDR too (États-Unis), which take a quarter of a second
    to load: asked when a time without its offset is told the one to write, not at each
    build."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    country, either = None, False
    last = parts[-1] if len(parts) >= 3 else ""
    named = (len(last) > 2 or last.upper() == "UK") and not any(c.isdigit() for c in last)
    named = named and (last.casefold() not in _PLACES_TOO or home_country(timezone) == "GE")
    if named and (known_country(last) or (lookup and country_code(last) is not None)):
        country, parts = last, parts[:-1]
    elif (after := _country_after_region(parts)) is not None:
        # '..., Perth, WA 6000, AU': after a region's code and its postal code, a code of two
        # letters is the country's, not a region's (read as the region, Australia's clocks
        # were not looked at, and a Paris publication told Paris's; 'DE 19801, US' in a
        # Berlin one, Berlin's).
        country, parts = after, parts[:-1]
        if _home_code_after_state(address, timezone):
            # 'Praya ID 83511, ID' in a Jakarta publication: the code is Indonesia's as much
            # as Idaho's, as without it (read as Idaho's, Indonesia's clocks went unoffered):
            # no country, and either's clocks (see :func:`either_country`).
            country, either = None, True
    if (country is not None or either) and (state := _state_and_postal(parts[-1])) is not None:
        # 'Toronto ON M5H 2N2, CA': the city before the province's code, without it (read as
        # 'Toronto ON', named after no clock, it was offered each of Ontario's). The region
        # alone, where its name is its city's too, is the city, whatever comes before it
        # ('Film Forum, 209 W Houston St, New York 10014, US', 'Salle 2, 1 Rue Saint-Jean,
        # Québec G1R 4P5': taken off, the street was printed as the city); else it is taken
        # off for the city before it ('Fox Theatre, Atlanta, Georgia 30308'; 'Portland,
        # Oregon 97201', printed as 'Oregon' and offered Boise's clock too), but not for a
        # street or a suite ('1 Main St, Washington 98101': 'Main St' is no city).
        if state.before:
            parts = [*parts[:-1], state.before]
        elif _state_evidence(state.country, state.key, state.region, None):
            parts = [*parts[:-1], state.region]
        elif len(parts) >= 2 and not any(c.isdigit() for c in parts[-2]):
            parts = parts[:-1]
    # The city: the last part left with letters once its numbers are taken off (a postal
    # code before or after it, a state's code after it: 'Los Angeles, CA 90046').
    for part in [*reversed(parts[1:]), *parts[:1]]:  # its first part last: most often a street
        words = [w for w in part.split() if not any(c.isdigit() for c in w)]
        if words and not (len(words) == 1 and len(words[0]) == 2 and words[0].isupper()):
            return country, " ".join(words)
    return country, ""
