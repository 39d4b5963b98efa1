import gettext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_entries() -> dict[str, str]:
    """msgid → msgstr of the English catalogue (singular entries)."""
    import json

    entries, fuzzy = {}, False
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        strings, current = {}, None
        for line in lines:
            if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
                current, _, rest = line.partition(" ")
                strings[current] = json.loads(rest)
            elif line.startswith('"') and current:
                strings[current] += json.loads(line)
        if strings.get("msgid") and "msgstr" in strings:
            entries[strings["msgid"]] = "" if fuzzy else strings["msgstr"]
    return entries


def test_every_german_string_has_an_english_translation():
    missing = [msgid for msgid, msgstr in po_entries().items() if not msgstr]
    assert missing == []
    blocks = PO.read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated_plurals = [
        b for b in blocks if "msgid_plural" in b and ('msgstr[0] ""' in b or "fuzzy" in b)
    ]
    assert untranslated_plurals == []


def test_compiled_catalogue_matches_the_po_file():
    with open(PO.with_suffix(".mo"), "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in po_entries().items() if catalogue.gettext(msgid) != msgstr]
    assert stale == []
