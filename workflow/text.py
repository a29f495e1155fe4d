"""Text hygiene: everything stored is Unicode NFC so Armenian round-trips and compares."""

from __future__ import annotations

import re
import unicodedata


def clean(value: str | None) -> str | None:
    """NFC, trimmed; blank becomes None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def search_key(value: str) -> str:
    """The form names are searched by: NFC, case folded, inner spaces collapsed.

    Stored next to the name and compared with LIKE, so matching ignores case identically
    on SQLite (whose LOWER() knows ASCII only) and PostgreSQL, Armenian included.
    """
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


# --- One key for a name in Armenian letters or in any of its Latin spellings. ---
#
# Names reach the programme in both scripts: "Հակոբյան", "Hakobyan" (BGN/PCGN and
# everyday), "Hakobian", "Hagopian" (Western Armenian), "Akopyan" (through Russian),
# "Hakʼobyan" / "Hakobyan" (ISO 9985). Both scripts are reduced to one rough sound
# skeleton: Armenian letters are spelled in Latin first, then every spelling is folded
# the same way (voiced, voiceless and aspirated stops together, since Eastern and
# Western Armenian and the romanisations disagree exactly there; "h" dropped, since
# Russian drops it; doubled letters once). Vowels are kept, so "Ani" and "Anna",
# "Armen" and "Arman" stay apart. The duplicate check compares keys only for people
# who also share a birth date or a phone, so a rough key costs a confirmation at most.

ARMENIAN_TO_LATIN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "",
    "թ": "t", "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h",
    "ձ": "dz", "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o",
    "չ": "ch", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r",
    "ց": "ts", "ւ": "v", "փ": "p", "ք": "k", "և": "ev", "օ": "o", "ֆ": "f",
}  # fmt: skip
#: Letters of the scholarly romanisations (ISO 9985, Hübschmann-Meillet) in plain Latin.
SPECIAL_LATIN = {
    "š": "sh", "ž": "zh", "č": "ch", "ǰ": "j", "ġ": "gh", "ł": "gh", "ṙ": "r", "ŕ": "r",
    "ē": "e", "ə": "", "ë": "", "ō": "o", "x": "kh", "w": "v", "q": "k",
}  # fmt: skip
#: Spellings of one sound, longest first; upper-case letters are the folded classes.
FOLDS = (
    ("dzh", "Q"), ("tch", "Q"), ("tsh", "Q"), ("ch", "Q"), ("j", "Q"),  # չ ճ ջ
    ("ts", "C"), ("tz", "C"), ("dz", "C"), ("c", "C"),            # ծ ց ձ
    ("sh", "S"), ("zh", "Z"), ("kh", "X"), ("gh", "K"),           # շ ժ խ ղ
    ("ou", "u"), ("oo", "u"),                                     # ու
    ("b", "P"), ("p", "P"), ("g", "K"), ("k", "K"), ("d", "T"), ("t", "T"),
    ("h", ""),
)  # fmt: skip
_FOLD = re.compile("|".join(re.escape(spelling) for spelling, _ in FOLDS))
_FOLDED = dict(FOLDS)
#: The marks of aspiration (tʼ, p', kʻ) and the Armenian apostrophe are no letters.
APOSTROPHES = re.compile("['ʼʻ’`՚]")


def _in_latin(word: str) -> str:
    word = word.replace("ու", "u").replace("ow", "u")  # ու: ISO 9985 spells it "ow"
    word = "".join(ARMENIAN_TO_LATIN.get(letter, letter) for letter in word)
    word = "".join(SPECIAL_LATIN.get(letter, letter) for letter in word)
    # Any other accent (é, ü, ç) goes; apostrophes of aspiration (tʼ, p') go with them.
    plain = unicodedata.normalize("NFKD", word)
    return "".join(c for c in plain if c.isascii() and c.isalnum())


def _folded(word: str) -> str:
    # German "-jan" is the "-yan" of everyone else; "i" before a vowel is a "y" (Hakobian).
    word = re.sub(r"jan(ts)?$", r"yan\1", word)
    word = re.sub(r"i(?=[aeiouy])", "y", word)
    word = _FOLD.sub(lambda match: _FOLDED[match.group(0)], word)
    # Ե and Ո begin a word as "ye" / "vo" in BGN and everyday spelling, "e" / "o" in ISO.
    word = re.sub(r"^ye", "e", word)
    word = re.sub(r"^vo", "o", word)
    return re.sub(r"(.)\1+", r"\1", word)


def name_key(value: str) -> str:
    """The same key for a name in Armenian letters and in its Latin spellings; the order
    of the words does not matter ("Hakobyan Aram" is "Արամ Հակոբյան")."""
    text = APOSTROPHES.sub("", unicodedata.normalize("NFC", value).casefold())
    words = (_folded(_in_latin(word)) for word in re.split(r"[\W_]+", text))
    return " ".join(sorted(word for word in words if word))


#: What a spreadsheet takes for the start of a formula (or, for tab and CR, what it
#: strips before looking): a family name "=HYPERLINK(...)" would run in the office's
#: spreadsheet. OWASP's advice: such cells are written as text, with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A phone number ("+374 91 123456") is left as it is: it cannot hold a function call,
#: and staff copy it from the sheet to dial.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*$|^\+[0-9 ()\-]+$")


def spreadsheet_cell(value: object) -> object:
    """``value`` as it is safe to write into a CSV or XLSX cell: text a spreadsheet would
    run as a formula gets a leading apostrophe; numbers, dates and phones are unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PHONE.match(value):
        return value
    return "'" + value


def looks_like_formula(value: str) -> bool:
    """What an import refuses in a cell: text that starts as a formula (``=``, ``@``),
    after the apostrophe this app's exports put in front of such text."""
    return value.lstrip("'").startswith(("=", "@"))
