"""`xarxa graph`: the network's questions from the command line, each
answered in plain words first, then in aligned rows.

    xarxa graph stats
    xarxa graph ego ORG [--radius 1-3] [--limit N]
    xarxa graph path ORG_A ORG_B
    xarxa graph representations ORG
    xarxa graph metrics [--top 20] [--sources K]
    xarxa graph evolution NETWORK
    xarxa graph export --format gexf|graphml|csv [-o FILE] [--focus ORG [--radius N]]

Every question takes --as-of DATE, --types membership,seat,…, --people,
--unfold, --public (what a visitor sees; by default the operator sees
everything) and --lang ca|es|en. Bad input ends with one line and status 2.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from xarxa.core import dates
from xarxa.graph import base as b
from xarxa.graph import explain, exports, questions, store
from xarxa.graph.store import Lens

LANGUAGES = ("ca", "es", "en")
QUESTIONS = ("stats", "ego", "path", "representations", "metrics", "evolution", "export")
# Control characters (C0 and C1): a name must not move the terminal's cursor.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def refused(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def plain(text: object) -> str:
    """User text for a terminal: control characters out, one line."""
    return CONTROL.sub("", str(text)).replace("\n", " ").replace("\t", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    """Rows aligned in columns (numbers in the `right` columns to the right)."""
    cells = [[plain(c) for c in header]] + [[plain(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        line = "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append(line.rstrip())
    return lines


def whole_number(value: str | None, option: str, low: int, high: int, default: int) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise refused(_("%(option)s: %(value)s is not a whole number from %(low)d to %(high)d.") % {
            "option": option, "value": plain(value)[:40], "low": low, "high": high})
    return number


class Command(BaseCommand):
    help = ("Question the network: its figures, an organisation's ego network, the path between "
            "two organisations, representations, centrality and communities, a network's "
            "evolution; export it for Gephi (GEXF), GraphML or as a CSV edge list.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="question", required=True, metavar="{" + ",".join(QUESTIONS) + "}")

        stats = sub.add_parser("stats", help="how many organisations and ties, by type; components")
        self.common(stats)

        ego = sub.add_parser("ego", help="an organisation's network within a radius")
        ego.add_argument("org", help="the organisation's id (e.g. isom)")
        ego.add_argument("--radius", default=None, metavar="1-3", help="steps away (default: 1)")
        ego.add_argument("--limit", default=None, metavar="N",
                         help=f"at most N organisations (default: {questions.LIMIT})")
        self.common(ego)

        path = sub.add_parser("path", help="the shortest way from one organisation to another, "
                                           "tie by tie")
        path.add_argument("org_a")
        path.add_argument("org_b")
        self.common(path)

        reps = sub.add_parser("representations", help="who speaks for whom, where")
        reps.add_argument("org")
        self.common(reps)

        metrics = sub.add_parser("metrics", help="ties, PageRank, betweenness, brokers between "
                                                 "networks, communities and overlaps")
        metrics.add_argument("--top", default=None, metavar="N", help="rows per list (default: 20)")
        metrics.add_argument("--sources", default=None, metavar="K",
                             help="estimate betweenness from K sources (default: exact up to "
                                  f"{questions.EXACT_BETWEENNESS_NODES} organisations, else "
                                  f"{questions.SAMPLE_SOURCES})")
        self.common(metrics)

        evolution = sub.add_parser("evolution", help="organisations joining and leaving a network "
                                                     "each year")
        evolution.add_argument("org", metavar="network")
        self.common(evolution, as_of=False)

        export = sub.add_parser("export", help="the network as GEXF (Gephi), GraphML or CSV")
        export.add_argument("--format", default=None, metavar="gexf|graphml|csv")
        export.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
        export.add_argument("--focus", default=None, metavar="ORG",
                            help="only this organisation's network (with --radius, --limit)")
        export.add_argument("--radius", default=None, metavar="1-3")
        export.add_argument("--limit", default=None, metavar="N")
        export.add_argument("--sentences", choices=("auto", "yes", "no"), default="auto",
                            help="write each tie's sentence (auto: when there are at most "
                                 f"{exports.SENTENCE_LIMIT} ties)")
        self.common(export)

    def common(self, parser: CommandParser, as_of: bool = True) -> None:
        if as_of:
            parser.add_argument("--as-of", default=None, metavar="DATE",
                                help="the network on that day (2010, 2015-06, 2019-06-01); "
                                     "default: at any time")
        parser.add_argument("--types", default=None, metavar="TYPES",
                            help="only these ties, comma-separated: " + ",".join(b.EDGE_TYPES))
        parser.add_argument("--people", action="store_true", help="people as nodes too")
        parser.add_argument("--unfold", action="store_true",
                            help="bodies (boards, commissions) apart from their network")
        parser.add_argument("--public", action="store_true", help="only what a visitor sees")
        parser.add_argument("--lang", default=None, metavar="ca|es|en",
                            help="the language of the answer (default: the command's)")

    # -- reading the question --------------------------------------------------
    def handle(self, *args: Any, **options: Any) -> None:
        language = options.get("lang") or translation.get_language() or "en"
        if language not in LANGUAGES:
            raise refused(_("--lang: %(value)s is not one of ca, es, en.") % {"value": plain(language)[:40]})
        with translation.override(language):
            lens = self.lens(options)
            getattr(self, options["question"])(lens, options)

    def lens(self, options: dict[str, Any]) -> Lens:
        as_of = options.get("as_of")
        if as_of is not None:
            try:
                as_of = dates.parse(as_of)
            except dates.PartialDateError as problem:
                raise refused(_("--as-of: %(problem)s") % {"problem": problem}) from None
        types = None
        if options.get("types"):
            types = {t.strip() for t in options["types"].split(",") if t.strip()}
            unknown = sorted(types - set(b.EDGE_TYPES))
            if unknown:
                raise refused(_('--types: "%(type)s" is not a kind of tie (%(known)s).') % {
                    "type": plain(unknown[0])[:40], "known": ", ".join(b.EDGE_TYPES)})
        viewer = store.PUBLIC if options["public"] else store.OPERATOR
        return store.lens(viewer, as_of=as_of, types=types, people=options["people"],
                          unfold=options["unfold"])

    def known(self, lens: Lens, node_id: str) -> str:
        """`node_id`, if the installation has such an organisation (or person)."""
        if lens.base.node(node_id) is None:
            raise refused(_('No organisation has the id "%(id)s".') % {"id": plain(node_id)[:80]})
        return node_id

    def say(self, *lines: str) -> None:
        for line in lines:
            self.stdout.write(plain(line))

    # -- the questions -----------------------------------------------------------
    def stats(self, lens: Lens, options: dict[str, Any]) -> None:
        figures = questions.stats(lens)
        self.say(_("The network %(when)s: ") % {"when": explain.as_of_phrase(lens.as_of)}
                 + explain.count_phrase(figures["nodes"], figures["ties"]) + ".")
        rows: list[tuple[str, object]] = [
            (_("organisations"), figures["nodes"]),
            (_("ties"), figures["ties"]),
            (_("pairs of organisations tied"), figures["pairs"]),
            (_("connected components"), figures["components"]),
            (_("largest component"), figures["largest_component"]),
            (_("organisations without ties"), figures["isolated"]),
        ]
        rows += [(_("ties: %(type)s") % {"type": explain.type_label(t)}, n)
                 for t, n in figures["by_type"].items()]
        self.say("", *table((_("measure"), _("value")), rows, right=(1,)))

    def ego(self, lens: Lens, options: dict[str, Any]) -> None:
        radius = whole_number(options["radius"], "--radius", 1, questions.MAX_RADIUS, 1)
        limit = whole_number(options["limit"], "--limit", 1, questions.MAX_LIMIT, questions.LIMIT)
        answer = questions.ego(lens, self.known(lens, options["org"]), radius, limit)
        self.say(answer.explanation)
        if not answer.nodes:
            return
        base = lens.base
        degree = lens.graph.degree(answer.nodes)
        rows = [(answer.distance.get(v, 0), base.ids[v], base.names[v],
                 base.classifications[v] or "", d) for v, d in zip(answer.nodes, degree, strict=True)]
        self.say("", *table((_("steps"), _("id"), _("name"), _("classification"), _("ties")), rows,
                            right=(0, 4)))

    def path(self, lens: Lens, options: dict[str, Any]) -> None:
        a, z = self.known(lens, options["org_a"]), self.known(lens, options["org_b"])
        found = questions.path(lens, a, z)
        self.say(found.explanation)
        if not found.steps:
            return
        words = explain.Words(lens, [])
        said = {int(lens.edge_ids[e]): s for e, s in found.sentences.items()}
        rows = []
        for i, (u, w, edges) in enumerate(found.steps, start=1):
            sentences = explain.step_sentences(lens, [int(lens.edge_ids[e]) for e in edges], said)
            for j, sentence in enumerate(sentences):
                rows.append((str(i), f"{words.name(u)} → {words.name(w)}", sentence) if j == 0 else
                            ("", "", sentence))
        self.say("", *table((_("step"), _("between"), _("ties")), rows, right=(0,)))

    def representations(self, lens: Lens, options: dict[str, Any]) -> None:
        chains, text = questions.representations(lens, self.known(lens, options["org"]))
        self.say(text)
        if not chains:
            return
        words = explain.Words(lens, [])
        rows = []
        for i, chain in enumerate(chains, start=1):
            for j, sentence in enumerate(chain.sentences):
                rows.append((str(i), words.name(chain.speaker), sentence) if j == 0 else
                            ("", "", sentence))
        self.say("", *table(("", _("who speaks"), _("for whom, where")), rows, right=(0,)))

    def metrics(self, lens: Lens, options: dict[str, Any]) -> None:
        top = whole_number(options["top"], "--top", 1, 10_000, 20)
        sources = whole_number(options["sources"], "--sources", 1, 1_000_000, 0) or None
        base = lens.base
        measures = questions.centrality(lens, sources=sources)
        n = len(measures.nodes)
        lines = [_("Measures of the network %(when)s: ") % {"when": explain.as_of_phrase(lens.as_of)}
                 + explain.count_phrase(n, lens.n_edges) + "."]
        if measures.sampled:
            lines.append(_("Betweenness is estimated from %(k)d of %(n)d organisations taken as "
                           "sources; the relative standard error of the top values is about "
                           "%(error).0f%%.") % {"k": measures.sampled, "n": n,
                                                "error": measures.error * 100})
        else:
            lines.append(_("Betweenness is exact (every organisation taken as a source)."))
        lines.append(_("Several ties between two organisations count as one in these measures."))
        self.say(*lines)

        order = sorted(range(n), key=lambda i: (-measures.pagerank[i], base.names[measures.nodes[i]]))
        rows = [(rank, base.ids[measures.nodes[i]], base.names[measures.nodes[i]],
                 int(measures.degree[i]), f"{measures.pagerank[i]:.4f}", f"{measures.betweenness[i]:.1f}")
                for rank, i in enumerate(order[:top], start=1)]
        self.say("", _("The most central organisations, by PageRank:"),
                 *table(("", _("id"), _("name"), _("organisations tied"), _("PageRank"),
                         _("betweenness")), rows, right=(0, 3, 4, 5)))

        found = questions.brokers(lens, measures, top)
        self.say("", _("Brokers: organisations tied to two networks or more, the bridges between "
                       "them:"))
        if found:
            self.say(*table((_("id"), _("name"), _("networks"), _("betweenness")), [
                (base.ids[v], base.names[v], count, f"{between:.1f}") for v, count, between in found
            ], right=(2, 3)))
        else:
            self.say(_("none."))

        groups = questions.communities(lens)
        self.say("", _("%(n)d communities (%(method)s, modularity %(q).2f); the largest:") % {
            "n": len(groups.groups), "method": groups.method.capitalize(), "q": groups.modularity})
        position = {int(v): i for i, v in enumerate(measures.nodes.tolist())}
        largest = []
        for i, group in enumerate(groups.groups[:top], start=1):
            best = sorted(group, key=lambda v: -measures.degree[position[v]] if v in position else 0)
            names = ", ".join(base.names[v] for v in best[:5]) + (", …" if len(group) > 5 else "")
            largest.append((i, len(group), names))
        self.say(*table(("", _("organisations"), _("best tied")), largest, right=(0, 1)))

        pairs = questions.overlaps(lens, top)
        self.say("", _("Networks that share members (Jaccard: shared members over members of "
                       "either):"))
        if pairs:
            self.say(*table((_("network"), _("network"), _("shared"), _("Jaccard")), [
                (base.names[x], base.names[y], shared, f"{jaccard:.2f}") for x, y, shared, jaccard in pairs
            ], right=(2, 3)))
        else:
            self.say(_("none."))

    def evolution(self, lens: Lens, options: dict[str, Any]) -> None:
        rows, text = questions.evolution(lens, self.known(lens, options["org"]))
        self.say(text)
        if rows:
            self.say("", *table((_("year"), _("joined"), _("left"), _("members")), rows,
                                right=(0, 1, 2, 3)))

    def export(self, lens: Lens, options: dict[str, Any]) -> None:
        fmt = options["format"]
        if fmt not in exports.FORMATS:
            raise refused(_("--format: choose gexf, graphml or csv."))
        answer = None
        if options["focus"]:
            radius = whole_number(options["radius"], "--radius", 1, questions.MAX_RADIUS, 1)
            limit = whole_number(options["limit"], "--limit", 1, questions.MAX_LIMIT, questions.LIMIT)
            answer = questions.ego(lens, self.known(lens, options["focus"]), radius, limit)
        sentences = {"auto": None, "yes": True, "no": False}[options["sentences"]]
        target = options["output"]
        if target == "-":
            out = self.stdout
            for piece in exports.chunks(fmt, lens, answer, sentences):
                out.write(piece, ending="")
            return
        # Written next to the target and moved into place: never a half file.
        path = Path(target)
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out_file:
                exports.write(fmt, out_file, lens, answer, sentences=sentences)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        nodes = len(answer.nodes) if answer else lens.n_nodes
        edges = len(answer.edges) if answer else lens.n_edges
        self.stderr.write(_("%(what)s written to %(file)s") % {
            "what": explain.count_phrase(nodes, edges), "file": target})
