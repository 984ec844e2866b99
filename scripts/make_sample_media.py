"""Draw the placeholder pictures of the sample publication, byte for byte the same every run.

    .venv/bin/python scripts/make_sample_media.py [--root DIR] [--check]

Why it exists: the sample entries (``entries/*.md``) reference pictures under ``media/`` that
we have no right to redistribute, so the repository ships clearly fake stand-ins instead, drawn
by this script: a flat two-colour gradient with the picture's caption (or alt text) on it. It
also draws the publication's logo and icon named in ``dopemail.toml``.

Every local ``src`` of every entry's ``images:`` list gets a picture, so a new entry only needs
its front matter and a run of this script. The gallery's first picture (the lead, used for
``og:image`` and feed enclosures) is 1200x800; a picture whose alt text or caption says
"poster" (or "flyer") is 800x1200, a "portrait" 900x1125; the others vary in shape.
Colours come from a hash of the path and the text is drawn with Pillow's bundled font (folded
to ASCII, which is all that font covers), so the output depends on nothing but the entries and
the Pillow version: the same input gives byte-identical files, and unchanged files are not
rewritten. ``--check`` writes nothing and exits 1 if any file is missing or out of date.

This is a development tool: Pillow is a test/dev extra, never a runtime dependency.
"""

from __future__ import annotations

import argparse
import colorsys
import hashlib
import io
import re
import sys
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from dopemail.frontmatter import split

REPO = Path(__file__).resolve().parents[1]
JPEG_QUALITY = 70
LEAD_SIZE = (1200, 800)
POSTER_SIZE = (800, 1200)
PORTRAIT_SIZE = (900, 1125)
OTHER_SIZES = ((1200, 800), (1200, 675), (1000, 1000), (1200, 900))
LOGO = ("media/dopepress-logo.png", (600, 120))
ICON = ("media/dopepress-icon.png", (512, 512))
INK = (20, 20, 28)
PAPER = (246, 240, 228)
RED = (200, 40, 48)

# Typography the bundled font cannot draw, and letters NFKD does not decompose.
_ASCII = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u00d7": "x",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0111": "d",
        "\u0110": "D",
        "\u0142": "l",
        "\u0141": "L",
    }
)


@dataclass(frozen=True)
class Picture:
    """One placeholder to draw: where it goes, its size and the words on it."""

    path: str
    size: tuple[int, int]
    caption: str
    note: str


