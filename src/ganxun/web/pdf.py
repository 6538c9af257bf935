"""HTML to PDF with WeasyPrint and the shipped Noto Sans SC font (no system CJK font is needed).

What shapes this module (measured on the project's machine, see the archive's report):

1. ``@font-face`` is honoured only when ONE ``FontConfiguration`` is passed both to ``CSS(...)`` and
   to ``write_pdf(...)``; otherwise WeasyPrint silently falls back to DejaVu and Chinese prints as
   boxes. The process keeps one, and rendering is serialised with a lock (a fontconfig configuration
   must not change under another thread's feet).
2. The shipped font is cut into ~100 slices per weight (``vendor/noto-sans-sc/400.css``). Declared
   under one family name, WeasyPrint 70 merges every slice into ONE embedded PDF font while the glyph
   ids come from different files: the PDF shows the wrong characters. So each slice is declared as
   its own family (``Noto Sans SC 117``) and the document gets the list of those families.
3. Loading a slice costs ~0.27 s, almost all of it fontTools decompressing woff2 in pure Python. So a
   document declares only the slices (of weights 400 and 700) that cover the characters it uses, and
   each slice is decompressed once into a TrueType file cache (``VAR_DIR/cache/fonts``) shared by
   every process. A slice loaded into the FontConfiguration stays loaded, so later documents pay
   only for characters not seen before.
4. The shipped font has no ideograph outside the Basic Multilingual Plane, 37 of Extension A and about
   12,300 of the 20,992 unified ideographs: rare characters in names (生僻字, e.g. 𠮷 U+20BB7 in
   Extension B) printed as boxes. Debian's ``fonts-hanazono`` (HanaMinA/HanaMinB, installed by
   ``make install``) is the last resort: declared after every Noto slice and only for the ideograph
   blocks, it prints only characters that no Noto slice has, and only documents with such characters
   load it (once per process, 0.1–0.2 s: WeasyPrint copies the 23–31 MB file to a temporary folder).
   Without the files the PDF is still made (those characters print as boxes) and a warning is logged
   once per process.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from functools import lru_cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured

FONT_CSS = {"400": "vendor/noto-sans-sc/400.css", "700": "vendor/noto-sans-sc/700.css"}
FAMILY = "Noto Sans SC"
# Elements the print stylesheets may set in bold; the 700 slices are loaded for their text only.
BOLD_TAGS = {"h1", "h2", "h3", "h4", "th", "strong", "b"}
# Page numbers in the margin boxes.
MARGIN_TEXT = "第页共/ 0123456789"

_FACE = re.compile(r"@font-face\s*{[^}]*}")
_RANGE = re.compile(r"unicode-range:\s*([^;]+);")
_SRC = re.compile(r"url\(\./files/(noto-sans-sc-(.+?)-(\d00)-normal\.woff2)\)\s*format\('woff2'\)")
_QUOTED = re.compile(r'"([^"]*)"')

# Last-resort fonts for ideographs the Noto slices lack: (family, file, unicode ranges). HanaMinA has
# Extension A, the unified and compatibility ideographs; HanaMinB Extensions B–F. The ranges stop at the
# ideograph blocks, so Latin, punctuation and symbols never fall to a Mincho face. Looked for in
# Debian's folder, then in VAR_DIR/fonts (for a server where the Debian package cannot be installed).
FALLBACK_FONTS = (
    ("HanaMinA Fallback", "HanaMinA.ttf", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))),
    ("HanaMinB Fallback", "HanaMinB.ttf", ((0x20000, 0x2A6DF), (0x2A700, 0x2EBEF))),
)
FALLBACK_DIRS = (Path("/usr/share/fonts/truetype/hanazono"),)

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_font_config = None
_warned: set[str] = set()


class Slice:
    """One @font-face rule of the shipped CSS: a file covering some unicode ranges at one weight."""

    def __init__(self, slice_id: str, weight: str, woff2: Path, ranges: tuple[tuple[int, int], ...],
                 unicode_range: str):
        self.slice_id, self.weight, self.woff2, self.ranges = slice_id, weight, woff2, ranges
        self.unicode_range = unicode_range
        self.points = frozenset(cp for lo, hi in ranges for cp in range(lo, hi + 1))

    @property
    def family(self) -> str:
        return f"{FAMILY} {self.slice_id}"

    def covers(self, points: set[int]) -> bool:
        return not self.points.isdisjoint(points)

    def rule(self) -> str:
        return ("@font-face { font-family: '%s'; font-style: normal; font-weight: %s; src: url(%s) format('truetype');"
                " unicode-range: %s; }" % (self.family, self.weight, truetype_of(self.woff2).as_uri(),
                                           self.unicode_range))


@lru_cache(maxsize=1)
def font_slices() -> tuple[Slice, ...]:
    slices = []
    for weight, static_path in FONT_CSS.items():
        css_file = finders.find(static_path)
        if not css_file:
            raise ImproperlyConfigured(f"找不到字体样式 {static_path}：请先运行 make install（复制前端资源）")
        folder = Path(css_file).resolve().parent / "files"
        for block in _FACE.findall(Path(css_file).read_text(encoding="utf-8")):
            src, ranges_match = _SRC.search(block), _RANGE.search(block)
            if not src or not ranges_match:
                continue
            ranges = []
            for part in ranges_match.group(1).split(","):
                lo, _, hi = part.strip().upper().removeprefix("U+").partition("-")
                ranges.append((int(lo, 16), int(hi or lo, 16)))
            slices.append(Slice(src.group(2), weight, folder / src.group(1), tuple(ranges),
                                ranges_match.group(1).strip()))
    return tuple(slices)


@lru_cache(maxsize=2)
def noto_points(weight: str) -> frozenset[int]:
    """Every character some Noto slice of ``weight`` has."""
    return frozenset().union(*(s.points for s in font_slices() if s.weight == weight))


class Fallback:
    """A last-resort font face (see ``FALLBACK_FONTS``)."""

    def __init__(self, family: str, filename: str, ranges: tuple[tuple[int, int], ...]):
        self.family, self.filename, self.ranges = family, filename, ranges

    def path(self) -> Path | None:
        for folder in fallback_dirs():
            candidate = folder / self.filename
            if candidate.is_file():
                return candidate.resolve()
        return None

    def wanted(self, points: set[int]) -> bool:
        return any(lo <= cp <= hi for cp in points for lo, hi in self.ranges)

    def rule(self, path: Path) -> str:
        unicode_range = ", ".join(f"U+{lo:X}-{hi:X}" for lo, hi in self.ranges)
        return ("@font-face { font-family: '%s'; font-style: normal; src: url(%s) format('truetype');"
                " unicode-range: %s; }" % (self.family, path.as_uri(), unicode_range))


def fallback_dirs() -> tuple[Path, ...]:
    return (*FALLBACK_DIRS, Path(settings.VAR_DIR) / "fonts")


def fallbacks() -> tuple[Fallback, ...]:
    return tuple(Fallback(*entry) for entry in FALLBACK_FONTS)


def fallback_files() -> tuple[Path, ...]:
    return tuple(path for f in fallbacks() if (path := f.path()))


def missing_points(regular: set[int], bold: set[int]) -> set[int]:
    """The document's characters no Noto slice has."""
    return (regular - noto_points("400")) | (bold - noto_points("700"))


