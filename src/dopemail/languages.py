"""Languages as an entry names them ("French"), as HTML's lang attribute wants them ("fr"): so
that a screen reader reads a film's original title, or a quotation, in its own language.

The languages films are most often in are known without loading anything; any other name is
looked up in ISO 639 (``pycountry``, loaded only then).
"""

from __future__ import annotations

import difflib
import functools
import re

# English names (and a few usual others) of the languages most films are in.
_CODES = {
    "english": "en", "french": "fr", "spanish": "es", "german": "de", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "flemish": "nl", "danish": "da", "swedish": "sv",
    "norwegian": "no", "finnish": "fi", "icelandic": "is", "polish": "pl", "czech": "cs",
    "slovak": "sk", "hungarian": "hu", "romanian": "ro", "greek": "el", "turkish": "tr",
    "russian": "ru", "ukrainian": "uk", "serbian": "sr", "croatian": "hr", "bosnian": "bs",
    "bulgarian": "bg", "georgian": "ka", "armenian": "hy", "arabic": "ar", "hebrew": "he",
    "persian": "fa", "farsi": "fa", "urdu": "ur", "hindi": "hi", "bengali": "bn",
    "tamil": "ta", "telugu": "te", "malayalam": "ml", "punjabi": "pa", "japanese": "ja",
    "korean": "ko", "chinese": "zh", "mandarin": "zh", "cantonese": "yue", "thai": "th",
    "vietnamese": "vi", "indonesian": "id", "tagalog": "tl", "filipino": "fil",
    "wolof": "wo", "yoruba": "yo", "amharic": "am", "swahili": "sw", "catalan": "ca",
    "basque": "eu", "galician": "gl", "irish": "ga", "welsh": "cy", "yiddish": "yi",
    "latin": "la", "malay": "ms", "nepali": "ne", "uyghur": "ug", "uighur": "ug",
    "romani": "rom", "romany": "rom", "aramaic": "arc", "kurdish": "ku", "pashto": "ps",
    "sinhala": "si", "sinhalese": "si", "khmer": "km", "lao": "lo", "burmese": "my",
    "mongolian": "mn", "kazakh": "kk", "uzbek": "uz", "tibetan": "bo", "zulu": "zu",
    "xhosa": "xh", "hausa": "ha", "igbo": "ig", "somali": "so", "maori": "mi",
    "estonian": "et", "latvian": "lv", "lithuanian": "lt", "slovenian": "sl", "slovene": "sl",
    "macedonian": "mk", "albanian": "sq", "belarusian": "be", "azerbaijani": "az",
    "kyrgyz": "ky", "tajik": "tg", "afrikaans": "af", "tigrinya": "ti", "quechua": "qu",
    "gujarati": "gu", "marathi": "mr", "kannada": "kn", "maltese": "mt", "dari": "prs",
    "luxembourgish": "lb", "breton": "br", "occitan": "oc", "taiwanese": "nan",
    "hokkien": "nan", "hakka": "hak", "shanghainese": "wuu", "esperanto": "eo",
    "darija": "ary", "gaelic": "gd", "brazilian portuguese": "pt-BR",
}  # fmt: skip

#: What a film's language is given as when it has none to mark a title with.
NO_DIALOGUE = frozenset(
    {
        "silent", "silent film", "none", "no dialogue", "no dialog", "wordless",
        "without dialogue", "non-verbal", "nonverbal",
    }
)  # fmt: skip


#: A BCP 47 language tag: en, fr, pt-BR, in any case ('FR'): the publication's language and
#: a pull quote's are validated against it after tag_case writes them in HTML's case, and
#: the schema editors' plugins check files by takes them as the build does.
LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_TAG = re.compile(LANGUAGE_TAG)
_ANY_CASE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def tag_case(value: object) -> object:
    """A language tag in the case BCP 47 writes it ('EN-us': 'en-US', 'zh-hant': 'zh-Hant'):
    tags are the same whatever their case, and HTML's lang and feeds take it so."""
    if not isinstance(value, str) or not _ANY_CASE.fullmatch(value.strip()):
        return value
    primary, *rest = value.strip().split("-")
    parts = [primary.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # a region
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())  # a script
        else:
            parts.append(part.lower())
    return "-".join(parts)


_KNOWN_TAGS = frozenset(_CODES.values())


