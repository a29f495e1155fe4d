"""The fonts the app ships (web/static/fonts) cover every character its pages can show:
the templates, both catalogs, the configuration's labels and the demo data. A machine
without an Armenian font still shows Armenian and the dram sign (֏), not empty boxes."""

from __future__ import annotations

import re
from pathlib import Path

from fontTools.ttLib import TTFont

from tests.support import ROOT

STATIC = ROOT / "web" / "static"
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
FONT_URL = re.compile(r'url\("/static/(fonts/[^"]+)"\)')
#: What the pages show: their text, the catalogs, the labels in config/, and the text the
#: web code writes itself (separators, the dram sign) and the demo families' names.
SOURCES = (
    "web/templates/**/*.html",
    "web/translations/*/LC_MESSAGES/messages.po",
    "config/**/*.toml",
    "web/**/*.py",
    "workflow/programme/demo/*.py",
)


def shipped_fonts() -> list[Path]:
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    return [STATIC / url for face in FONT_FACE.findall(css) for url in FONT_URL.findall(face)]


def covered() -> set[int]:
    codepoints: set[int] = set()
    for path in shipped_fonts():
        codepoints |= set(TTFont(path).getBestCmap())
    return codepoints


def characters_shown() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            for char in path.read_text(encoding="utf-8"):
                if char.isprintable() and not char.isspace():
                    found.setdefault(char, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_stylesheet_declares_the_shipped_fonts_and_uses_them_first():
    fonts = shipped_fonts()
    assert {path.name for path in fonts} >= {
        "NotoSansArmenian-Regular.woff2",
        "NotoSansArmenian-Bold.woff2",
        "NotoSans-Regular.woff2",
    }
    assert all(path.exists() and path.read_bytes()[:4] == b"wOF2" for path in fonts)
    assert (STATIC / "fonts" / "OFL.txt").read_text().startswith("Noto Sans")
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    root_font = re.search(r":root\s*\{[^}]*font-family:\s*([^;]+);", css)
    assert root_font, "the page's font is set on :root"
    assert root_font.group(1).startswith('"Hogatar Armenian", "Hogatar Latin"')


def test_the_armenian_font_has_the_dram_sign_and_every_armenian_letter():
    armenian = set(TTFont(STATIC / "fonts" / "NotoSansArmenian-Regular.woff2").getBestCmap())
    letters = {*range(0x531, 0x557), *range(0x561, 0x588), 0x589, 0x58A, 0x58F}
    assert letters - armenian == set()


def test_every_character_the_pages_use_has_a_glyph_in_the_shipped_fonts():
    codepoints = covered()
    missing = {
        f"{char} U+{ord(char):04X}": sorted(files)
        for char, files in characters_shown().items()
        if ord(char) not in codepoints
    }
    assert missing == {}
    assert "֏" in characters_shown(), "the dram sign is among the characters checked"


def test_the_fonts_are_served_by_the_app(browser):
    client = browser().client
    for path in shipped_fonts():
        response = client.get(f"/static/fonts/{path.name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "font/woff2"
        assert response.content == path.read_bytes()
