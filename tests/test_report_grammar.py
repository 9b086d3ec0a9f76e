"""Where a name meets the translator's words: the article it takes, its
elision and the contractions of a preposition with it, in each language."""

import pytest
from django.utils import translation

from xarxa.reports.grammar import date_phrase, join, phrase, sentence


def say(lang: str, template: str, **values) -> str:
    with translation.override(lang):
        return sentence(template, values, lang)


@pytest.mark.parametrize("lang, template, name, kind, expected", [
    ("ca", "membre de %(x)s", "FEDAIA", "federation", "Membre de la FEDAIA"),
    ("ca", "membre de %(x)s", "ISOM", "cooperative", "Membre d'ISOM"),
    ("ca", "participa a %(x)s", "Consell de Barri", "public body", "Participa al Consell de Barri"),
    ("ca", "participa a %(x)s", "Associació Veïnal", "association", "Participa a l'Associació Veïnal"),
    ("ca", "conveni amb %(x)s", "Universitat de Barcelona", "university",
     "Conveni amb la Universitat de Barcelona"),
    ("ca", "per %(x)s", "Institut Municipal", "", "Per l'Institut Municipal"),
    ("ca", "a %(x)s", "Comissions tècniques", "commission", "A les Comissions tècniques"),
    ("ca", "de %(x)s", "Grups de treball", "working group", "Dels Grups de treball"),
    ("ca", "a %(x)s", "Barcelona Activa", "company", "A Barcelona Activa"),
    ("es", "miembro de %(x)s", "Consell de Barri", "public body", "Miembro del Consell de Barri"),
    ("es", "en %(x)s", "FEDAIA", "federation", "En la FEDAIA"),
    ("es", "a %(x)s", "Grupo Motor", "", "Al Grupo Motor"),
    ("en", "member of %(x)s", "Taula del Tercer Sector", "platform", "Member of the Taula del Tercer Sector"),
    ("en", "member of %(x)s", "FEDAIA", "federation", "Member of FEDAIA"),
])
def test_a_name_takes_its_article_and_contracts(lang, template, name, kind, expected):
    assert say(lang, template, x=phrase(name, kind, lang)) == expected


@pytest.mark.parametrize("lang, value, expected", [
    ("ca", "2009", "Des del 2009"),
    ("ca", "2015-04", "Des de l'abril del 2015"),
    ("ca", "2015-06", "Des del juny del 2015"),
    ("ca", "2025-10-01", "Des de l'1 d'octubre de 2025"),
    ("ca", "2025-10-03", "Des del 3 d'octubre de 2025"),
    ("es", "2009", "Desde 2009"),
    ("es", "2025-10-03", "Desde el 3 de octubre de 2025"),
])
def test_a_date_after_since(lang, value, expected):
    template = {"ca": "des de %(d)s", "es": "desde %(d)s"}[lang]
    with translation.override(lang):  # the month's name is the language's
        assert say(lang, template, d=date_phrase(value, lang)) == expected


def test_lists_join_with_the_language_s_and():
    with translation.override("es"):
        assert say("es", "%(x)s", x=join(["Ana", "Pere", "Iñaki"], "es")) == "Ana, Pere e Iñaki"
        assert say("es", "%(x)s", x=join(["Ana", "Hierro"], "es")) == "Ana y Hierro"
    assert say("ca", "%(x)s", x=join(["A", "B", "C"], "ca")) == "A, B i C"
    assert say("en", "%(x)s", x=join(["A", "B"], "en")) == "A and B"


def test_a_name_s_own_text_is_never_touched():
    # "de el" inside a name stays: only the boundary with the template changes.
    name = phrase("Casal de el Poble", "", "ca")
    assert say("ca", "a %(x)s", x=name) == "Al Casal de el Poble"
