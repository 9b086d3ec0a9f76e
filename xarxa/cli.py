"""The `xarxa` command.

Our own commands (import, export, history, demo, …) are Django management
commands of the domain packages, so `xarxa` simply hands every word to
Django's command line: `xarxa migrate` and `xarxa import popolo FILE` take the
same road.

Commands speak the user's language: XARXA_LANGUAGE, else the locale
(LC_ALL, LC_MESSAGES, LANG) when it is Catalan, Spanish or English, else
English — the language of the C locale. (The web pages follow the browser,
and default to Catalan.)
"""

from __future__ import annotations

import os
import sys

LANGUAGES = ("ca", "es", "en")


def command_language(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    explicit = environ.get("XARXA_LANGUAGE", "").strip().lower()
    if explicit in LANGUAGES:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            lang = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return lang if lang in LANGUAGES else "en"
    return "en"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    os.environ["XARXA_COMMAND_LANGUAGE"] = command_language()
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "xarxa"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
