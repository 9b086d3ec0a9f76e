"""Names in sentences, in Catalan, Spanish and English.

A sentence of a report is a translated string with `%(name)s` placeholders,
as everywhere in Xarxa, so translators write their own word order and
prepositions ("%(member)s is a member of %(network)s" → "%(member)s és
membre de %(network)s"). What gettext cannot do is the grammar where a
name meets the words around it: the article a name takes ("la FEDAIA", "the
Taula del Tercer Sector", but "ISOM"), its elision ("l'Associació"), and the
contractions of a preposition with it ("de" + "el Consell" → "del Consell",
"de" + "ISOM" → "d'ISOM", "a" + "el" → "al" in Spanish too).

So a name goes into a sentence as a `Phrase`: its article and its text,
between two markers. `sentence()` fills the translated string, then joins
each marker to the word before it by the rules of the language, and drops
the markers. Only the boundary between the translator's words and a name is
touched; a name's own text never is.

Which article a name takes is read from its first word ("Federació …",
"Consell …": a known common noun, whose gender gives the article) and, for
an acronym ("FEDAIA"), from what the organisation is: a federation, a
platform, a body take the article (the page says "a la FEDAIA"); an entity
— a cooperative, an association, a company — does not ("ISOM"). A name that
begins with no known noun takes none: "Barcelona Activa".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import get_language

OPEN, CLOSE = "\x02", "\x03"  # around a phrase while a sentence is put together

# Head nouns of organisation and body names, with their gender (f/m), in
# Catalan and Spanish: names are usually in the entity's own language, and
# a Spanish sentence may carry a Catalan name.
HEADS: dict[str, str] = {
    **dict.fromkeys((
        # Catalan
        "federació", "confederació", "taula", "coordinadora", "plataforma", "fundació",
        "associació", "universitat", "xarxa", "junta", "comissió", "cooperativa", "entitat",
        "unió", "agrupació", "escola", "mesa", "comunitat", "casa", "fira", "festa",
        "assemblea", "oficina", "secretaria", "direcció", "regidoria", "generalitat",
        "diputació", "agència", "cambra", "lliga", "obra", "acadèmia", "aliança", "societat",
        "mutualitat", "companyia", "empresa", "institució", "permanent", "presidència",
        "vicepresidència", "tresoreria", "vocalia", "ponència", "subcomissió", "àrea",
        "llar", "residència", "biblioteca", "parròquia", "colla", "penya", "cooperació",
        "organització", "corporació", "caixa", "facultat",
        # Spanish
        "federación", "confederación", "fundación", "asociación", "universidad", "red",
        "comisión", "entidad", "unión", "agrupación", "escuela", "comunidad", "feria",
        "asamblea", "secretaría", "dirección", "concejalía", "diputación", "agencia",
        "cámara", "liga", "academia", "alianza", "sociedad", "mutualidad", "compañía",
        "institución", "presidencia", "vicepresidencia", "tesorería", "vocalía", "ponencia",
        "subcomisión", "residencia", "parroquia", "peña", "cooperación", "organización",
        "corporación", "caja", "facultad",
    ), "f"),
    **dict.fromkeys((
        # Catalan
        "consell", "grup", "ajuntament", "institut", "col·legi", "casal", "centre", "ateneu",
        "moviment", "comitè", "fòrum", "observatori", "departament", "sindicat", "club",
        "espai", "equip", "patronat", "districte", "govern", "síndic", "servei", "projecte",
        "programa", "banc", "fons", "orfeó", "esplai", "consorci", "col·lectiu", "secretariat",
        "plenari", "òrgan", "comissionat", "gremi", "hospital", "museu", "teatre",
        "mercat", "laboratori", "node", "punt", "cercle", "foment",
        # Spanish
        "consejo", "grupo", "ayuntamiento", "instituto", "colegio", "centro", "ateneo",
        "movimiento", "comité", "foro", "observatorio", "departamento", "sindicato",
        "espacio", "equipo", "patronato", "distrito", "gobierno", "síndico", "servicio",
        "proyecto", "banco", "fondo", "consorcio", "colectivo", "pleno", "órgano",
        "comisionado", "gremio", "museo", "teatro", "mercado", "laboratorio", "nodo",
        "círculo", "fomento",
    ), "m"),
    # Plural heads ("les Comissions tècniques", "las Jornadas")
    **dict.fromkeys((
        "comissions", "taules", "juntes", "festes", "activitats", "jornades", "trobades",
        "xarxes", "entitats", "plataformes", "federacions", "associacions", "cooperatives",
        "comisiones", "mesas", "juntas", "fiestas", "actividades", "jornadas", "redes",
        "entidades", "plataformas", "federaciones", "asociaciones",
    ), "fp"),
    **dict.fromkeys((
        "grups", "consells", "casals", "centres", "espais", "equips", "tallers",
        "grupos", "consejos", "centros", "espacios", "equipos", "talleres",
    ), "mp"),
}

# What an organisation is, for the gender of an acronym ("la FEDAIA": a
# federació) and whether it takes an article at all.
KIND_GENDER = {
    "federation": "f", "platform": "f", "coordinadora": "f", "network": "f",
    "public body": "m", "university": "f", "assembly": "f", "board": "f",
    "standing committee": "f", "commission": "f", "working group": "m",
}
VOWELS = "aeiouàáèéíïòóúüh"


@dataclass(frozen=True)
class Phrase:
    """A name and the article it takes in one language ("la", "l'", "el",
    "the" or "")."""

    text: str
    article: str = ""

    def __str__(self) -> str:
        if not self.article:
            return self.text
        gap = "" if self.article.endswith("'") else " "
        return f"{self.article}{gap}{self.text}"


def lang_code(lang: str | None = None) -> str:
    return (lang or get_language() or "ca")[:2]


def _starts_with_vowel(text: str) -> bool:
    first = text[:2].lower()
    if not first:
        return False
    if first[0] == "h":
        return len(first) > 1 and first[1] in VOWELS[:-1]
    return first[0] in VOWELS[:-1]


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def gender_of(name: str, classification: str = "") -> str | None:
    """"f", "m", or None for a name that takes no article."""
    words = name.split()
    if not words:
        return None
    head = words[0].strip("«»\"'").lower()
    if head in HEADS:
        return HEADS[head]
    if _is_acronym(words[0]):
        return KIND_GENDER.get(classification)
    return None


def phrase(name: str, classification: str = "", lang: str | None = None) -> Phrase:
    """The name with the definite article it takes in `lang`."""
    code = lang_code(lang)
    gender = gender_of(name, classification)
    if gender is None:
        return Phrase(name)
    if code == "en":
        # English keeps the article for a common-noun name ("the Taula del
        # Tercer Sector") and drops it for an acronym ("FEDAIA").
        return Phrase(name, "" if _is_acronym(name.split()[0]) else "the")
    if code == "es":
        return Phrase(name, {"f": "la", "m": "el", "fp": "las", "mp": "los"}[gender])
    if gender in ("fp", "mp"):
        return Phrase(name, "les" if gender == "fp" else "els")
    # Catalan: "el" → "l'" before a vowel sound; "la" too, except before an
    # unstressed i or u ("la Universitat", "la Institució").
    if _starts_with_vowel(name):
        unstressed = name.lower().lstrip("h")[:1] in "iu" and gender == "f"
        return Phrase(name, "la" if unstressed else "l'")
    return Phrase(name, "la" if gender == "f" else "el")


def date_phrase(value: str, lang: str | None = None) -> Phrase:
    """A partial date as it follows "since": "el 2009" / "2009" / "2009";
    "el juny del 2015" / "junio de 2015" / "June 2015"; "el 3 d'octubre de
    2025"."""
    from xarxa.core.templatetags.xarxa import partial_date

    code = lang_code(lang)
    text = partial_date(value)
    parts = value.split("-")
    if code == "ca":
        if len(parts) == 3:
            day = int(parts[2])
            return Phrase(text, "l'" if day in (1, 11) else "el")
        return Phrase(text, "l'" if _starts_with_vowel(text) else "el")
    if code == "es" and len(parts) == 3:
        return Phrase(text, "el")
    return Phrase(text)


