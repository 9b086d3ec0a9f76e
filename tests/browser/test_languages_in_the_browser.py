"""An editor reads Xarxa in Catalan, switches to Spanish and then to English
with the language switcher, and every page speaks one language: the known
words of each, `<html lang>` following, and no leftover of the others."""

import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "xarxa"
# `{% translate "…" %}` and `{% trans '…' %}` with a literal string, and
# `_("…")` or `gettext_lazy("…")` in the code (labels, titles, choices).
LITERAL = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.+?)\1""")
IN_CODE = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*(["'])((?:(?!\1).)+)\1\s*[,)]""")
# Strings of the pages with variables in them: their fixed part is checked too.
WITH_VARIABLES = ("on behalf of",)
LANGUAGES = ("ca", "es", "en")
# Phrases of the demo's records that happen to be UI phrases in another
# language: ISOM's source is its page «Treball en xarxa», and the meetings of
# the Taula's working group are named "Reunió del grup de treball…".
RECORDS_SAY = {"Treball en xarxa", "grup de treball"}
# Dates written the English way ("Nov. 20, 2025", "4 October 2025") on a page
# in another language.
ENGLISH_DATES = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)(?=[\s,]|$)")

# What each language says on every page (the menu), and on ISOM's page.
KNOWN = {
    "ca": ("Organitzacions", "Esdeveniments"),
    "es": ("Organizaciones", "Eventos"),
    "en": ("Organisations", "Events"),
}
ON_ISOM_PAGE = {"ca": ("Fonts", "cooperativa"), "es": ("Fuentes", "cooperativa"),
                "en": ("Sources", "cooperative")}
SWITCH = {"es": "español", "en": "English"}


def ui_strings() -> set[str]:
    found: set[str] = set(WITH_VARIABLES)
    for template in TEMPLATES.rglob("*.html"):
        found.update(m.group(2) for m in LITERAL.finditer(template.read_text()))
    for module in TEMPLATES.rglob("*.py"):
        if "migrations" not in module.parts:
            found.update(m.group(2) for m in IN_CODE.finditer(module.read_text()))
    return {s for s in found if len(re.sub(r"\W", "", s)) >= 4 and "%" not in s and "{" not in s}


def rendering(msgid: str, lang: str) -> str:
    with translation.override(lang):
        return translation.gettext(msgid)


def translated(msgid: str, lang: str) -> bool:
    return lang == "en" or msgid in trans_real.translation(lang)._catalog


def foreign_strings(lang: str) -> dict[str, str]:
    """The UI strings that must not appear on a page in `lang`, each with its
    msgid: the English msgid when `lang` does not translate it, and the other
    languages' phrases for what this one says differently."""
    foreign: dict[str, str] = {}
    for msgid in ui_strings():
        own = rendering(msgid, lang)
        for other in LANGUAGES:
            if other == lang:
                continue
            theirs = msgid if other == "en" else rendering(msgid, other)
            if theirs in RECORDS_SAY:
                continue
            if other == "en" and not translated(msgid, lang):
                foreign[theirs] = msgid  # shown in English: a leftover
            elif theirs != own and theirs.lower() not in own.lower() and len(theirs.split()) >= 2:
                # Only phrases: the records' own text is Catalan, and a single
                # Catalan word ("cooperativa") may be a record's word, not the UI's.
                foreign[theirs] = msgid
    return foreign


def leftovers(page, lang: str) -> list[str]:
    text = page.locator("body").inner_text()
    titles = " ".join(page.locator("[aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"))
    text = f"{text}\n{titles}\n{page.title()}"
    found = sorted(
        f"{word!r} (msgid {msgid!r})" for word, msgid in foreign_strings(lang).items()
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))
    if lang != "en":
        found += sorted({f"{m.group(0)!r} (a date in English)" for m in ENGLISH_DATES.finditer(text)})
    return found


def check_speaks(page, lang: str, also: tuple[str, ...] = ()) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    body = page.locator("body")
    for word in (*KNOWN[lang], *also):
        expect(body).to_contain_text(word)
    found = leftovers(page, lang)
    assert not found, f"{page.url} in {lang} shows words of another language:\n" + "\n".join(found)


def test_the_editor_switches_from_catalan_to_spanish_to_english(open_context, isom_editor_user):
    context = open_context(locale="ca-ES")
    page = context.new_page()
    sign_in(page, isom_editor_user)
    page.goto("/organisations/isom/")
    check_speaks(page, "ca", ON_ISOM_PAGE["ca"])
    for lang in ("es", "en"):
        page.get_by_role("button", name=SWITCH[lang], exact=True).click()
        page.wait_for_load_state()
        expect(page).to_have_url(re.compile(r"/organisations/isom/$"))
        check_speaks(page, lang, ON_ISOM_PAGE[lang])


def test_a_visitor_reads_the_directory_in_catalan_without_english_leftovers(open_context, live_demo):
    context = open_context(locale="ca-ES")
    page = context.new_page()
    page.goto("/")
    check_speaks(page, "ca")
