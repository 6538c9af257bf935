"""Copy the pinned npm front-end assets into ganxun's static files.

Deployments sit on isolated intranets, so every stylesheet, script and font the pages use is
shipped inside the package; nothing is fetched from a CDN at run time.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "src" / "ganxun" / "web" / "static" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
    "bootstrap-icons/font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
}
FONT_WEIGHTS = ("400", "700")
WOFF_FALLBACK = re.compile(r",\s*url\(\./files/[^)]+\.woff\)\s*format\('woff'\)")


def main() -> int:
    if not NODE.exists():
        print("node_modules 不存在：请先运行 npm ci", file=sys.stderr)
        return 1
    if DEST.exists():
        shutil.rmtree(DEST)
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    font_src = NODE / "@fontsource" / "noto-sans-sc"
    font_dst = DEST / "noto-sans-sc"
    (font_dst / "files").mkdir(parents=True, exist_ok=True)
    for weight in FONT_WEIGHTS:
        # The numbered slices cover about 13,500 characters, rare name characters included.
        css = (font_src / f"{weight}.css").read_text(encoding="utf-8")
        (font_dst / f"{weight}.css").write_text(WOFF_FALLBACK.sub("", css), encoding="utf-8")
        for woff2 in font_src.joinpath("files").glob(f"noto-sans-sc-*-{weight}-normal.woff2"):
            if "chinese-simplified" not in woff2.name:
                shutil.copyfile(woff2, font_dst / "files" / woff2.name)
    print(f"静态资源已复制到 {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