def day_text(day: dt.date) -> str:
    from xarxa.core.templatetags.xarxa import partial_date

    return partial_date(day.isoformat())


def join(items: Sequence[str | Phrase], lang: str | None = None) -> str:
    """"A, B i C" / "A, B y C" (e before an i sound) / "A, B and C", each
    item marked so the words around it agree with it."""
    marked = [mark(i) for i in items]
    if not marked:
        return ""
    if len(marked) == 1:
        return marked[0]
    code = lang_code(lang)
    last = str(items[-1])
    if code == "es":
        word = "e" if re.match(r"(?i)h?i(?![aeiouáéó])", last) else "y"
    elif code == "ca":
        word = "i"
    else:
        word = "and"
    return f"{', '.join(marked[:-1])} {word} {marked[-1]}"


def mark(item: str | Phrase) -> str:
    """A phrase between the markers, for `sentence()` to join to its
    preposition; plain text goes as it is."""
    if isinstance(item, Phrase):
        return f"{OPEN}{item.article}{CLOSE}{item.text}"
    return item


# Contractions of a preposition with the article that follows it. The
# preposition must end the translator's words just before the phrase.
CONTRACTIONS = {
    "ca": {("a", "el"): "al", ("de", "el"): "del", ("per", "el"): "pel",
           ("a", "els"): "als", ("de", "els"): "dels", ("per", "els"): "pels"},
    "es": {("a", "el"): "al", ("de", "el"): "del"},
    "en": {},
}
_BEFORE = re.compile(r"(?:(?<=\s)|^)(\w+) $")


