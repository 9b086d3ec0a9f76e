"""The `xarxa` command.

Our own commands (import, export, history, demo, …) are Django management
commands of the domain packages, so `xarxa` simply hands every word to
Django's command line: `xarxa migrate` and `xarxa import popolo FILE` take the
same road.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xarxa.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "xarxa"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
