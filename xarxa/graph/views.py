"""The network's pages: the map's data, the explorer, the accessible table
of the same answer, and the questions (path, representation, measures,
evolution), each answered in plain words. Every one reads the graph through
the viewer's lens: what a person may not see is not in their graph."""

from __future__ import annotations

import functools
import hashlib
from typing import Any
from urllib.parse import quote

import numpy as np
import orjson
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from xarxa.accounts.rules import viewer_of
from xarxa.core import dates
from xarxa.core.models import classification_label
from xarxa.directory.models import Organization
from xarxa.graph import base as b
from xarxa.graph import explain, questions, store
from xarxa.graph.store import Lens

METRICS = {"degree": _l("ties"), "pagerank": _l("PageRank"), "betweenness": _l("betweenness")}
NODE_KIND_LABELS = {"organization": _l("organisation"), "body": _l("body"), "person": _l("person")}


class GraphQuery(forms.Form):
    """What a map or a question asks: the same fields everywhere."""

    focus = forms.CharField(label=_l("Organisation"), required=False, max_length=200)
    radius = forms.IntegerField(label=_l("Radius"), min_value=1, max_value=questions.MAX_RADIUS,
                                required=False)
    as_of = forms.CharField(label=_l("As of"), required=False, max_length=10,
                            help_text=_l("A year, a month or a day: 2010, 2015-06. Blank: at any time."))
    types = forms.MultipleChoiceField(
        label=_l("Ties"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(t, _l(t)) for t in b.EDGE_TYPES])
    people = forms.BooleanField(label=_l("Show people"), required=False)
    unfold = forms.BooleanField(label=_l("Show bodies apart from their network"), required=False)
    network = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    area = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    limit = forms.IntegerField(label=_l("At most"), min_value=1, max_value=questions.MAX_LIMIT,
                               required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types: Any = self.fields["types"]
        types.choices = [(t, explain.type_label(t)) for t in b.EDGE_TYPES]

    def clean_as_of(self) -> str | None:
        value = self.cleaned_data.get("as_of") or None
        try:
            return dates.parse(value)
        except dates.PartialDateError as problem:
            raise forms.ValidationError(str(problem)) from problem

    def clean_types(self) -> list[str]:
        value = self.cleaned_data.get("types") or []
        if len(value) == 1 and "," in value[0]:
            value = value[0].split(",")
        return value


def read_query(request: HttpRequest) -> GraphQuery:
    data = request.GET.copy()
    # `types=membership,seat` as well as `types=membership&types=seat`.
    listed = [t for value in data.getlist("types") for t in value.split(",") if t]
    data.setlist("types", listed)
    return GraphQuery(data)


def lens_for(request: HttpRequest, query: dict[str, Any]) -> Lens:
    return store.lens(viewer_of(request), as_of=query.get("as_of"), types=query.get("types") or None,
                      people=bool(query.get("people")), unfold=bool(query.get("unfold")))


class JsonResponse(HttpResponse):
    """JSON written by orjson: a map's answer of thousands of ties is written
    in a few milliseconds, where the standard library takes tens."""

    def __init__(self, data: Any, status: int = 200) -> None:
        super().__init__(orjson.dumps(data), content_type="application/json", status=status)


def bad_query(form: GraphQuery) -> JsonResponse:
    return JsonResponse({"errors": {name: [str(e) for e in errors]
                                    for name, errors in form.errors.items()}}, status=400)


def answer_for(request: HttpRequest, query: dict[str, Any]) -> questions.Answer:
    """The nodes a map or table asks for."""
    lens = lens_for(request, query)
    limit = query.get("limit") or questions.LIMIT
    if query.get("focus"):
        return questions.ego(lens, query["focus"], query.get("radius") or 1, limit)
    if query.get("network"):
        return questions.network_members(lens, query["network"], limit)
    if query.get("area"):
        from xarxa.territory.models import Area
        from xarxa.territory.views import below

        place = Area.objects.defer("geometry").filter(pk=query["area"]).first()
        if place is None or not viewer_of(request).sees(place):
            raise Http404
        return questions.in_area(lens, below(place), place.name, limit)
    return questions.whole(lens, limit)


def layout(lens: Lens, answer: questions.Answer) -> np.ndarray:
    """Positions for the answer's nodes: a force-directed layout started
    from the same places every time (the map does not jump between visits)."""
    import igraph as ig

    n = len(answer.nodes)
    if n == 0:
        return np.zeros((0, 2))
    where = {v: i for i, v in enumerate(answer.nodes)}
    pairs = {(where[int(lens.src[e])], where[int(lens.dst[e])]) for e in answer.edges}
    graph = ig.Graph(n=n, edges=sorted(pairs))
    ids = lens.base.ids
    angle = np.array([int(hashlib.blake2b(ids[v].encode(), digest_size=4).hexdigest(), 16)
                      for v in answer.nodes], dtype=float) / 2**32 * 2 * np.pi
    ring = np.array([answer.distance.get(v, 1) + 0.5 for v in answer.nodes], dtype=float)
    seed = np.column_stack((np.cos(angle) * ring, np.sin(angle) * ring))
    for i, v in enumerate(answer.nodes):
        if v in answer.focus[:1]:
            seed[i] = (0.0, 0.0)
    coords = np.array(graph.layout_fruchterman_reingold(
        seed=seed.tolist(), niter=50 if n > 500 else 150, grid="auto").coords)
    span = np.abs(coords).max() or 1.0
    return coords / span


def node_url(lens: Lens, v: int) -> str:
    return NodeUrls()(lens, v)


class NodeUrls:
    """Node pages' addresses, reversed once per kind: an answer names
    thousands of nodes."""

    MARK = "xarxa-node-id"

    def __init__(self) -> None:
        self.patterns = {kind: reverse(name, args=[self.MARK]) for kind, name in (
            (b.PERSON, "person"), (b.ORGANIZATION, "organization"), (b.BODY, "organization"))}

    def __call__(self, lens: Lens, v: int) -> str:
        # Quoted as `reverse` quotes (RFC 3986's sub-delimiters and "/~:@" kept).
        node_id = quote(lens.base.ids[v], safe="/~:@!$&'()*+,;=")
        return self.patterns[int(lens.base.kinds[v])].replace(self.MARK, node_id)


def answer_json(request: HttpRequest, lens: Lens, answer: questions.Answer,
                metrics: bool = True) -> dict[str, Any]:
    base = lens.base
    coords = layout(lens, answer)
    words = explain.Words(lens, answer.base_edges.tolist())
    area_names = area_labels({a for v in answer.nodes if (a := base.areas[v])})
    degree = lens.graph.degree(answer.nodes) if answer.nodes else []
    pagerank, betweenness = small_measures(lens, answer) if metrics else ({}, {})
    nodes = []
    urls = NodeUrls()
    labels: dict[str, str] = {"": ""}
    for i, v in enumerate(answer.nodes):
        classification = base.classifications[v]
        if classification not in labels:
            labels[classification] = classification_label(Organization, classification)
        nodes.append({
            "id": base.ids[v], "label": words.name(v), "kind": b.NODE_KINDS[int(base.kinds[v])],
            "classification": classification, "classification_label": labels[classification],
            "area": base.areas[v], "area_label": area_names.get(base.areas[v] or "", ""),
            "x": round(float(coords[i][0]), 5), "y": round(float(coords[i][1]), 5),
            "degree": degree[i], "pagerank": pagerank.get(v, 0.0),
            "betweenness": betweenness.get(v, 0.0), "distance": answer.distance.get(v, 0),
            "url": urls(lens, v),
        })
    edges = []
    years: set[int] = set()
    for e, base_edge in zip(answer.edges, answer.base_edges.tolist(), strict=True):
        start_key, end_key = int(base.start[base_edge]), int(base.end[base_edge])
        start_year, end_year = b.year_of(start_key), b.year_of(end_key)
        years.update(y for y in (start_year, end_year) if y)
        kind = b.EDGE_TYPES[int(base.etype[base_edge])]
        edges.append({
            "id": f"e{base_edge}", "source": base.ids[int(lens.src[e])],
            "target": base.ids[int(lens.dst[e])], "type": kind, "type_label": explain.type_label(kind),
            "start": b.key_text(start_key), "end": b.key_text(end_key, is_end=True),
            "start_year": start_year, "end_year": end_year, "label": words.sentence(base_edge),
        })
    classifications = sorted({n["classification"] for n in nodes if n["classification"]})
    return {
        "as_of": lens.as_of,
        "focus": base.ids[answer.focus[0]] if answer.focus else None,
        "nodes": nodes, "edges": edges,
        "total": {"nodes": answer.total_nodes, "edges": len(edges) + answer.left_out_edges},
        "left_out": {"nodes": answer.left_out_nodes, "edges": answer.left_out_edges},
        "explanation": answer.explanation,
        "legend": {
            "classifications": [{"value": c, "label": classification_label(Organization, c)}
                                for c in classifications],
            "edge_types": [{"value": t, "label": explain.type_label(t)} for t in b.EDGE_TYPES
                           if t in lens.types and (lens.unfold or t != "part-of")],
            "metrics": [{"value": k, "label": str(v)} for k, v in METRICS.items()],
        },
        "years": [min(years), max(max(years), int(dates.as_of_text(None)[:4]))] if years else [],
    }


def small_measures(lens: Lens, answer: questions.Answer) -> tuple[dict[int, float], dict[int, float]]:
    """PageRank and betweenness within the answer (at most a few thousand
    nodes: milliseconds). The whole network's measures are on the analysis
    page, computed in the background on large graphs."""
    import igraph as ig

    if not answer.nodes or len(answer.nodes) > questions.EXACT_BETWEENNESS_NODES:
        return {}, {}
    where = {v: i for i, v in enumerate(answer.nodes)}
    pairs = {tuple(sorted((where[int(lens.src[e])], where[int(lens.dst[e])]))) for e in answer.edges}
    graph = ig.Graph(n=len(answer.nodes), edges=sorted(pairs))
    # ARPACK: 12 ms on 2,000 nodes where the default PRPACK took 300 ms.
    pr = graph.pagerank(implementation="arpack")
    bw = graph.betweenness(directed=False) if len(answer.nodes) <= 500 else [0.0] * len(pr)
    return ({v: round(pr[i], 6) for v, i in where.items()},
            {v: round(bw[i], 3) for v, i in where.items()})


def area_labels(ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    from xarxa.territory.models import Area

    return dict(Area.objects.filter(pk__in=sorted(ids)).values_list("id", "name"))


# -- the views -------------------------------------------------------------

def data(request: HttpRequest) -> JsonResponse:
    """`/graph/data.json`: the map's nodes and ties (docs/graph.md)."""
    form = read_query(request)
    if not form.is_valid():
        return bad_query(form)
    query = form.cleaned_data
    lens = lens_for(request, query)
    answer = answer_for(request, query)
    return JsonResponse(answer_json(request, lens, answer))


@functools.lru_cache(maxsize=20_000)
def key_text(key: int, is_end: bool = False) -> str | None:
    """A date key's text; an answer's thousands of ties share a few dates."""
    return b.key_text(key, is_end)


def ego_json(request: HttpRequest) -> JsonResponse:
    """`/graph/ego.json?focus=isom&radius=2`: the ego network as data — the
    nodes with their distance, the ties with their kind and dates — without
    the map's layout and sentences: what other software asks for."""
    form = read_query(request)
    if not form.is_valid():
        return bad_query(form)
    query = form.cleaned_data
    if not query.get("focus"):
        return JsonResponse({"errors": {"focus": [_("Name an organisation.")]}}, status=400)
    lens = lens_for(request, query)
    answer = questions.ego(lens, query["focus"], query.get("radius") or 1,
                           query.get("limit") or questions.LIMIT)
    base = lens.base
    words = explain.Words(lens, [])
    edge_ids = answer.base_edges
    lens_edges = np.array(answer.edges, dtype=np.int64)
    # Whole columns at once: numpy scalars one by one cost more than the rest.
    sources = lens.src[lens_edges].tolist() if len(lens_edges) else []
    targets = lens.dst[lens_edges].tolist() if len(lens_edges) else []
    kinds = base.etype[edge_ids].tolist()
    starts = [key_text(k) for k in base.start[edge_ids].tolist()]
    ends = [key_text(k, True) for k in base.end[edge_ids].tolist()]
    return JsonResponse({
        "as_of": lens.as_of, "focus": query["focus"] if answer.nodes else None,
        "nodes": [{"id": base.ids[v], "label": words.name(v), "kind": b.NODE_KINDS[int(base.kinds[v])],
                   "classification": base.classifications[v], "distance": answer.distance.get(v, 0)}
                  for v in answer.nodes],
        "edges": [{"id": f"e{e}", "source": base.ids[s], "target": base.ids[t], "type": b.EDGE_TYPES[k],
                   "start": start, "end": end}
                  for e, s, t, k, start, end in zip(edge_ids.tolist(), sources, targets, kinds, starts, ends,
                                                    strict=True)],
        "total": {"nodes": answer.total_nodes}, "left_out": {
            "nodes": answer.left_out_nodes, "edges": answer.left_out_edges},
        "explanation": answer.explanation,
    })


def path_json(request: HttpRequest) -> JsonResponse:
    form = read_query(request)
    if not form.is_valid():
        return bad_query(form)
    query = form.cleaned_data
    start, goal = str(request.GET.get("from", ""))[:200], str(request.GET.get("to", ""))[:200]
    if not start or not goal:
        return JsonResponse({"errors": {"from": [_("Name two organisations: from and to.")]}},
                            status=400)
    lens = lens_for(request, query)
    found = questions.path(lens, start, goal)
    out: dict[str, Any] = {"found": found.found, "explanation": found.explanation}
    if found.found:
        base = lens.base
        out.update({
            "nodes": [base.ids[v] for v in found.nodes], "length": len(found.nodes) - 1,
            "steps": [{"source": base.ids[u], "target": base.ids[w],
                       "sentences": explain.step_sentences(
                           lens, [int(lens.edge_ids[e]) for e in es],
                           {int(lens.edge_ids[e]): found.sentences[e] for e in es})}
                      for u, w, es in found.steps],
            "edges": [f"e{int(lens.edge_ids[e])}" for __, __, es in found.steps for e in es],
        })
    return JsonResponse(out)


def query_string(request: HttpRequest) -> str:
    return request.GET.urlencode()


def explorer(request: HttpRequest) -> HttpResponse:
    """`/graph/`: the whole-screen map with every control."""
    form = read_query(request)
    form.is_valid()
    qs = query_string(request)
    suffix = f"?{qs}" if qs else ""
    return render(request, "graph/explorer.html", {
        "form": form, "focus": request.GET.get("focus", ""),
        "data_url": reverse("graph:data") + suffix, "table_url": reverse("graph:table") + suffix,
        "path_url": reverse("graph:path_json"),
        "exports": [(fmt, label, reverse("graph:export", args=[fmt]) + suffix)
                    for fmt, label in (("gexf", "GEXF (Gephi)"), ("graphml", "GraphML"),
                                       ("csv", _("CSV (ties)")))],
    })


def table(request: HttpRequest) -> HttpResponse:
    """`/graph/table/`: the same answer as the map, as tables a screen reader
    can walk; the map's "Table" button loads the fragment."""
    form = read_query(request)
    if not form.is_valid():
        return render(request, "graph/table_page.html", {"form": form, "errors": True}, status=400)
    query = form.cleaned_data
    lens = lens_for(request, query)
    answer = answer_for(request, query)
    payload = answer_json(request, lens, answer, metrics=False)
    names = {n["id"]: n["label"] for n in payload["nodes"]}
    context = {"form": form, "answer": payload, "names": names,
               "edges": [{**e, "source_label": names[e["source"]], "target_label": names[e["target"]]}
                         for e in payload["edges"]]}
    fragment = request.headers.get("HX-Request") == "true"
    return render(request, "graph/table.html" if fragment else "graph/table_page.html", context)


def path_page(request: HttpRequest) -> HttpResponse:
    """`/graph/path/?from=isom&to=taula-tercer-sector`: how two organisations
    are connected, tie by tie."""
    form = read_query(request)
    context: dict[str, Any] = {"form": form, "start": request.GET.get("from", "")[:200],
                               "goal": request.GET.get("to", "")[:200]}
    if form.is_valid() and context["start"] and context["goal"]:
        lens = lens_for(request, form.cleaned_data)
        found = questions.path(lens, context["start"], context["goal"])
        words = explain.Words(lens, [])
        context["found"] = found
        context["steps"] = [
            {"source": words.name(u), "source_url": node_url(lens, u), "target": words.name(w),
             "target_url": node_url(lens, w),
             "sentences": explain.step_sentences(lens, [int(lens.edge_ids[e]) for e in es],
                                                 {int(lens.edge_ids[e]): found.sentences[e] for e in es})}
            for u, w, es in found.steps]
    return render(request, "graph/path.html", context)


def representations_page(request: HttpRequest) -> HttpResponse:
    form = read_query(request)
    org = request.GET.get("org", "")[:200]
    context: dict[str, Any] = {"form": form, "org": org}
    if form.is_valid() and org:
        lens = lens_for(request, form.cleaned_data)
        chains, text = questions.representations(lens, org)
        context.update({"chains": chains, "explanation": text})
    return render(request, "graph/representations.html", context)


def analysis_page(request: HttpRequest) -> HttpResponse:
    """`/graph/analysis/`: the best connected, the brokers between networks,
    the communities and the networks that share members. On a large graph
    these are computed in the background and kept (graph.analysis)."""
    from xarxa.graph import analysis

    form = read_query(request)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        lens = lens_for(request, form.cleaned_data)
        network_id = form.cleaned_data.get("network") or None
        context["result"] = analysis.result(lens, network_id=network_id)
        context["words"] = explain.Words(lens, [])
        network = lens.vertex(network_id) if network_id else None
        if network is not None:
            context.update(network_id=network_id, network_name=context["words"].name(network))
        context["stats"] = questions.stats(lens) if lens.n_edges <= analysis.INLINE_EDGES else None
    return render(request, "graph/analysis.html", context)


def evolution_page(request: HttpRequest, pk: str) -> HttpResponse:
    from xarxa.directory.views import visible_organization

    org = visible_organization(request, pk)
    lens = store.lens(viewer_of(request), types={"membership"})
    rows, text = questions.evolution(lens, pk)
    return render(request, "graph/evolution.html", {"org": org, "rows": rows, "explanation": text,
                                                    "peak": max((r[3] for r in rows), default=0)})


def export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    from xarxa.graph import exports

    if fmt not in exports.FORMATS:
        raise Http404
    form = read_query(request)
    if not form.is_valid():
        return bad_query(form)
    query = form.cleaned_data
    lens = lens_for(request, query)
    answer = answer_for(request, query) if any(
        query.get(k) for k in ("focus", "network", "area")) else None
    return exports.response(fmt, lens, answer)