def _warn_missing(fallback: Fallback) -> None:
    """Once per process and file; the characters are not logged (they come from names)."""
    if fallback.filename in _warned:
        return
    _warned.add(fallback.filename)
    folders = "、".join(str(f) for f in fallback_dirs())
    logger.warning("PDF 缺少备用字体 %s（已查找 %s）：内置字体没有的生僻字将显示为方框。"
                   "请安装 Debian 软件包 fonts-hanazono（make install 会安装）。",
                   fallback.filename, folders)


def font_folder() -> Path:
    return font_slices()[0].woff2.parent


@lru_cache(maxsize=1)
def cache_folder() -> Path:
    """Where decompressed slices are kept: ``VAR_DIR/cache/fonts``, else a per-user temp folder."""
    for folder in (Path(settings.VAR_DIR) / "cache" / "fonts",
                   Path(tempfile.gettempdir()) / f"ganxun-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
            return folder.resolve()
        except OSError:
            continue
    raise ImproperlyConfigured("没有可写的字体缓存目录（VAR_DIR/cache/fonts 或临时目录）")


def truetype_of(woff2_path: Path) -> Path:
    """The slice as TrueType, decompressed once and kept (the name changes when the shipped file does)."""
    stat = woff2_path.stat()
    target = cache_folder() / f"{woff2_path.stem}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if not target.exists():
        from fontTools.ttLib import woff2

        out = BytesIO()
        woff2.decompress(BytesIO(woff2_path.read_bytes()), out)
        partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        partial.write_bytes(out.getvalue())
        os.replace(partial, target)  # atomic: another process never reads half a font
    return target


def font_css_for(regular: set[int], bold: set[int]) -> str:
    """@font-face rules for the slices covering ``regular`` (400) and ``bold`` (700) text, and the
    document's font-family list naming them."""
    chosen = [s for s in font_slices() if s.covers(regular if s.weight == "400" else bold)]
    families = list(dict.fromkeys(s.family for s in chosen))
    rules = [s.rule() for s in chosen]
    missing = missing_points(regular, bold)
    for fallback in fallbacks():
        if not fallback.wanted(missing):
            continue
        path = fallback.path()
        if path is None:
            _warn_missing(fallback)
            continue
        rules.append(fallback.rule(path))
        families.append(fallback.family)  # after every Noto slice: used only where none has the glyph
    stack = ", ".join(f"'{f}'" for f in families) or f"'{FAMILY}'"
    return "\n".join(rules) + f"\nhtml {{ font-family: {stack}, sans-serif; }}\n"


class _TextByWeight(HTMLParser):
    """The characters of a document, split into regular and bold text; strings in <style> (margin-box
    ``content``) count as regular text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.regular: set[int] = set()
        self.bold: set[int] = set()
        self._bold_depth = 0
        self._in = ""

    def handle_starttag(self, tag, attrs):
        if tag in BOLD_TAGS:
            self._bold_depth += 1
        if tag in ("style", "script", "title"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in BOLD_TAGS and self._bold_depth:
            self._bold_depth -= 1
        if tag == self._in:
            self._in = ""

    def handle_data(self, data):
        if self._in == "style":
            for text in _QUOTED.findall(data):
                self.regular.update(ord(c) for c in text if not c.isspace())
            return
        if self._in:
            return
        points = {ord(c) for c in data if not c.isspace()}
        (self.bold if self._bold_depth else self.regular).update(points)


def text_points(html: str) -> tuple[set[int], set[int]]:
    parser = _TextByWeight()
    parser.feed(html)
    parser.close()
    return parser.regular | {ord(c) for c in MARGIN_TEXT}, parser.bold


def _fetcher():
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    allowed = (font_folder(), cache_folder())
    allowed_files = fallback_files()

    class FontFilesOnly(URLFetcher):
        """The document may load the shipped font files (and the fallback fonts) and nothing else (no network,
        no other files)."""

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve()
            if parsed.scheme != "file" or not (any(path.is_relative_to(folder) for folder in allowed)
                                               or path in allowed_files):
                raise ValueError(f"不允许在 PDF 中加载外部资源：{url}")
            return super().fetch(url, headers)

    return FontFilesOnly(allowed_protocols={"file"})


def font_configuration():
    """The process-wide FontConfiguration (created on first use, under the render lock)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _render(html: str):
    """Lay out ``html`` with the fonts it needs; the caller holds ``_lock``."""
    from weasyprint import CSS, HTML

    regular, bold = text_points(html)
    fetcher = _fetcher()
    font_css = font_css_for(regular, bold)  # decompresses missing slices into the cache
    fc = font_configuration()
    fonts = CSS(string=font_css, font_config=fc, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=[fonts], font_config=fc)


def render_document(html: str):
    """The laid-out pages of ``html`` (a WeasyPrint ``Document``: ``pages``, each with the ``anchors`` of the
    elements with an id on it), as ``html_to_pdf`` would print them."""
    with _lock:
        return _render(html)


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` (which must reference no external resources) to PDF bytes with Noto Sans SC."""
    with _lock:
        return _render(html).write_pdf()


def html_to_pdfs(html: str, part_ids: list[str]) -> list[bytes]:
    """Many documents from one layout: ``html`` holds the parts one after the other, each beginning with an
    element whose id is in ``part_ids`` (in order) and a page break; each part's pages are written as a PDF of
    their own. Laying the parts out together loads the fonts and the styles once (a class's certificates)."""
    with _lock:
        document = _render(html)
        starts = {}
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                starts.setdefault(anchor, number)
        missing = [part for part in part_ids if part not in starts]
        if missing:
            raise ValueError(f"文档中没有这些部分：{missing[:5]}")
        bounds = [starts[part] for part in part_ids] + [len(document.pages)]
        return [document.copy(document.pages[begin:end]).write_pdf() for begin, end in zip(bounds, bounds[1:])]
