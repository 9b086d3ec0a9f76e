"""Xarxa speaks Catalan, Spanish and English.

The pages follow the browser and default to Catalan; the `xarxa` command
follows XARXA_LANGUAGE or the locale, and English for C/POSIX; and every
message has its Catalan and Spanish translation, so none slips through in
English.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from xarxa.cli import command_language

XARXA_DIR = Path(__file__).resolve().parent.parent / "xarxa"
LOCALE_DIR = XARXA_DIR / "locale"
TRANSLATED = ("ca", "es")
XARXA = Path(sys.executable).parent / "xarxa"
BAD_DATE = '{"organizations": [{"id": "isom", "name": "ISOM", "founding_date": "15/03/2015"}]}'

# -- the pages ---------------------------------------------------------------


def page(client, name: str, accept_language: str | None = None) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = client.get(reverse(name), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def catalan_site(settings):
    settings.LANGUAGE_CODE = "ca"  # what the site is configured with (xarxa/settings.py)
    translation.deactivate()


def test_the_login_page_is_in_catalan_by_default(client, catalan_site):
    html = page(client, "admin:login")

    assert 'lang="ca"' in html
    assert "Nom d&#x27;usuari" in html
    assert "Username" not in html


def test_the_admin_is_in_catalan_by_default(admin_client, catalan_site):
    html = page(admin_client, "admin:index")

    assert 'lang="ca"' in html
    for catalan in ("Directori", "Organitzacions", "Persones", "Treball en xarxa", "Càrrecs",
                    "Pertinences", "Territori", "Àrees", "Historial"):
        assert catalan in html
    assert "Organisations" not in html


def test_a_browser_asking_for_a_language_xarxa_lacks_gets_catalan(admin_client, catalan_site):
    html = page(admin_client, "admin:index", "de-DE,de;q=0.9")

    assert 'lang="ca"' in html
    assert "Organitzacions" in html


@pytest.mark.parametrize(("accept", "lang", "words"), [
    ("es-ES,es;q=0.9", "es", ("Directorio", "Organizaciones", "Trabajo en red", "Cargos",
                              "Pertenencias", "Territorio", "Historial")),
    ("fr-FR,fr;q=0.9,es;q=0.8", "es", ("Organizaciones",)),
    ("en-GB,en;q=0.9", "en", ("Directory", "Organisations", "Network", "Posts",
                              "Memberships", "Territory", "History")),
    ("ca", "ca", ("Organitzacions",)),
])
def test_the_admin_follows_the_browser(admin_client, catalan_site, accept, lang, words):
    html = page(admin_client, "admin:index", accept)

    assert f'lang="{lang}"' in html
    for word in words:
        assert word in html


@pytest.mark.parametrize(("accept", "username"), [
    ("es", "Nombre de usuario"), ("en-US,en;q=0.5", "Username"),
])
def test_the_login_page_follows_the_browser(client, catalan_site, accept, username):
    assert username in page(client, "admin:login", accept)


# -- the command, in-process -------------------------------------------------


def import_refused(tmp_path: Path, text: str) -> tuple[list[str], str]:
    path = tmp_path / "doc.json"
    path.write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("import", "popolo", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines(), str(refusal.value)


REFUSAL = {
    "ca": (['/organizations/0/founding_date: "15/03/2015" no és una data ISO 8601 '
            "(AAAA, AAAA-MM o AAAA-MM-DD)"],
           "No s'ha importat res. Problemes trobats: 1."),
    "es": (['/organizations/0/founding_date: "15/03/2015" no es una fecha ISO 8601 '
            "(AAAA, AAAA-MM o AAAA-MM-DD)"],
           "No se ha importado nada. Problemas encontrados: 1."),
    "en": (['/organizations/0/founding_date: "15/03/2015" is not an ISO 8601 date '
            "(YYYY, YYYY-MM or YYYY-MM-DD)"],
           "Nothing was imported: 1 problem(s) found."),
}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ca", "es", "en"])
def test_a_command_speaks_the_configured_language(tmp_path, settings, lang):
    # What `xarxa` does: settings.LANGUAGE_CODE from the locale, nothing activated.
    settings.LANGUAGE_CODE = lang
    translation.deactivate()

    assert import_refused(tmp_path, BAD_DATE) == REFUSAL[lang]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["ca", "es"])
def test_a_command_speaks_the_active_language(tmp_path, lang):
    with translation.override(lang):
        assert import_refused(tmp_path, BAD_DATE) == REFUSAL[lang]


@pytest.mark.django_db
def test_an_import_report_in_catalan_and_spanish(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text('{"organizations": [{"id": "isom", "name": "ISOM"}]}', encoding="utf-8")
    said = {}
    for lang in ("ca", "es"):
        out = StringIO()
        with translation.override(lang):
            call_command("import", "popolo", str(path), "--dry-run", stdout=out)
        said[lang] = out.getvalue().splitlines()

    assert said == {
        "ca": ["organizations: 1 creats, 0 actualitzats, 0 sense canvis",
               "Simulació: no s'ha escrit res."],
        "es": ["organizations: 1 creados, 0 actualizados, 0 sin cambios",
               "Simulación: no se ha escrito nada."],
    }


# -- the command, from a shell -------------------------------------------------


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "ca_ES.UTF-8"}, "ca"),
    ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "ca_ES.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
    ({"LANG": "ca_ES.UTF-8", "XARXA_LANGUAGE": "es"}, "es"),
])
def test_the_xarxa_command_follows_the_locale(tmp_path, environ, lang):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "XARXA_COMMAND_LANGUAGE", "XARXA_LANGUAGE",
                        "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES"}}
    env |= {"XARXA_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
            **environ}
    (tmp_path / "bad.json").write_text('{"organizations": [', encoding="utf-8")

    done = subprocess.run([str(XARXA), "import", "popolo", str(tmp_path / "bad.json")],
                          env=env, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 2
    first, last = done.stderr.splitlines()[0], done.stderr.splitlines()[-1]
    assert first.startswith({"ca": "JSON no vàlid a la línia 1, columna 20: ",
                             "es": "JSON no válido en la línea 1, columna 20: ",
                             "en": "invalid JSON at line 1, column 20: "}[lang])
    assert last.endswith({"ca": "No s'ha importat res. Problemes trobats: 1.",
                          "es": "No se ha importado nada. Problemas encontrados: 1.",
                          "en": "Nothing was imported: 1 problem(s) found."}[lang])


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "ca_ES.UTF-8"}, "ca"),
    ({"LANG": "ca_AD.UTF-8"}, "ca"),
    ({"LANG": "ca_ES.UTF-8@valencia"}, "ca"),
    ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_MX"}, "es"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "es_ES.UTF-8", "LC_MESSAGES": "ca_ES.UTF-8"}, "ca"),
    ({"LANG": "ca_ES.UTF-8", "LC_ALL": "es_ES.UTF-8"}, "es"),
    ({"LANG": "ca_ES.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "C.UTF-8", "XARXA_LANGUAGE": "ca"}, "ca"),
    ({"LANG": "ca_ES.UTF-8", "XARXA_LANGUAGE": "en"}, "en"),
    ({"LANG": "ca_ES.UTF-8", "XARXA_LANGUAGE": " ES "}, "es"),
    ({"LANG": "es_ES.UTF-8", "XARXA_LANGUAGE": "fr"}, "es"),  # not ours: the locale decides
])
def test_the_command_language_comes_from_xarxa_language_then_the_locale(environ, lang):
    assert command_language(environ) == lang


# -- the catalogues -------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first."""
    entries: list[Entry] = []
    entry, seen_msgid, key = Entry(), False, ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:  # entries are separated by blank lines
            if seen_msgid:
                entries.append(entry)
            entry, seen_msgid, key = Entry(), False, ""
        elif line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key == "msgstr":
                entry.msgstr[-1] += text
            elif key == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + text
            else:
                entry.msgid += text
        else:
            key, __, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if key.startswith("msgstr"):
                key = "msgstr"
                entry.msgstr.append(text)
            elif key == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgid, seen_msgid = text, True
    return entries


