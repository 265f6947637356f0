"""Content sniffing: which format a file really is, from its first bytes, never its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

# How many leading bytes ``sniff`` needs.
SNIFF_BYTES = 512


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    media_type: str  # "image", "video" or "other"
    extensions: frozenset[str]
    pillow: str | None = None  # Pillow's format id, used to stop Pillow guessing further


def _fmt(name: str, media_type: str, exts: str, pillow: str | None = None) -> Format:
    return Format(name, media_type, frozenset(exts.split()), pillow)


JPEG = _fmt("jpeg", "image", ".jpg .jpeg .jpe .jfif .jif", "JPEG")
PNG = _fmt("png", "image", ".png .apng", "PNG")
GIF = _fmt("gif", "image", ".gif", "GIF")
WEBP = _fmt("webp", "image", ".webp", "WEBP")
BMP = _fmt("bmp", "image", ".bmp .dib", "BMP")
TIFF = _fmt("tiff", "image", ".tif .tiff", "TIFF")
HEIF = _fmt("heif", "image", ".heic .heif .hif", "HEIF")
AVIF = _fmt("avif", "image", ".avif", "AVIF")
MP4 = _fmt("mp4", "video", ".mp4 .m4v .mov .qt .3gp .3g2 .f4v")
MATROSKA = _fmt("matroska", "video", ".mkv .webm .mk3d")
AVI = _fmt("avi", "video", ".avi")
MPEG_TS = _fmt("mpegts", "video", ".ts .mts .m2ts .m2t")
MPEG_PS = _fmt("mpeg", "video", ".mpg .mpeg .vob .m2p")
FLV = _fmt("flv", "video", ".flv")
ASF = _fmt("asf", "video", ".wmv .asf")
OGG = _fmt("ogg", "video", ".ogv .ogg .ogx")

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}


def _iso_bmff(head: bytes) -> Format | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    brands = {head[8:12]}
    # Compatible brands follow the major brand and minor version.
    end = min(box_size, len(head)) if box_size >= 16 else 16
    brands.update(head[i : i + 4] for i in range(16, end - 3, 4))
    if brands & _AVIF_BRANDS:
        return AVIF
    if head[8:12] in _HEIF_BRANDS or (brands & _HEIF_BRANDS and not brands & {b"isom", b"mp42"}):
        return HEIF
    return MP4


def sniff(head: bytes) -> Format | None:
    """The format of a file given its first ``SNIFF_BYTES`` bytes, or None if not supported."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return WEBP
        if kind == b"AVI ":
            return AVI
        return None
    if head.startswith(b"BM") and len(head) >= 18:
        # The DIB header size distinguishes a bitmap from any file that starts with "BM".
        if int.from_bytes(head[14:18], "little") in {12, 16, 40, 52, 56, 64, 108, 124}:
            return BMP
        return None
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    bmff = _iso_bmff(head)
    if bmff is not None:
        return bmff
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return MATROSKA
    if head.startswith(b"FLV\x01"):
        return FLV
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return ASF
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return MPEG_PS
    if len(head) > 376 and head[0] == 0x47 and head[188] == 0x47 and head[376] == 0x47:
        return MPEG_TS
    # QuickTime files without an ftyp box start with another top-level atom.
    if len(head) >= 8 and head[4:8] in {b"moov", b"mdat", b"wide", b"free", b"skip"}:
        return MP4
    return None


def extension_mismatch(path: str | PurePath, fmt: Format) -> str | None:
    """A note when a file's extension names another format than its content."""
    ext = PurePath(path).suffix.lower()
    if not ext or ext in fmt.extensions:
        return None
    return f"extension {ext} but content is {fmt.name}"


# End-of-data markers: a recognised file missing its marker was cut short, not mangled.
_TRAILERS = {"jpeg": (b"\xff\xd9",), "png": (b"IEND\xaeB`\x82",), "gif": (b";",)}


def looks_truncated(fmt: Format, head: bytes, tail: bytes, size: int) -> bool:
    """Whether a file that failed to decode was cut short rather than mangled."""
    if fmt.name in ("webp", "avi") and len(head) >= 8:
        return int.from_bytes(head[4:8], "little") + 8 > size
    if fmt.name == "bmp" and len(head) >= 6:
        return int.from_bytes(head[2:6], "little") > size
    markers = _TRAILERS.get(fmt.name)
    if markers is None:
        return False
    # Writers may pad after the marker; look for it near the end, not only at it.
    return not any(marker in tail[-64:] for marker in markers)
