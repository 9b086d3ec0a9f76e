"""`xarxa graph` answers the network's questions from a shell: in words
first, in the operator's language, then in aligned rows; bad input gets one
line and status 2."""

import io

import networkx as nx
import pytest
from django.core.management import CommandError, call_command

from xarxa.graph import store


@pytest.fixture(autouse=True)
def fresh_network(monkeypatch):
    monkeypatch.setattr(store, "STORE", store.Store())


def graph(*args: str) -> str:
    out = io.StringIO()
    call_command("graph", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def section(text: str, heading: str) -> list[str]:
    """The lines after `heading`, up to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading)) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def test_the_path_from_isom_to_the_taula_goes_through_fedaia_in_two_steps(demo):
    said = graph("path", "isom", "taula-tercer-sector")

    first, blank, header, *rows = said.splitlines()
    assert first.startswith("ISOM reaches Taula del Tercer Sector in 2 steps, at any time: ")
    assert "ISOM represents FEDAIA on Grup de treball d'innovació i qualitat of Taula del Tercer Sector" \
        in first
    assert header.split() == ["step", "between", "ties"]
    steps = [row for row in rows if row.lstrip()[:1].isdigit()]
    assert [row.split()[0] for row in steps] == ["1", "2"]
    assert "ISOM → FEDAIA" in steps[0] and "FEDAIA → Taula del Tercer Sector" in steps[1]
    assert any(row.strip().endswith("ISOM is a member of FEDAIA since 2009") for row in rows)
    assert any("FEDAIA holds a seat on Grup de treball d'innovació i qualitat of Taula del Tercer "
               "Sector, filled by ISOM" in row for row in rows)


@pytest.mark.parametrize(("lang", "month"), [("ca", "de novembre de 2025"),
                                             ("es", "de noviembre de 2025"),
                                             ("en", "Nov. 19, 2025")])
def test_the_path_is_told_in_the_language_asked_for(demo, lang, month):
    said = graph("path", "isom", "taula-tercer-sector", "--lang", lang)

    first = said.splitlines()[0]
    # Names are the organisations' own; dates are written the language's way.
    assert first.index("ISOM") < first.index("FEDAIA") < first.rindex("Taula del Tercer Sector")
    assert " 2 " in first and month in first
    rows = said.splitlines()[3:]
    assert rows[0].lstrip().startswith("1 ") and "ISOM → FEDAIA" in rows[0]


def test_isom_s_network_at_radius_two_reaches_the_taula(demo):
    said = graph("ego", "isom", "--radius", "2")

    first = said.splitlines()[0]
    assert first == "The network of ISOM at radius 2, at any time: 7 organisations, 33 ties."
    rows = [row.split() for row in said.splitlines()[3:]]
    by_id = {row[1]: row[0] for row in rows}
    assert by_id["isom"] == "0" and by_id["fedaia"] == "1"
    assert by_id["taula-tercer-sector"] == "2"


def test_as_of_2008_isom_s_memberships_hold_no_fedaia(demo):
    said = graph("ego", "isom", "--as-of", "2008", "--types", "membership")

    assert "FEDAIA" not in said
    assert "Coordinadora d'Entitats Congrés-Indians" in said
    assert "FEDAIA" in graph("ego", "isom", "--as-of", "2010", "--types", "membership")


def test_the_measures_list_isom_among_the_brokers(demo):
    said = graph("metrics", "--top", "5")

    assert "Betweenness is exact" in said
    central = section(said, "The most central organisations")
    assert len(central) == 1 + 5 and central[1].split()[:2] == ["1", "isom"]
    brokers = section(said, "Brokers:")
    assert brokers[0].split() == ["id", "name", "networks", "betweenness"]
    assert brokers[1].split()[:2] == ["isom", "ISOM"]
    assert section(said, "Networks that share members")


def test_sampled_betweenness_states_its_error(demo):
    said = graph("metrics", "--sources", "3")

    assert "Betweenness is estimated from 3 of 7 organisations taken as sources; the relative " \
           "standard error of the top values is about" in said


def test_the_network_exports_to_a_gexf_file(demo, tmp_path):
    target = tmp_path / "xarxa.gexf"

    assert graph("export", "--format", "gexf", "-o", str(target)) == ""

    read = nx.read_gexf(target)
    assert read.number_of_nodes() == 7 and read.number_of_edges() == 33
    assert not list(tmp_path.glob(".xarxa.gexf.*"))


def test_without_a_file_the_export_goes_to_standard_output(demo):
    said = graph("export", "--format", "csv", "--focus", "taula-tercer-sector")

    lines = said.splitlines()
    assert lines[0] == "source,source_name,target,target_name,type,start,end,label,collection,record"
    assert len(lines) == 1 + 3


def test_the_other_questions_answer_in_words_then_rows(demo):
    stats = graph("stats")
    assert stats.splitlines()[0] == "The network at any time: 7 organisations, 33 ties."
    reps = graph("representations", "isom")
    assert reps.splitlines()[0] == "ISOM takes part in 1 representation, at any time."
    evolution = graph("evolution", "fedaia")
    assert evolution.splitlines()[2].split() == ["year", "joined", "left", "members"]
    assert evolution.splitlines()[3].split() == ["2009", "1", "0", "1"]


@pytest.mark.parametrize(("args", "message"), [
    (("ego", "nobody"), 'No organisation has the id "nobody".'),
    (("path", "isom", "nobody"), 'No organisation has the id "nobody".'),
    (("ego", "isom", "--radius", "4"), "--radius: 4 is not a whole number from 1 to 3."),
    (("ego", "isom", "--radius", "0"), "--radius: 0 is not a whole number from 1 to 3."),
    (("ego", "isom", "--as-of", "2008-13"), '--as-of: "2008-13" has no month 13'),
    (("ego", "isom", "--as-of", "15/03/2015"),
     '--as-of: "15/03/2015" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)'),
    (("ego", "isom", "--types", "membership,friendship"),
     '--types: "friendship" is not a kind of tie (membership, seat, representation, '
     'co-participation, agreement, part-of).'),
    (("stats", "--lang", "fr"), "--lang: fr is not one of ca, es, en."),
    (("export", "--format", "pdf"), "--format: choose gexf, graphml or csv."),
])
def test_bad_input_gets_one_line_and_status_2(demo, args, message):
    with pytest.raises(CommandError) as refused:
        graph(*args)

    assert refused.value.returncode == 2
    assert str(refused.value) == message
