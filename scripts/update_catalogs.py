"""Bring every catalog of words up to date with the messages the templates and code mark.

    .venv/bin/python scripts/update_catalogs.py          # update locales/*/LC_MESSAGES/*.po
    .venv/bin/python scripts/update_catalogs.py --check  # exit 1 if one is not up to date

A new message is added to each catalog untranslated (an empty msgstr, which
tests/test_wording.py refuses); one no longer marked is dropped. Translate the new ones in
the .po, the reviewed source: dopemail compiles it in memory when it builds.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dopemail"
LOCALES = PACKAGE / "locales"
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "NP_": ((1, "c"), 2),
    "NNP_": ((1, "c"), 2, 3),
}
# The code that renders what readers read (not the sender's nor the preview's own pages).
METHODS = [
    ("send/**.py", "ignore"),
    ("preview/**.py", "ignore"),
    ("**.py", "python"),
    ("default_templates/**.j2", "jinja2.ext:babel_extract"),
]
OPTIONS = {"default_templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True"}}


def extracted() -> Catalog:
    """Every message marked in dopemail's code and default templates, with its places."""
    template = Catalog(project="dopemail", fuzzy=False)
    found = extract_from_dir(
        PACKAGE,
        METHODS,
        options_map=OPTIONS,
        keywords=KEYWORDS,
        comment_tags=["Translators:"],
        strip_comment_tags=True,
    )
    for path, line, message, comments, context in found:
        template.add(message, None, [(path, line)], auto_comments=comments, context=context)
    return template


def updated(po: Path, template: Catalog) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parts[-3])
    created = catalog.creation_date  # the template's own is now: kept, or no check passes
    catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
    catalog.creation_date = created
    catalog.obsolete.clear()
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return out.getvalue()


def main(argv: list[str]) -> int:
    template = extracted()
    stale = []
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/dopemail.po")):
        text = updated(po, template)
        if text != po.read_bytes():
            stale.append(po)
            if "--check" not in argv:
                po.write_bytes(text)
    for po in stale:
        verb = "is not up to date" if "--check" in argv else "updated"
        print(f"{po.relative_to(PACKAGE.parents[1])} {verb}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