@functools.lru_cache(maxsize=256)
def language_code(name: str | None) -> str | None:
    """The language tag of a language named in English ("French": "fr"; a tag given as one,
    "fr", "FR" or "pt-BR", as the tag), or None when it is not one."""
    if not name:
        return None
    first = first_language(name)
    known = _CODES.get(first.casefold())
    if known:
        return known
    primary, _, rest = first.partition("-")
    tag = primary.lower() + (f"-{rest}" if rest else "")
    # A tag's subtags are a region (BR, 419) or a script (Latn): 'non-verbal' is no tag.
    subtags_ok = all(_SUBTAG.fullmatch(part) for part in rest.split("-")) if rest else True
    code = primary.isascii() and primary.isalpha() and len(primary) in (2, 3) and subtags_ok
    if code and primary.lower() in _KNOWN_TAGS:
        return tag if _TAG.fullmatch(tag) else None
    import pycountry

    key = "alpha_2" if len(primary) == 2 else "alpha_3"
    if code and pycountry.languages.get(**{key: primary.lower()}) is not None:
        return tag if _TAG.fullmatch(tag) else None
    try:
        found = pycountry.languages.lookup(first)
    except LookupError:
        return _named_elsewhere().get(first.casefold())
    return getattr(found, "alpha_2", None) or getattr(found, "alpha_3", None)


# The languages whose names for languages an editor of the magazine may write ('français',
# 'allemand', 'Spanisch'): the CLDR's, by Babel, looked at only for a name not known above.
ELSEWHERE = ("fr", "es", "de", "it", "pt", "nl")


@functools.cache
def _named_elsewhere() -> dict[str, str]:
    from babel import Locale

    found: dict[str, str] = {}
    for language in ELSEWHERE:
        for code, name in Locale.parse(language).languages.items():
            if "_" not in code or code == "pt_BR":
                found.setdefault(name.casefold(), code.replace("_", "-"))
    return found


def sole_language(written: str) -> str | None:
    """The tag of a language named alone, in English, another language or by its code ('fr',
    'français', 'eng': 'en', as the CLDR and HTML know it); None for several, one with a
    note ('Chinese (Mandarin)') or none known."""
    text = written.strip()
    code = language_code(text) if first_language(text) == text else None
    primary = code.split("-")[0] if code else ""
    if len(primary) == 3:
        import pycountry

        found = pycountry.languages.get(alpha_3=primary)
        code = getattr(found, "alpha_2", None) or code
    return str(tag_case(code)) if code else None  # pt-br: pt-BR


def language_name(written: str) -> str:
    """A film's language as readers are shown it: one given as its ISO 639 code ("fr", "no")
    or named in another language ("français") by its English name ("French", "Norwegian");
    an English name, several languages or one with a note as written."""
    text = written.strip()
    code = sole_language(text) if text.casefold() not in _CODES else None
    if code is None:
        return written
    named = _NAMES.get(code) or _NAMES.get(code.split("-")[0])  # en-US: English
    if named or not _ANY_CASE.fullmatch(text):
        return named or written
    import pycountry

    primary = code.split("-")[0]
    found = pycountry.languages.get(**{"alpha_2" if len(primary) == 2 else "alpha_3": primary})
    return getattr(found, "name", None) or written


# The first English name of each language tag above: 'fr' -> 'French'.
_NAMES: dict[str, str] = {}
for _name, _code in _CODES.items():
    _NAMES.setdefault(_code, _name.title() if _code != "pt-BR" else "Brazilian Portuguese")


_SUBTAG = re.compile(r"[A-Za-z]{2}|\d{3}|[A-Za-z]{4}")
_SEPARATORS = re.compile(r"[,;/&]| and ")


def first_language(name: str) -> str:
    """The language a film's ``language`` names first, as written: "French, English",
    "French/English", "English & Tagalog": the first; "Chinese (Mandarin)": Chinese."""
    first = _SEPARATORS.split(name.strip())[0]
    return re.sub(r"\s*\([^)]*\)?", "", first).strip()


def closest_language(name: str) -> str | None:
    """The language name most like ``name`` ("Norweigan": "Norwegian"), for a "did you mean"."""
    found = difflib.get_close_matches(name.strip().casefold(), list(_CODES), n=1, cutoff=0.75)
    return found[0].title() if found else None


# Scripts written right to left (ISO 15924), as a language tag's script subtag names them.
_RIGHT_TO_LEFT_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"})

# Languages written right to left (primary language subtags).
_RIGHT_TO_LEFT = frozenset(
    {"ar", "arc", "azb", "ckb", "dv", "fa", "he", "iw", "khw", "ks", "lrc", "mzn", "nqo"}
    | {"pnb", "prs", "ps", "sd", "syr", "ug", "ur", "yi"}
)


def language_direction(tag: str) -> str:
    """Which way a language (a BCP 47 tag) is written: "rtl" or "ltr"."""
    primary, *subtags = str(tag).split("-")
    if any(sub.title() in _RIGHT_TO_LEFT_SCRIPTS for sub in subtags):
        return "rtl"  # az-Arab, pa-Arab: the script says
    if any(len(sub) == 4 and sub.isalpha() for sub in subtags):
        return "ltr"  # another script named: ku-Latn
    return "rtl" if primary.lower() in _RIGHT_TO_LEFT else "ltr"