def ascii_fold(text: str) -> str:
    """``text`` with accents dropped and typography simplified, for the ASCII-only font."""
    text = re.sub(r"\u00ab\s*", '"', re.sub(r"\s*\u00bb", '"', text))  # « guillemets »
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.encode("ascii", "replace").decode("ascii")


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font (Aileron) at ``size`` pixels: the same on every machine."""
    return ImageFont.load_default(size=size)


def colours(key: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """A dark and a lighter colour of the same hue, chosen by hashing ``key``."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    hue = digest[0] / 256
    saturation = 0.35 + digest[1] / 256 * 0.3

    def rgb(lightness: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
        return round(r * 255), round(g * 255), round(b * 255)

    return rgb(0.22), rgb(0.5)


def gradient(
    size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    """A vertical gradient from ``top`` to ``bottom``, as an RGB image."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def draw_placeholder(picture: Picture) -> Image.Image:
    """The placeholder: gradient, frame, the word PLACEHOLDER, the caption and the file name."""
    width, height = picture.size
    dark, light = colours(picture.path)
    image = gradient(picture.size, light, dark)
    draw = ImageDraw.Draw(image)
    margin = width // 20
    draw.rectangle(
        (margin // 2, margin // 2, width - margin // 2, height - margin // 2),
        outline=PAPER,
        width=2,
    )
    draw.text((margin, margin), "PLACEHOLDER", font=font(width // 40), fill=PAPER)

    size = width // 18
    caption_font = font(size)
    chars = max(12, int((width - 2 * margin) / (size * 0.52)))
    lines = textwrap.wrap(ascii_fold(picture.caption), chars)[:6]
    line_height = int(size * 1.25)
    y = (height - line_height * len(lines)) // 2
    for line in lines:
        draw.text((width // 2 + 2, y + 2), line, font=caption_font, fill=INK, anchor="ma")
        draw.text((width // 2, y), line, font=caption_font, fill=PAPER, anchor="ma")
        y += line_height

    note = f"{ascii_fold(picture.note)} - {width}x{height}"
    draw.text((margin, height - margin), note, font=font(width // 48), fill=PAPER, anchor="ld")
    return image


def draw_logo(size: tuple[int, int]) -> Image.Image:
    """The wide logo: 'DoPe Press' on ink, with a red rule."""
    width, height = size
    image = Image.new("RGB", size, INK)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 10, width, height), fill=RED)
    draw.text(
        (width // 2, (height - 10) // 2),
        "DoPe Press",
        font=font(height * 11 // 20),
        fill=PAPER,
        anchor="mm",
    )
    return image


def draw_icon(size: tuple[int, int]) -> Image.Image:
    """The square icon: 'DP' in a paper disc on red."""
    width, height = size
    image = Image.new("RGB", size, RED)
    draw = ImageDraw.Draw(image)
    inset = width // 10
    draw.ellipse((inset, inset, width - inset, height - inset), fill=PAPER)
    draw.text((width // 2, height // 2), "DP", font=font(height * 2 // 5), fill=INK, anchor="mm")
    return image


def encode(image: Image.Image, path: str) -> bytes:
    """The file's bytes: JPEG at quality 70 or optimised PNG, with no metadata or timestamp."""
    buffer = io.BytesIO()
    if path.lower().endswith((".jpg", ".jpeg")):
        image.save(
            buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling=2
        )
    elif path.lower().endswith(".png"):
        image.save(buffer, "PNG", optimize=True)
    else:
        raise SystemExit(f"{path}: only .jpg, .jpeg and .png placeholders can be drawn")
    return buffer.getvalue()


def size_for(index: int, text: str) -> tuple[int, int]:
    """The placeholder's size from its place in the gallery and its words."""
    words = text.lower()
    if index == 0:
        return LEAD_SIZE
    if "poster" in words or "flyer" in words:
        return POSTER_SIZE
    if "portrait" in words:
        return PORTRAIT_SIZE
    return OTHER_SIZES[index % len(OTHER_SIZES)]


def pictures(root: Path) -> Iterator[Picture]:
    """Every local picture that the entries under ``root`` reference, in a stable order."""
    seen: set[str] = set()
    for source in sorted((root / "entries").glob("*.md")):
        rel = source.relative_to(root).as_posix()
        meta = split(source.read_text(encoding="utf-8"), rel).meta
        for index, image in enumerate(meta.get("images") or []):
            src = str(image.get("src", "")).lstrip("/")
            if not src.startswith("media/") or src in seen:
                continue
            seen.add(src)
            alt = str(image.get("alt") or "")
            caption = str(image.get("caption") or alt)
            yield Picture(src, size_for(index, f"{alt} {caption}"), caption, src)


def outputs(root: Path) -> Iterator[tuple[str, bytes]]:
    """Each file to write, as (workspace-relative path, bytes)."""
    for picture in pictures(root):
        yield picture.path, encode(draw_placeholder(picture), picture.path)
    yield LOGO[0], encode(draw_logo(LOGO[1]), LOGO[0])
    yield ICON[0], encode(draw_icon(ICON[1]), ICON[0])


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) every placeholder; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the publication's folder")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()

    stale = written = unchanged = 0
    for rel, data in outputs(root):
        target = root / rel
        if target.is_file() and target.read_bytes() == data:
            unchanged += 1
            continue
        if args.check:
            print(f"out of date: {rel}", file=sys.stderr)
            stale += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {rel} ({len(data) // 1024} KB)")
        written += 1
    if args.check:
        print(f"{unchanged} up to date, {stale} out of date")
        return 1 if stale else 0
    print(f"{written} written, {unchanged} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
