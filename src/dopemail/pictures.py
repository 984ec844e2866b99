"""The pictures an entry or the settings name, as files under ``media/`` (or https:// URLs):
found, measured, their kind read from their bytes and checked against their name, and
refused when they would not show as pictures (cut short, an SVG that runs a script, a file
this user may not read).

Everything here is kept per file and its stat for the build: a picture shown by many
entries is read once.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .cache import media_stamp, picture_stat
from .config import Settings, ascii_url
from .errors import SYSTEM_HINTS, ContentError, closest
from .fingerprint import identity
from .layout import MEDIA_DIR
from .models import Media

# The types of pictures, by extension: mimetypes adds the machine's /etc/mime.types (absent on
# some systems) to a table that differs between Python versions, and the same entry would
# have its enclosure's type on one machine and not on another.
_PICTURE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".jfif": "image/jpeg",
    ".png": "image/png",
    ".apng": "image/apng",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".jxl": "image/jxl",
    ".jp2": "image/jp2",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".svg": "image/svg+xml",
    ".svgz": "image/svg+xml",
    ".ico": "image/x-icon",  # a publication's icon, as browsers' favicons are
}


def picture_type(path: str) -> str | None:
    """The media type of a picture, from its name's extension (None if not a picture's)."""
    return _PICTURE_TYPES.get(posixpath.splitext(path)[1].lower())


def own_folder(rel: str) -> str | None:
    """The media folder of the entry in the file ``rel`` (entries/<slug>.md: media/<slug>),
    where its pictures go; None for any other file (an issue, the settings), which has none."""
    name = posixpath.basename(rel).removesuffix(".md")
    return f"{MEDIA_DIR}/{name}" if rel.startswith("entries/") and name else None


def media_example(rel: str) -> str:
    """Where a picture of the file ``rel`` goes, for a hint: an entry's in the folder named
    after it (a hint naming media/my-film/ sent the editor back to the path that was not
    found, the scaffold's own)."""
    return f"{own_folder(rel) or f'{MEDIA_DIR}/my-film'}/01.jpg"


def beside_its_file(src: str, root: Path, owner: str) -> str | None:
    """For a picture written outside media/ that is a file of the publication's folder, most
    likely beside the entry or issue ``owner`` that names it ('still.jpg' in entries/): the
    hint to move it where pictures are published from (an entry's own folder, media/<slug>/),
    and the path to write then. None for any other."""
    if not owner or "://" in src:
        return None
    written = src.replace("\\", "/")
    # (Not a build's output either: site/ and feeds/ are made again from media/.)
    outside = ("../", "/", f"{MEDIA_DIR}/", "site/", "feeds/", ".dopemail/")
    for folder in (posixpath.dirname(owner), ""):
        path = posixpath.normpath(posixpath.join(folder, written))
        if path.startswith(outside) or picture_type(path) is None:
            continue
        if (root / path).is_file():
            # An issue has no folder of its own: its pictures go in media/ itself.
            target = f"{own_folder(owner) or MEDIA_DIR}/{posixpath.basename(path)}"
            return f"move {path} to {target}, and write {target}"
    return None


def media_for(src: str, root: Path, settings: Settings, owner: str = "") -> Media:
    """Resolve an image source to its public URL, reading size and type from local files.
    ``owner``: the file that names it, whose own folder a hint names (see PictureMissing and
    beside_its_file)."""
    scheme = urlsplit(src).scheme
    if scheme:
        if scheme != "https":
            raise PictureProblem(
                f"'{src}': images must be https:// URLs or files under media/",
                f"write https://{src.split('://', 1)[1]}, if the site serves it so (pages and "
                "emails over https block http:// pictures), or put the file under media/"
                if scheme == "http" and "://" in src
                else "link an https:// address, or put the file under media/",
            )
        if any(c.isspace() for c in src):
            raise PictureProblem(
                f"'{src}' has a space in it, which no web address has",
                "write each space as %20, as the picture's page shows it in the address bar",
            )
        problem = not_shown(src)
        if problem is not None:
            raise problem
        # In ASCII: the feeds' enclosures are URLs, which an international address is not.
        return Media(url=ascii_url(src), alt="", mime=picture_type(urlsplit(src).path))
    rel, path, info = local_media(src, root, owner=owner)
    # The same picture shown by many entries is resolved once per build: picture_stat gives
    # the same stat object until the next build forgets it.
    key = (path, settings.publication.base_url)
    known = _MEDIA.get(key)
    if known is not None and known[0] is info:
        media = known[1]
    else:
        try:
            width, height = _size(path, info)
        except PermissionError:
            raise _denied(src, rel) from None
        media = Media(
            url=settings.media_url(rel),
            alt="",
            width=width if width > 0 else None,
            height=height if height > 0 else None,
            mime=picture_type(rel),
            length=info.st_size,
            source=rel,
        )
        _MEDIA[key] = (info, media)
    wrong = _misnamed(path, info, rel)
    if wrong is not None:
        raise wrong
    return media


_MEDIA: dict[tuple[str, str], tuple[os.stat_result, Media]] = {}


def local_media(
    src: str, root: Path, setting: bool = False, owner: str = ""
) -> tuple[str, str, os.stat_result]:
    """A picture under media/: its path from the publication's folder, its full path and its
    stat; ValueError (saying how to write it) for any other. ``setting``: named by a setting
    (the logo), not by an entry; ``owner``: the entry or issue that names it."""
    rel = src.lstrip("/")
    if not rel.startswith(MEDIA_DIR + "/") and (moved := beside_its_file(src, root, owner)):
        raise PictureProblem(f"'{src}': a local image must be a file under media/", moved)
    if not rel.startswith(MEDIA_DIR + "/"):
        raise ValueError(
            f"'{src}': a local image must be a file under media/{_outside(src, root, setting)}"
        )
    plain = posixpath.normpath(rel)
    if plain != rel:
        # One file, one name: media//a.jpg and media/./a.jpg name media/a.jpg too, and a build
        # that wrote the picture under both names once removed it as no longer used.
        if not plain.startswith(MEDIA_DIR + "/"):
            raise ValueError(f"'{src}': a local image must be a file under media/")
        raise ValueError(f"'{src}': write it as '{plain}'")
    path = f"{root}{os.sep}{rel}"
    info = picture_stat(path)
    if info is None and not rel.isascii():
        # Named with its accents in the other of Unicode's two ways: 'é' one character as
        # typed, or 'e' and an accent as macOS names files (unzipped, synced from a Mac),
        # maybe a file of one kind in a folder of the other. Both look the same to the
        # editor, who could never tell what differs.
        other = _as_named_on_disk(root, rel)
        if other is not None and (found := picture_stat(f"{root}{os.sep}{other}")) is not None:
            rel, path, info = other, f"{root}{os.sep}{other}", found
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a file (a pipe or a device)"
        raise PictureProblem(f"'{src}' is {what}, not a picture", "give the picture's file")
    if info is None and os.path.islink(path):
        # Its file moved or deleted (a synced folder, a picture library): not a typo.
        try:
            os.stat(path)
        except FileNotFoundError:
            raise PictureProblem(
                f"'{src}' is a link to {os.readlink(path)}, which is not there",
                "put the picture back where the link points, or copy the picture itself in "
                "place of the link",
            ) from None
        except OSError as exc:  # a link to itself, a folder it may not enter: as the system says
            raise PictureProblem(
                f"'{src}': {exc.strerror}", SYSTEM_HINTS.get(exc.errno or 0, "check the link")
            ) from None
    if info is None:
        raise PictureMissing(src, root, rel, owner)
    if picture_type(rel) is None:
        # Whatever it holds is put on the site as it is: a page (media/notes.html) would be
        # served from the publication's address, scripts and all.
        raise PictureProblem(
            f"'{src}' is not named as a picture: only pictures are published from media/",
            f"give a JPEG, PNG, GIF, WebP, AVIF or SVG file, named as such ({_NAMED_AS})",
        )
    return rel, path, info


def as_found(src: str, root: Path) -> str:
    """The path from the publication's folder of the picture under media/ a setting names
    (the logo, the icon), as :func:`local_media` finds it on disk (its accents in the other
    of Unicode's two ways, maybe); as written where it finds none (the load told it)."""
    try:
        return local_media(src, root, setting=True)[0]
    except ValueError:
        return src.lstrip("/")


def _outside(src: str, root: Path, setting: bool = False) -> str:
    """What to do with a picture named outside media/: the file under media/ it most likely
    is ('perfect-days/03.JPG', its folder's name without media/), else where to copy it (a
    file on the editor's own disk is not published)."""
    # Written from the entry's folder ('../media/x/01.jpg', as Markdown editors do) or
    # from here ('./media/x/01.jpg'): the path is from the publication's folder.
    plain = posixpath.normpath(src.replace("\\", "/")).lstrip("/")
    while plain.startswith("../"):
        plain = plain[3:]
    if plain.startswith(f"{MEDIA_DIR}/") and os.path.isfile(root / plain):
        return (
            f" (did you mean '{plain}'? a picture's path is written from the publication's folder)"
        )
    inside = f"{MEDIA_DIR}/{src.lstrip('/')}"
    # Never a path that would be refused in turn: '../../etc/passwd' under media/ is the
    # file it names, outside media/ still ('media/../../etc/passwd' was suggested).
    if posixpath.normpath(inside) == inside and os.path.isfile(root / inside):
        return f" (did you mean '{inside}'?)"
    meant = _nearest_picture(root, inside) if "/" in src.strip("/") and ".." not in src else None
    if meant is not None:
        return f" (did you mean '{meant}'?)"
    name = src.replace("\\", "/").rpartition("/")[2] or "the-picture.jpg"
    if setting:
        # A logo belongs to no entry: media/<the entry's slug>/ sent the editor looking for one.
        return f": copy the file into media/ (media/{name}) and write that path"
    return (
        f": copy the file into a folder of media/ (media/<the entry's slug>/{name}) and write "
        "that path"
    )


def _as_named_on_disk(root: Path, rel: str) -> str | None:
    """``rel`` as the files and folders on disk spell it, where they differ from it in
    Unicode's normalisation alone (None if some part is not there either way)."""
    parts: list[str] = []
    for part in rel.split("/"):
        folder = os.path.join(root, *parts)
        if not os.path.lexists(os.path.join(folder, part)):
            wanted = unicodedata.normalize("NFC", part)
            try:
                names = os.listdir(folder)
            except OSError:
                return None
            same = [n for n in names if unicodedata.normalize("NFC", n) == wanted]
            if not same:
                return None
            part = same[0]
        parts.append(part)
    return "/".join(parts)


_NAMED_AS = ".jpg, .png, .gif, .webp, .avif, .svg"


def _nearest_picture(root: Path, rel: str) -> str | None:
    """The file under media/ that ``rel`` most likely meant: the same name in another case
    (01.JPG for 01.jpg, which a Mac's disk would have found and Linux's does not), or one
    spelt alike, in its folder or the folder most like it."""
    folder, _, name = rel.rpartition("/")
    try:
        here = [e.name for e in os.scandir(root / folder) if e.is_file()]
    except OSError:
        parent, _, wanted = folder.rpartition("/")
        try:
            folders = [e.name for e in os.scandir(root / parent) if e.is_dir()]
        except OSError:
            return None
        close = closest(wanted, folders, cutoff=0.75)
        if close is None or close == wanted:  # none alike, or there but not readable
            return None
        return _nearest_picture(root, f"{parent}/{close}/{name}")
    same = [n for n in here if n.casefold() == name.casefold()]
    # Not another numbered picture: 09.jpg is spelt like 02.jpg, and is most likely another
    # picture the entry shows already (a moved 02.jpg was told "did you mean 09.jpg?").
    alike = [n for n in here if not _another_number(name, n)]
    close = same[0] if same else closest(name, alike, cutoff=0.75)
    return f"{folder}/{close}" if close else None


def _another_number(name: str, other: str) -> bool:
    """Whether two file names differ in the numbers they hold alone ('02.jpg', '09.jpg'; not
    '2.jpg', '02.jpg')."""
    numbers = re.compile(r"\d+")
    if numbers.sub("#", name.casefold()) != numbers.sub("#", other.casefold()):
        return False
    return [int(n) for n in numbers.findall(name)] != [int(n) for n in numbers.findall(other)]


# A picture is shown by many entries (and read again on every preview rebuild): its size is
# read once per version of the file, which its stat (path, size, times, inode) tells apart.
_SIZES: dict[tuple[str, int, int, int, int], tuple[int, int]] = {}


_TYPES: dict[tuple[str, int, int, int, int], str | None] = {}
# The versions of files found cut short (see _cut_short).
_CUT: set[tuple[str, int, int, int, int]] = set()


def _size(path: str, info: os.stat_result) -> tuple[int, int]:
    key = (path, *identity(info))
    found = _SIZES.get(key)
    if found is None:
        try:
            import imagesize  # on first use: a warm build measures no picture

            with open(path, "rb") as file:
                _TYPES[key] = _type_of(file.read(64))
                file.seek(0)
                width, height = imagesize.get(file)
                # (One whose size is unreadable is told so: that comes first.)
                if min(width, height) > 0 and _cut_short(file, _TYPES[key], info.st_size):
                    _CUT.add(key)  # its size is read, its picture is not whole
                    raise ValueError("cut short")
            # An SVG's are read from its attributes, as floats (100.0): HTML wants whole
            # pixels, and so do the email's layout and og:image:width (0.4 is still one).
            found = (_pixels(width), _pixels(height))
        except PermissionError:
            raise  # told as such (see _denied), not as a damaged picture
        except (ValueError, OSError):
            found = (-1, -1)
        _SIZES[key] = found
    return found


def _local_logo(settings: Settings) -> str | None:
    """The publication's logo when it is a file of the workspace (not an https:// one, which
    the build fetches nothing of)."""
    src = settings.publication.logo
    return src if src and not src.startswith("https://") else None


def logo_stamp(settings: Settings, root: Path) -> tuple[tuple[str, str], ...]:
    """The logo's :func:`~dopemail.cache.media_stamp` (none for an https:// one): what the
    feeds, which give its size, are made again for."""
    src = _local_logo(settings)
    return media_stamp(root, [src.lstrip("/")]) if src is not None else ()


def logo_size(settings: Settings, root: Path) -> tuple[int, int] | None:
    """The publication's logo's width and height in pixels, when it is a picture under
    media/ whose size reads; None for an https:// one (the build fetches nothing) or one the
    load reports (see load._settings_media)."""
    src = _local_logo(settings)
    if src is None:
        return None
    try:
        _, path, info = local_media(src, root)
    except (ValueError, OSError):
        return None
    width, height = _size(path, info)
    return (width, height) if min(width, height) > 0 else None


def _cut_short(file: Any, kind: str | None, size: int) -> bool:
    """Whether a picture of ``kind`` stops before the end its format writes: a copy or a
    download cut short, whose size reads well from its first bytes, and which readers see
    half grey. Data after that end (a phone's motion photo, padding) is no fault."""
    if kind == "image/webp":  # its RIFF header says how long it is
        file.seek(4)
        return int.from_bytes(file.read(4), "little") + 8 > size
    if kind not in ("image/jpeg", "image/png", "image/gif"):
        return False
    file.seek(max(0, size - 4096))
    tail = file.read()
    if kind == "image/jpeg":
        if b"\xff\xd9" in tail:  # its end marker, which its coded data cannot hold
            return False
        return not _jpeg_ends(file)  # data after its end (a motion photo's video)?
    if kind == "image/png":
        return b"IEND" not in tail and not _png_ends(file, size)
    return not tail.rstrip(b"\x00\r\n\t \x1a").endswith(b"\x3b")  # a GIF's trailer


def _cut_short_problem(name: str) -> PictureProblem:
    return PictureProblem(
        f"'{name}' is cut short: its last bytes are missing, and readers would see it half drawn",
        "if it is still being copied, wait: it is read again once whole (the preview builds "
        "again by itself); else copy it again from where it came (or export it again)",
    )


def _jpeg_ends(file: Any) -> bool:
    """Whether a JPEG's end marker comes after its first scan: its segments walked from the
    start to that scan (an EXIF thumbnail's own end marker is passed over), then its data
    read for the marker, which no coded data holds."""
    at = 2
    while True:
        file.seek(at)
        head = file.read(4)
        if len(head) < 4 or head[0] != 0xFF:
            return False  # cut short before its first scan (or no JPEG's structure)
        if head[1] == 0xFF:  # a fill byte
            at += 1
            continue
        if head[1] == 0xDA:  # the first scan
            break
        at += 2 + int.from_bytes(head[2:4], "big")
    previous = b""
    while chunk := file.read(1 << 20):
        if b"\xff\xd9" in previous[-1:] + chunk:
            return True
        previous = chunk
    return False


def _png_ends(file: Any, size: int) -> bool:
    """Whether a PNG's chunks, walked from its start, reach its IEND within the file."""
    at = 8
    while at + 8 <= size:
        file.seek(at)
        head = file.read(8)
        if head[4:8] == b"IEND":
            return True
        at += 12 + int.from_bytes(head[:4], "big")
    return False


def _type_of(head: bytes) -> str | None:
    """The media type a picture's first bytes say it is (None: not one of these)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        # The brands: the major one, then the compatible ones (an AVIF may lead with mif1,
        # the brand of every HEIF file, and name avif after it).
        end = min(len(head), int.from_bytes(head[:4], "big"))
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
        if brands & {b"avif", b"avis"}:
            return "image/avif"
        if brands & _HEIF_BRANDS:
            return "image/heic"
        return None
    if head[:4] == b"\x00\x00\x01\x00":
        return "image/x-icon"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00"):
        return "image/tiff"
    if head[:2] == b"BM" and head[14:15] in (b"\x0c", b"\x28", b"\x38", b"\x40", b"\x6c", b"\x7c"):
        return "image/bmp"  # (its second header's size, one of the six there are)
    if head[:2] == b"\xff\x0a" or head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return "image/jxl"
    if head[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n":
        return "image/jp2"
    return None


_HEIF_BRANDS = frozenset(
    (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1")
)

# Kinds of picture that Chrome, Firefox and mail programs but Apple's show broken: a
# photograph straight from an iPhone (HEIC), a scan (TIFF), and the newer JPEG XL and 2000.
_NOT_SHOWN = {
    "image/heic": "HEIC (an iPhone's photographs)",
    "image/heif": "HEIF",
    "image/tiff": "TIFF",
    "image/jxl": "JPEG XL",
    "image/jp2": "JPEG 2000",
}


class PictureProblem(ValueError):
    """A picture that is there, but not as written: with its own hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class PictureMissing(PictureProblem):
    """A picture that is not where it is written (``src``, ``rel`` under ``root``), with its
    message and its whole hint: the picture most like it when there is one (the one fix the
    message's 'did you mean' names), else what its folder holds, the names most like it
    first, or that the folder is empty or not there. ``owner``: the file that names the
    picture (entries/<slug>.md), whose own folder is offered (a hint whose example was the
    very path not found sent the editor back to it), and is the one meant when the folder
    written is missing and spelt like it."""

    def __init__(self, src: str, root: Path, rel: str, owner: str = "") -> None:
        self.root = root
        self.folder, _, self.name = rel.rpartition("/")
        self.own = own_folder(owner)
        self.example = f"{self.own}/01.jpg" if self.own else None
        self.owns = self.own is not None and _meant_as(root, self.folder, self.own)
        if not self.owns:
            self.meant = _nearest_picture(root, rel)
        elif (root / self.own).is_dir():
            # Looked for in the entry's own folder alone: another entry's, spelt like it, was
            # offered (cold review: 'write media/harbor-lights-restoration/01.jpg' for the
            # entry harbor-lights-restoration-qa, whose own folder was not made yet), and an
            # editor following it publishes another film's still.
            self.meant = _nearest_picture(root, f"{self.own}/{self.name}")
        else:
            self.meant = None
        try:
            here = [e.name for e in os.scandir(root / self.folder) if e.is_file()]
        except OSError:
            self.held: list[str] | None = None
        else:
            self.held = _likest(self.name, [n for n in here if picture_type(n) is not None])
        # Made here with the hint, from the same picture meant: they cannot disagree.
        said = f" (did you mean '{self.meant}'?)" if self.meant else ""
        super().__init__(f"'{src}' does not exist{said}", self._hint())

    def _hint(self) -> str:
        folder, name, example = self.folder, self.name, self.example
        # Each case gives one fix: the message's 'did you mean' and a hint naming another
        # picture, or listing the folder's again, left the editor to choose between them.
        if self.meant is not None:
            if self.held is None:
                return (
                    f"there is no folder {folder}/, but {self.meant} is there: write {self.meant}"
                )
            return f"write {self.meant}, or copy the picture into {folder}/ as {name}"
        own = self.own or ""
        if self.owns and own != folder:
            # The entry's own folder's name mistyped: the picture goes there, not in a folder
            # made with the typo in its name.
            if (self.root / own).is_dir():
                return (
                    f"there is no folder {folder}/, but there is the entry's own, {own}/: "
                    f"write {own}/{name} and copy the picture there as {name}"
                )
            return (
                f"there is no folder {folder}/, nor the entry's own, {own}/: write "
                f"{own}/{name}, make that folder and copy the picture into it as {name}"
            )
        if not self.held and own and own != folder and (self.root / own / name).is_file():
            # The folder's name mistyped, the picture in the entry's own (cold review: it was
            # told to copy the picture there, where it is).
            there = "there is no folder" if self.held is None else "there is no picture in"
            return f"{there} {folder}/, but {own}/{name} is there: write {own}/{name}"
        if self.held is None:
            # An issue has no folder of its own: no other is offered (it was media/my-film/).
            elsewhere = (
                f", or into the entry's own folder: {example}"
                if example and not example.startswith(f"{folder}/")
                else ""
            )
            made = f"make it and copy the picture into it as {name}"
            return f"there is no folder {folder}/: {made}{elsewhere}"
        if not self.held:
            return f"{folder}/ holds no picture: copy the picture there as {name}"
        shown = ", ".join(self.held[:8])
        more = f" and {len(self.held) - 8} more" if len(self.held) > 8 else ""
        one = "write it" if len(self.held) == 1 else "write one of them"
        return f"{folder}/ holds {shown}{more}: {one}, or copy the picture there as {name}"


def _meant_as(root: Path, folder: str, own: str) -> bool:
    """Whether ``folder``, written for a picture and not there, is meant to be the entry's own
    folder ``own`` (media/<slug>): the same, not made yet, or its name mistyped, spelt at least
    as much like it as like any folder of media/ and as alike as a 'did you mean' asks."""
    parent, _, written = folder.rpartition("/")
    if parent != MEDIA_DIR or os.path.lexists(root / folder):
        return False
    try:
        folders = [e.name for e in os.scandir(root / MEDIA_DIR) if e.is_dir()]
    except OSError:
        folders = []

    def alike(other: str) -> float:
        # As closest() judges a 'did you mean': case aside.
        return difflib.SequenceMatcher(None, other.lower(), written.lower()).ratio()

    mine = alike(posixpath.basename(own))
    return mine >= 0.75 and all(alike(other) <= mine for other in folders)


def _likest(name: str, names: list[str]) -> list[str]:
    """``names`` ordered most like ``name`` first: the same name in another case (01.JPG),
    then in another kind (01.jpeg, 01.png), then by how alike they are spelt."""
    wanted = name.casefold()
    stem = posixpath.splitext(wanted)[0]

    def likeness(other: str) -> tuple[int, float, str]:
        folded = other.casefold()
        rank = 0 if folded == wanted else 1 if posixpath.splitext(folded)[0] == stem else 2
        return rank, -difflib.SequenceMatcher(None, wanted, folded).ratio(), other

    return sorted(names, key=likeness)


def _denied(src: str, rel: str) -> PictureProblem:
    """A picture this user may not read: said so (it was told damaged, to export again)."""
    return PictureProblem(
        f"'{src}' cannot be read: permission denied",
        f"let it be read (chmod a+r '{rel}'), or copy it in again as yourself",
    )


def _misnamed(path: str, info: os.stat_result, name: str) -> PictureProblem | None:
    """A picture most readers would see broken (a HEIC, a TIFF), or one whose name says
    another kind than its bytes (a PNG saved as .jpg): the feeds announce it by its name, and
    mail programs and readers go by that."""
    key = (path, *identity(info))
    actual = _TYPES.get(key)
    said = picture_type(name)
    unshown = _NOT_SHOWN.get(actual or said or "")
    if unshown is not None:
        return _not_shown(name, unshown)
    if said == "image/svg+xml":
        return _svg_problem(path, key, name)
    if key in _CUT:
        return _cut_short_problem(name)
    if actual is None and key in _TYPES and not name.lower().endswith(READABLE_NAMES):
        # Given its size by hand (a kind dopemail cannot measure): what it holds is all that
        # tells it is a picture at all, not a page or notes put on the site.
        return _not_a_picture(name, said)
    if min(_SIZES.get(key, (-1, -1))) <= 0:
        return None  # unreadable: said as such, whatever its first bytes
    return _kind_problem(name, said, actual)


def _not_a_picture(name: str, said: str | None) -> PictureProblem:
    kind = (said or "image/?").split("/")[1].upper()
    return PictureProblem(
        f"'{name}' is not a picture: its first bytes are no {kind} picture's",
        "put the right file in its place, or export it again as JPEG or PNG",
    )


def _kind_problem(name: str, said: str | None, actual: str | None) -> PictureProblem | None:
    """A picture whose name says another kind than its first bytes (a PNG saved as .jpg)."""
    if actual is None or said is None or said == actual:
        return None
    if (said, actual) == ("image/apng", "image/png"):
        return None  # an animated PNG begins as a PNG does
    kind = actual.split("/")[1].upper()
    ending = {"JPEG": ".jpg", "TIFF": ".tif"}.get(kind, f".{kind.lower()}")
    stem = posixpath.splitext(name)[0]
    return PictureProblem(
        f"'{name}' is a {kind} picture named {posixpath.splitext(name)[1]}: the feeds and "
        f"pages would announce it as {said}",
        f"rename it {posixpath.basename(stem)}{ending} (and its path here: {stem}{ending}), or "
        f"export it again as {said.split('/')[1].upper()}",
    )


# What makes an SVG a program: opened on its own from the site (a reader's "open image in new
# tab"), its scripts run with the publication's address, its cookies and its pages. Looked for
# in the parsed document, by local name (an h:script in the XHTML namespace runs too), and in
# attribute values as the browser decodes them (&#106;avascript: is javascript:).
_SVG_ELEMENTS_THAT_RUN = frozenset({"script", "handler", "iframe", "embed", "object", "listener"})
# What makes an SVG a page: HTML in it, shown on its own at the publication's address, may
# redirect the reader (a meta refresh) or ask for a password there, script or not. A film's
# picture needs no foreignObject, which carries that HTML, nor any element of HTML's.
_SVG_HTML = "http://www.w3.org/1999/xhtml"
_SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
_SVG_RUNNING_VALUE = re.compile(r"javascript:|vbscript:|data:text/html", re.IGNORECASE)
_URL_NOISE = re.compile(r"[\x00-\x20]+")  # what a browser drops from a URL ("java\tscript:")
# Each version of an SVG file is read whole once: (path, stat identity) -> what is wrong, if any.
_SVG_FAULTS: dict[tuple[str, int, int, int, int], str | None] = {}
_SVG_MAX = 32 << 20  # read no more (and unzip no more) than this of one file


def _svg_problem(
    path: str, key: tuple[str, int, int, int, int], name: str
) -> PictureProblem | None:
    if key not in _SVG_FAULTS:
        _SVG_FAULTS[key] = _svg_fault(path)
    fault = _SVG_FAULTS[key]
    if fault is None:
        return None
    if fault.startswith("holds HTML"):
        hint = (
            "export it again as PNG or JPEG (which every mail program shows), or as plain SVG "
            "without that HTML, and give that file here"
        )
    else:
        hint = (
            "export it again as plain SVG without scripts (or as PNG, which every mail "
            "program shows), and give that file here"
        )
    return PictureProblem(f"'{name}' {fault}", hint)


def _svg_fault(path: str) -> str | None:
    import zlib

    from lxml import etree

    try:
        with open(path, "rb") as file:
            data = file.read(_SVG_MAX)
        if data[:2] == b"\x1f\x8b":  # .svgz: gzipped
            data = zlib.decompressobj(wbits=31).decompress(data, _SVG_MAX)
    except (OSError, zlib.error):
        return "cannot be read"
    # Entities neither expanded nor fetched: a browser expands those declared in the file,
    # which are looked at below as what they are, text or markup.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return f"is not an SVG picture: it is not well-formed XML ({exc.msg})"
    if root.tag != _SVG_ROOT:
        # By its namespace too: an <svg> of XHTML's is an HTML page to a browser, whatever
        # it holds (a link and a text box passed as a picture), and one of none no picture.
        return (
            "is not an SVG picture: its document is not an <svg> element of SVG's namespace "
            '(xmlns="http://www.w3.org/2000/svg")'
        )
    running = (
        "holds a script (or what runs one): opened on its own from the site, it would run "
        "with the publication's address"
    )
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any("<" in (e.content or "") for e in dtd.iterentities()):
        return running  # an entity of markup: expanded, it may be a script
    for node in (*root.itersiblings(preceding=True), *root.iter()):
        if isinstance(node, etree._ProcessingInstruction):
            if node.target == "xml-stylesheet" and "css" not in (node.get("type") or ""):
                return running  # an XSLT stylesheet makes a page of the picture
            continue
        if not isinstance(node.tag, str):
            continue  # a comment, an entity left unexpanded
        tag = etree.QName(node)
        if tag.localname.lower() in _SVG_ELEMENTS_THAT_RUN:
            return running
        # Any element of HTML's: each makes part of the picture a page (a heading, a link and
        # a text box asked for passwords as well as a form does).
        if tag.localname.lower() == "foreignobject" or tag.namespace == _SVG_HTML:
            return (
                f"holds HTML (a <{tag.localname}> element): opened on its own from the site, "
                "it would be a page at the publication's address, which may send readers "
                "elsewhere or ask for their passwords"
            )
        for name, value in node.attrib.items():
            if etree.QName(name).localname.lower().startswith("on"):
                return running
            if _SVG_RUNNING_VALUE.search(_URL_NOISE.sub("", value)):
                return running
    return None


def _not_shown(name: str, kind: str) -> PictureProblem:
    return PictureProblem(
        f"'{name}' is a {kind} picture, which Chrome, Firefox and most mail programs show "
        "as a broken picture",
        "open it in an image editor (Preview on a Mac, Photos on Windows) and export it as "
        "JPEG, or PNG for a drawing or a screenshot; then give its new name here",
    )


def _pixels(size: float) -> int:
    return max(1, round(size)) if size > 0 else int(size)


# What imagesize reads the width and height of (an SVG: from its width and height).
_READABLE = "JPEG, PNG, GIF, WebP, AVIF, SVG"
# Named as one of those: when its size cannot be read, the file is damaged (or not a picture
# at all), and a size given by hand would only publish a broken picture.
READABLE_NAMES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def unreadable(what: str, src: str, rel: str, line: int | None, or_else: str) -> ContentError:
    """A picture (``src``) whose size cannot be read: a broken picture in every page, feed and
    email, with a size made up for the email's layout."""
    if src.lower().endswith((".svg", ".svgz")):
        # Not damaged: sized in % or by its viewBox alone, it has no size of its own.
        return ContentError(
            f"{what} is an SVG without a width and height in pixels",
            rel,
            line,
            'give its <svg> element width="..." and height="..." in pixels, export it as '
            f"PNG (mail programs do not show SVG), or {or_else}",
        )
    return ContentError(
        f"{what} is not a picture dopemail can read the size of ({_READABLE}), or it is damaged",
        rel,
        line,
        f"open it in an image editor and export it again as JPEG or PNG (or {or_else})",
    )


def measured(src: str, rel: str, path: str, info: os.stat_result) -> tuple[int, int]:
    """The width and height of the picture at ``path`` (-1, -1 when they cannot be read: a
    damaged file); PictureProblem when this user may not read it, or its bytes are not the
    kind its name says."""
    try:
        size = _size(path, info)
    except PermissionError:
        raise _denied(src, rel) from None
    wrong = _misnamed(path, info, rel)
    if wrong is not None:
        raise wrong
    return size


def not_shown(url: str) -> PictureProblem | None:
    """Why a picture at ``url`` (elsewhere on the web) would not show in readers' browsers
    and mail clients (HEIC, TIFF...), judged by its name; None if it would."""
    unshown = _NOT_SHOWN.get(picture_type(urlsplit(url).path) or "")
    return _not_shown(url, unshown) if unshown is not None else None


def check_bytes(rel: str, path: str, info: os.stat_result) -> None:
    """Raise PictureProblem unless the file at ``path`` holds the picture its name says
    (for the settings' logo and icon: not measured, but every page links to them)."""
    said = picture_type(rel) or ""
    if said == "image/svg+xml":
        problem = _svg_problem(path, (path, *identity(info)), rel)
    else:
        try:
            with open(path, "rb") as file:
                actual = _type_of(file.read(64))
        except PermissionError:
            raise _denied(rel, rel) from None
        except OSError:
            actual = None
        if actual is None and said not in _NOT_SHOWN and said != "image/bmp":
            raise _not_a_picture(rel, said)
        try:
            with open(path, "rb") as file:
                short = _cut_short(file, actual, info.st_size)
        except OSError:
            short = False
        if short:
            raise _cut_short_problem(rel)
        unshown = _NOT_SHOWN.get(actual or said)
        problem = _not_shown(rel, unshown) if unshown else _kind_problem(rel, said, actual)
    if problem is not None:
        raise problem