def sentence(template: str, values: Mapping[str, object], lang: str | None = None) -> str:
    """Fill a translated template with values (Phrases are marked), join the
    articles to the prepositions before them, and start with a capital."""
    code = lang_code(lang)
    filled = template % {k: mark(v) if isinstance(v, Phrase) else v for k, v in values.items()}
    return settle(filled, code)


def settle(text: str, lang: str | None = None) -> str:
    """Resolve the markers in `text`: contractions, elisions, spaces."""
    code = lang_code(lang)
    out: list[str] = []
    pos = 0
    for match in re.finditer(re.escape(OPEN) + "([^" + CLOSE + "]*)" + re.escape(CLOSE), text):
        before = text[pos:match.start()]
        article = match.group(1)
        rest = text[match.end():]
        prep = _BEFORE.search(before)
        joined = None
        if prep and article:
            word = prep.group(1)
            contracted = CONTRACTIONS.get(code, {}).get((word.lower(), article))
            if contracted:
                if word[0].isupper():
                    contracted = contracted.capitalize()
                joined = before[:prep.start(1)] + contracted + " "
        elif prep and not article and code == "ca" and prep.group(1).lower() == "de" \
                and _starts_with_vowel(rest):
            joined = before[:prep.start(1)] + prep.group(1)[0] + "'"
        if joined is not None:
            out.append(joined)
        else:
            out.append(before)
            if article:
                out.append(article if article.endswith("'") else article + " ")
        pos = match.end()
    out.append(text[pos:])
    result = "".join(out)
    if result[:1].islower():
        result = result[0].upper() + result[1:]
    return result


def clause(template: str, values: Mapping[str, object], lang: str | None = None) -> str:
    """`sentence()` for a clause inside a sentence ("since 2009",
    "representing FEDAIA"): its first letter is the translator's word, in
    lower case."""
    text = sentence(template, values, lang)
    return text[:1].lower() + text[1:]
