"""The page, the annual report and the indicators come out in Catalan,
Spanish and English with no string left in another language, and with the
grammar of each: articles and contractions where a name meets the words
around it."""

import io
import re

import pytest
from django.core.management import call_command

from tests.report_text import text_of, untranslated


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


OUTPUTS = {
    "page": ("page", "isom", "--as-of", "2025-12-31", "--format", "html"),
    "annual report": ("report", "isom", "--year", "2025", "--format", "html"),
    "federation report": ("report", "fedaia", "--federation", "--year", "2025", "--format", "html"),
    "indicators": ("indicators", "isom", "--year", "2025", "--format", "json"),
}


@pytest.mark.parametrize("lang", ["ca", "es"])
@pytest.mark.parametrize("output", OUTPUTS)
def test_nothing_is_left_in_english(demo, output, lang):
    text = command(*OUTPUTS[output], "--lang", lang)
    # The sources quote the records' own notes, in whatever language they were written.
    text = re.sub(r'(?s)<section class="sources">.*?</section>', "", text)
    text = text_of(text) if "<" in text else text
    assert untranslated(text, lang) == []


@pytest.mark.parametrize("lang, says", [
    ("ca", ["ISOM és membre de la FEDAIA des de fa 16 anys (des del 2009).",
            "actua al Congrés i els Indians, on ISOM té la seu social",
            "representant la FEDAIA", "L'equip d'ISOM també es forma"]),
    ("es", ["ISOM es miembro de la FEDAIA desde hace 16 años (desde 2009).",
            "actúa en el Congrés i els Indians, donde ISOM tiene su sede social",
            "en representación de la FEDAIA", "El equipo de ISOM también se forma"]),
    ("en", ["ISOM has been a member of FEDAIA for 16 years (since 2009).",
            "works in el Congrés i els Indians, where ISOM has its registered seat",
            "representing FEDAIA", "The people of ISOM are trained too"]),
])
def test_the_page_has_the_grammar_of_its_language(demo, lang, says):
    text = text_of(command("page", "isom", "--as-of", "2025-12-31", "--lang", lang))
    missing = [words for words in says if words not in text]
    assert not missing, f"{missing}\n{text}"
