"""The golden test: ISOM's "Treball en xarxa" page, written by Xarxa in
Catalan from the demo's records as of the source page's reference year
(2019, xarxa/interop/demo/README.md), states every fact of the source page
(../shared/seed/, fact by fact in its README)."""

import io

import pytest
from django.core.management import call_command

from tests.report_text import text_of


@pytest.fixture
def page(demo) -> str:
    out = io.StringIO()
    call_command("page", "isom", "--lang", "ca", "--as-of", "2019-12-31", "--format", "html",
                 stdout=out)
    return text_of(out.getvalue())


FACTS = {
    "ISOM takes part in the neighbourhood festivals": [
        "ISOM participa a les Festes dels barris."],
    "three strategic elements of the community dimension": [
        "tres elements estratègics", "dimensió comunitària", "compartir una localitat",
        "l'existència de relacions i llaços comuns", "la interacció social que s'hi produeix"],
    "community in two dimensions: territorial and of identity": [
        "dimensió territorial o física —el Congrés i els Indians, on té la seu social i presta "
        "els seus serveis—", "dimensió psicològica o d'identitat",
        "els grups de pertinença en què participa i amb els quals s'identifica"],
    "it belongs to several platforms and collaborates with them, networking": [
        "forma part de 4 xarxes i plataformes, amb les quals col·labora activament fent xarxa",
        "ISOM col·labora amb…"],
    "FEDAIA gathers the entities of children, young people and families at risk": [
        "agrupa a Catalunya el conjunt d'entitats d'infància, joves i famílies en situació de "
        "risc social o desemparament"],
    "federated to FEDAIA for 10 years": ["ISOM és membre de la FEDAIA des de fa 10 anys"],
    "in FEDAIA's Junta Directiva, Junta Permanent and technical commissions": [
        "Col·labora activament amb la FEDAIA mitjançant la participació a: Les Comissions "
        "tècniques La Junta Directiva La Junta Permanent"],
    "the Federació de Cooperatives de Treball, more than 3,000 cooperatives": [
        "més de 3.000 empreses cooperatives de treball"],
    "in the Federació since 2009": [
        "ISOM és membre de la Federació de Cooperatives de Catalunya des de fa 10 anys (des del 2009)"],
    "in its Acció Social commission": ["La Comissió d'Acció Social"],
    "the Taula represents Catalonia's social entities": [
        "representa el conjunt de les entitats socials catalanes"],
    "in the Taula's working group on innovation and quality, representing FEDAIA": [
        "ISOM participa a la Taula del Tercer Sector, a: El Grup de treball d'innovació i "
        "qualitat, representant la FEDAIA"],
    "a member of the Coordinadora of the Congrés, where its seat is": [
        "ISOM és membre de la Coordinadora d'Entitats",
        "actua al Congrés i els Indians, on ISOM té la seu social"],
    "children's and youth activities, to spread its mission, values and social rights": [
        "Co-organitza les Activitats infantils i juvenils de la Coordinadora, amb l'objectiu de "
        "difondre la seva missió, difondre els seus valors, difondre els drets socials i generar "
        "un efecte sensibilitzador en la societat"],
    "a cooperative that puts people before capital": [
        "posa les persones per davant del capital",
        "la qualitat, la participació i la gestió responsable de recursos"],
    "its concern for the community: four themes": [
        "L'interès per la comunitat porta ISOM a preocupar-se per les situacions "
        "socioeconòmiques de les persones, la protecció de l'entorn, la dinamització dels barris "
        "i la creació d'ocupació."],
    "the values of the cooperative identity": [
        "ISOM vol apropar un model de treball basat en els valors d'autoajuda, "
        "autoresponsabilitat, democràcia, igualtat, equitat i solidaritat."],
    "agreements with several universities to train future professionals": [
        "ISOM manté convenis de col·laboració amb 2 universitats",
        "per a la formació de futurs professionals"],
    "ISOM trains and is trained": ["ISOM forma i es forma", "L'equip d'ISOM també es forma"],
}


@pytest.mark.parametrize("fact", FACTS)
def test_the_catalan_page_states_the_fact(page, fact):
    missing = [words for words in FACTS[fact] if words not in page]
    assert not missing, f"{fact}: {missing}\n\n{page}"


def test_the_headings_are_those_of_the_source_page(page):
    for heading in ("ISOM: treball en xarxa", "ISOM col·labora amb…", "ISOM sensibilitza",
                    "ISOM forma i es forma"):
        assert heading in page


def test_ten_years_are_counted_from_the_reference_year(demo):
    out = io.StringIO()
    call_command("page", "isom", "--lang", "ca", "--as-of", "2024-06", "--format", "md", stdout=out)
    assert "ISOM és membre de la FEDAIA des de fa 15 anys (des del 2009)" in out.getvalue()


def test_before_it_joined_fedaia_the_page_says_nothing_of_it(demo):
    out = io.StringIO()
    call_command("page", "isom", "--lang", "ca", "--as-of", "2008", "--format", "md", stdout=out)
    said = out.getvalue()
    assert "des de fa" not in said
    # Its seats on FEDAIA's bodies are undated on the source page: they hold at any date.
    assert "Junta Directiva" in said