def messages(lang: str) -> list[Entry]:
    return [e for e in read_po(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po") if e.msgid]


PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang):
    entries = messages(lang)

    assert len(entries) > 100
    assert [e.msgid for e in entries if not all(e.msgstr)] == []
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(lang):
    wrong = []
    for e in messages(lang):
        for source, text in zip([e.msgid, e.msgid_plural or e.msgid], e.msgstr, strict=False):
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((e.msgid, text))
    assert wrong == []


def test_the_three_catalogues_hold_the_same_messages():
    ids = {lang: [(e.msgid, e.msgid_plural) for e in messages(lang)]
           for lang in ("ca", "es", "en")}

    assert ids["ca"] == ids["es"] == ids["en"]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("lang", ["ca", "es", "en"])
def test_msgfmt_accepts_each_catalogue(lang):
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
                          capture_output=True, text=True, check=False)

    assert done.returncode == 0, done.stderr
    if lang in TRANSLATED:
        assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_the_catalogues_hold_every_message_of_the_code(tmp_path, settings, monkeypatch):
    """`xarxa makemessages` (Makefile: `make messages`) on a copy of the code
    finds nothing new: every message written in the code is in the
    catalogues, translated."""
    copy = tmp_path / "xarxa"
    shutil.copytree(XARXA_DIR, copy, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "*.mo", "*.json", "*.geojson", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=list(TRANSLATED), no_obsolete=True, verbosity=0)

    for lang in TRANSLATED:
        found = read_po(copy / "locale" / lang / "LC_MESSAGES" / "django.po")
        new = [e.msgid for e in found if e.msgid and not e.translated]
        assert new == [], f"run `make messages` and translate these into {lang}"
        # Messages written as _g(…) (gettext where _ is gettext_lazy) are found too.
        assert "an organisation cannot be a member of itself" in {e.msgid for e in found}
