"""The `xarxa` command: every word goes to Django's command line.

The end-to-end test runs the installed console script on its own SQLite file
(never the DATABASE_URL the suite runs on), as a person would from a shell.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xarxa.cli import main

XARXA = Path(sys.executable).parent / "xarxa"
TUVALU = Path(__file__).resolve().parent / "data" / "everypolitician" / "tuvalu-parliament.popolo.json"


@pytest.fixture(autouse=True)
def own_environment(monkeypatch):
    # main() tells Django the command language through the environment;
    # it must not leak into the tests that follow.
    monkeypatch.delenv("XARXA_COMMAND_LANGUAGE", raising=False)
    monkeypatch.setenv("XARXA_LANGUAGE", "en")


def test_help_lists_xarxas_own_commands_among_djangos(capsys):
    main(["xarxa", "help"])

    said = capsys.readouterr().out
    assert "Type 'xarxa help <subcommand>' for help on a specific subcommand." in said
    for own in ("[interop]", "    import", "    export", "    demo", "[history]", "    history"):
        assert own in said.splitlines()
    assert "    migrate" in said.splitlines()


def test_a_django_command_runs_as_a_xarxa_command(capsys):
    main(["xarxa", "check"])

    assert capsys.readouterr().out == "System check identified no issues (0 silenced).\n"


def test_an_unknown_word_is_refused_the_way_django_refuses_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["xarxa", "importt"])

    assert exit_.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        "Unknown command: 'importt'. Did you mean import?", "Type 'xarxa help' for usage."]


def xarxa(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "XARXA_COMMAND_LANGUAGE", "XARXA_TEST_SQLITE")}
    env |= {"XARXA_VAR_DIR": str(home), "DATABASE_URL": f"sqlite:///{home}/x.sqlite3",
            "XARXA_LANGUAGE": "en", "LC_ALL": "C.UTF-8"}
    return subprocess.run([str(XARXA), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> bytes:
    """An empty Xarxa database file, migrated once for the tests that need one."""
    where = tmp_path_factory.mktemp("migrated")
    done = xarxa(where, "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return (where / "x.sqlite3").read_bytes()


@pytest.fixture
def home(tmp_path, migrated) -> Path:
    """XARXA_VAR_DIR of a fresh, migrated installation."""
    (tmp_path / "x.sqlite3").write_bytes(migrated)
    return tmp_path


def test_import_history_and_export_work_end_to_end_from_a_shell(home):
    imported = xarxa(home, "import", "popolo", str(TUVALU))
    assert imported.returncode == 0, imported.stderr
    assert "persons: 28 created, 0 updated, 0 unchanged" in imported.stdout.splitlines()

    shown = xarxa(home, "history", "party/independent")
    assert shown.returncode == 0, shown.stderr
    head, *lines = shown.stdout.splitlines()
    assert ("  created  directory.organization party/independent  "
            "by import popolo tuvalu-parliament.popolo.json:") in head
    assert '    + name: "Independent"' in lines

    exported = xarxa(home, "export", "popolo", "--no-timestamps")
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["memberships"]) == 53


def test_a_refused_import_exits_with_status_2_and_one_line_per_problem(home):
    bad = home / "bad.json"
    bad.write_text(json.dumps({"memberships": [{"person_id": "nobody", "organization_id": "x",
                                                "start_date": "15/03/2015"}]}))

    refused = xarxa(home, "import", "popolo", str(bad))

    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        '/memberships/0/start_date: "15/03/2015" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)',
        '/memberships/0/organization_id: no organisation has the id "x", in the document or in Xarxa',
        '/memberships/0/person_id: no person has the id "nobody", in the document or in Xarxa',
        "CommandError: Nothing was imported: 3 problem(s) found.",
    ]
