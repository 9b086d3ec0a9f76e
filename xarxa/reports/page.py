"""The "Treball en xarxa" page of an organisation, written from its facts
with fixed templates in the active language: its community in both
dimensions, the networks it collaborates with (each with its own
description, how long it has belonged, its seats and representations, and
what it does with them), its awareness work and its training.

The page is a `Document`: sections of paragraphs and lists of plain text,
which `templates/reports/page*.html` write as HTML (escaped) and
`markdown()` as Markdown (escaped too). No text-generation service: the same
records give the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from xarxa.activity.models import Participation
from xarxa.core import dates
from xarxa.reports.facts import Activity, Facts, NetworkTie, Seat
from xarxa.reports.grammar import (
    Phrase,
    clause,
    date_phrase,
    join,
    lang_code,
    phrase,
    sentence,
    settle,
)


@dataclass
class Block:
    """A paragraph (`items` empty) or a list with its lead-in (`text`)."""

    text: str = ""
    items: list[str] = field(default_factory=list)
    heading: str = ""  # a subheading above it (a network's name)


@dataclass
class Section:
    key: str  # community, networks, awareness, training
    title: str
    blocks: list[Block]


@dataclass
class Document:
    title: str
    sections: list[Section]
    footer: str
    sources: list[dict[str, str]]
    lang: str


ARTICLES = ("els", "les", "los", "las", "the", "el", "la", "l'", "l’")


def named(text: str, lang: str | None = None) -> Phrase:
    """A name that carries its own article ("el Congrés i els Indians", "La
    protecció de l'entorn") as a Phrase, so prepositions contract with it.
    The article is the name's own, in its own language: a Catalan name in a
    Spanish sentence keeps "les", in lower case."""
    lowered = text.lower()
    for article in ARTICLES:
        if article.endswith(("'", "’")):
            if lowered.startswith(article) and len(text) > len(article):
                return Phrase(text[len(article):], "l'")
        elif lowered.startswith(article + " ") and len(text) > len(article) + 1:
            return Phrase(text[len(article) + 1:], article)
    return Phrase(text)


def local_name(record: object, lang: str) -> str:
    """A record's name in `lang`: an organisation's other name in it, or a
    theme's (kept among other publishers' keys), else its name."""
    name_in = getattr(record, "name_in", None)
    if name_in is not None:
        return str(name_in(lang))
    extra = getattr(record, "extra", None) or {}
    for other in extra.get("other_names") or [] if isinstance(extra, dict) else []:
        if isinstance(other, dict) and other.get("lang") == lang and other.get("name"):
            return str(other["name"])
    return str(getattr(record, "name", record))


def theme_phrase(theme: object, lang: str) -> Phrase:
    """A theme in running text: a common phrase, so in lower case ("la
    protecció de l'entorn", "job creation") unless it starts with an acronym."""
    found = named(local_name(theme, lang), lang)
    first = found.text.split(" ", 1)[0]
    if first[:1].isupper() and not (len(first) > 1 and first.isupper()):
        found = Phrase(found.text[:1].lower() + found.text[1:], found.article)
    return found


def event_phrase(name: str, lang: str) -> Phrase:
    """An event's name: with its own article ("La Festa Major") or the one
    its first word takes ("les Activitats infantils")."""
    found = named(name, lang)
    return found if found.article else phrase(name, "", lang)


def org_phrase(org: object, lang: str) -> Phrase:
    """An organisation's name in `lang` with the article it takes."""
    return phrase(local_name(org, lang), getattr(org, "classification", "") or "", lang)


def years_text(n: int) -> str:
    return ngettext("a year", "%(n)d years", n) % {"n": n}


def value_phrases(labels: list[str]) -> list[Phrase]:
    """Plain words ("autoajuda") as phrases with no article, so "de" elides
    before them ("d'autoajuda")."""
    return [Phrase(label) for label in labels]


OBJECTIVE_WORDS: dict[str, Callable[[], str]] = {
    Participation.Objective.MISSION: lambda: _("spreading its mission"),
    Participation.Objective.VALUES: lambda: _("spreading its values"),
    Participation.Objective.SOCIAL_RIGHTS: lambda: _("spreading social rights"),
    Participation.Objective.AWARENESS: lambda: _("raising awareness in society"),
    Participation.Objective.NETWORKING: lambda: _("networking with other entities"),
    Participation.Objective.TRAINING: lambda: _("training and being trained"),
}


def objectives_text(objectives: list[str], lang: str) -> str:
    words = [OBJECTIVE_WORDS[o]() if o in OBJECTIVE_WORDS else o for o in objectives]
    return join(words, lang)


def role_verb(roles: list[str]) -> str:
    if Participation.Role.ORGANISER in roles:
        return "organiser"
    if Participation.Role.CO_ORGANISER in roles:
        return "co-organiser"
    return "participant"


def build(facts: Facts) -> Document:
    """The page, in the active language."""
    lang = lang_code()
    org = org_phrase(facts.org, lang)
    sections = [
        community(facts, org, lang),
        networks(facts, org, lang),
        awareness(facts, org, lang),
        training(facts, org, lang),
    ]
    sections = [s for s in sections if s.blocks]
    as_of = date_phrase(facts.period.first, lang)
    footer = sentence(_("Written by Xarxa from the records of %(org)s as they stand on %(date)s."),
                      {"org": org, "date": as_of}, lang)
    return Document(title=_("%(org)s: network work") % {"org": facts.name}, sections=sections,
                    footer=footer, sources=facts.sources, lang=lang)


def community(facts: Facts, org: Phrase, lang: str) -> Section:
    blocks: list[Block] = []
    festivals = sorted((a for a in facts.activities if a.event.classification == "festival"),
                       key=lambda a: (-a.editions, a.event.name.casefold()))[:ACTIVITIES_SHOWN]
    if festivals:
        blocks.append(Block(sentence(_("%(org)s takes part in %(festivals)s."),
                                     {"org": org, "festivals": join(
                                         [event_phrase(a.event.name, lang) for a in festivals], lang)},
                                     lang)))
    blocks.append(Block(sentence(_(
        "For %(org)s, three elements make up the community dimension of its work: sharing a "
        "locality, having relations and ties in common, and the social interaction that happens "
        "among them."), {"org": org}, lang)))
    areas = [named(a.name, lang) for a in (facts.areas[:1] + facts.service_areas)]
    count = len(facts.networks)
    belonging = ngettext(
        "the group of belonging it takes part in and feels identified with, the one network "
        "below", "the groups of belonging it takes part in and feels identified with, the "
        "%(n)d networks below", count) % {"n": count}
    if areas:
        text = sentence(_(
            "Its community therefore has a territorial, physical dimension — %(areas)s, where it "
            "has its registered seat and provides its services — and a psychological dimension "
            "of identity: %(belonging)s."), {"areas": join(areas, lang), "belonging": belonging},
            lang)
    else:
        text = sentence(_("Its community therefore has a psychological dimension of identity: "
                          "%(belonging)s."), {"belonging": belonging}, lang)
    blocks.append(Block(text))
    if count:
        blocks.append(Block(sentence(ngettext(
            "%(org)s is not alien to its surroundings: it is part of a network, with which it "
            "collaborates actively, networking.",
            "%(org)s is not alien to its surroundings: it is part of %(n)d networks and "
            "platforms, with which it collaborates actively, networking.", count),
            {"org": org, "n": count}, lang)))
    return Section("community", _("Its community"), blocks)


def since_sentence(tie: NetworkTie, org: Phrase, network: Phrase, facts: Facts, lang: str) -> str:
    since = tie.since
    if since is None:
        return sentence(_("%(org)s is a member of %(network)s."),
                        {"org": org, "network": network}, lang)
    years = dates.years_between(since, facts.period.first)
    values: dict[str, object] = {"org": org, "network": network, "since": date_phrase(since, lang),
                                 "years": years_text(years)}
    if years >= 1:
        return sentence(_("%(org)s has been a member of %(network)s for %(years)s (since %(since)s)."),
                        values, lang)
    return sentence(_("%(org)s has been a member of %(network)s since %(since)s."), values, lang)


def seat_item(seat: Seat, lang: str) -> str:
    body = org_phrase(seat.body, lang)
    if seat.in_network_itself and seat.post:
        body = Phrase(seat.post)
    parts = [sentence("%(body)s", {"body": body}, lang)]
    if seat.post and not seat.in_network_itself:
        parts.append(clause(_("in the post of %(post)s"), {"post": Phrase(seat.post)}, lang))
    if seat.sitter_is_person:
        parts.append(clause(_("through %(person)s"), {"person": Phrase(seat.sitter)}, lang)
                     if seat.sitter else _("through a person of the organisation"))
    if seat.on_behalf_of is not None:
        parts.append(clause(_("representing %(org)s"),
                            {"org": org_phrase(seat.on_behalf_of, lang)}, lang))
    if seat.start:
        parts.append(clause(_("since %(since)s"), {"since": date_phrase(seat.start, lang)}, lang))
    text = ", ".join(parts)
    return text[:1].upper() + text[1:] if text else text


# A page lists the activities that mean most to it (most events, then most
# people reached) and counts the others.
ACTIVITIES_SHOWN = 10


def activity_items(activities: list[Activity], lang: str) -> list[str]:
    ranked = sorted(activities, key=lambda a: (-a.editions, -a.people_reached,
                                               a.event.name.casefold()))
    items = [_capital(activity_item(a, lang)) for a in ranked[:ACTIVITIES_SHOWN]]
    left = len(ranked) - ACTIVITIES_SHOWN
    if left > 0:
        items.append(ngettext("And one more activity.", "And %(n)d more activities.", left)
                     % {"n": left})
    return items


def activity_item(a: Activity, lang: str) -> str:
    verb = role_verb(a.roles)
    name = event_phrase(a.event.name, lang)
    if verb == "organiser":
        text = sentence(_("it organises %(activity)s"), {"activity": name}, lang)
    elif verb == "co-organiser":
        text = sentence(_("it co-organises %(activity)s"), {"activity": name}, lang)
    else:
        text = sentence(_("it takes part in %(activity)s"), {"activity": name}, lang)
    if a.objectives:
        text += ", " + clause(_("with the aim of %(aims)s"), {
            "aims": objectives_text(a.objectives, lang)}, lang)
    return text


def networks(facts: Facts, org: Phrase, lang: str) -> Section:
    blocks: list[Block] = []
    seat_area = facts.areas[0] if facts.areas else None
    for tie in facts.networks:
        network = org_phrase(tie.network, lang)
        heading = tie.network.name_in(lang)
        description = tie.network.description or tie.network.abstract
        if description:
            blocks.append(Block(description, heading=heading))
            heading = ""
        if tie.membership is not None:
            blocks.append(Block(since_sentence(tie, org, network, facts, lang), heading=heading))
            heading = ""
        if seat_area is not None and tie.network.area_id == seat_area.pk:
            blocks.append(Block(sentence(_(
                "%(network)s works in %(area)s, where %(org)s has its registered seat."),
                {"network": network, "area": named(seat_area.name, lang), "org": org}, lang),
                heading=heading))
            heading = ""
        bodies = [s for s in tie.seats if not (s.in_network_itself and not s.post)]
        if bodies:
            if tie.membership is not None:
                intro = sentence(_("It collaborates actively with %(network)s by taking part in:"),
                                 {"network": network}, lang)
            else:
                intro = sentence(_("%(org)s takes part in %(network)s, in:"),
                                 {"org": org, "network": network}, lang)
            blocks.append(Block(intro, [seat_item(s, lang) for s in bodies], heading=heading))
            heading = ""
        if tie.activities:
            blocks.append(Block(sentence(_("With %(network)s:"), {"network": network}, lang),
                                activity_items(tie.activities, lang), heading=heading))
            heading = ""
        if heading:  # a network with nothing more to say than its name
            blocks.append(Block(sentence(_("%(org)s takes part in %(network)s."),
                                         {"org": org, "network": network}, lang), heading=heading))
    others = [a for a in facts.activities if a.network is None
              and a.event.classification != "festival"]
    if others:
        blocks.append(Block(sentence(_("Beyond its networks, %(org)s:"), {"org": org}, lang),
                            activity_items(others, lang),
                            heading=pgettext("page heading", "Other community activities")))
    if facts.represented_by:
        blocks.append(Block(sentence(_("Other organisations sit on behalf of %(org)s:"),
                                     {"org": org}, lang),
                            [_represented_item(s, lang) for s in facts.represented_by],
                            heading=pgettext("page heading", "Representing it")))
    if facts.past:
        items = []
        for tie in facts.past:
            values = {"network": org_phrase(tie.network, lang)}
            if tie.since and tie.until:
                values.update({"since": date_phrase(tie.since, lang), "until": date_phrase(tie.until, lang)})
                items.append(sentence(_("%(network)s, from %(since)s to %(until)s"), values, lang))
            elif tie.until:
                values["until"] = date_phrase(tie.until, lang)
                items.append(sentence(_("%(network)s, until %(until)s"), values, lang))
        blocks.append(Block(sentence(_("%(org)s was earlier a member of:"), {"org": org}, lang), items,
                            heading=pgettext("page heading", "Earlier")))
    title = sentence(_("%(org)s collaborates with…"), {"org": org}, lang)
    return Section("networks", title, blocks)


def _represented_item(seat: Seat, lang: str) -> str:
    return sentence(_("%(member)s, in %(body)s"), {
        "member": Phrase(seat.sitter or _("an organisation")),
        "body": org_phrase(seat.body, lang)}, lang)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def awareness(facts: Facts, org: Phrase, lang: str) -> Section:
    blocks: list[Block] = []
    if facts.org.description:
        blocks.append(Block(facts.org.description))
    for c in facts.campaigns:
        heading = c.campaign.name if len(facts.campaigns) > 1 else ""
        if c.themes:
            blocks.append(Block(sentence(_(
                "Its concern for the community leads %(org)s to care about %(themes)s."),
                {"org": org, "themes": join([theme_phrase(t, lang) for t in c.themes], lang)}, lang),
                heading=heading))
            heading = ""
        if c.values:
            blocks.append(Block(sentence(_(
                "%(org)s wants to bring closer a model of work based on the values of %(values)s."),
                {"org": org, "values": join(value_phrases(c.values), lang)}, lang), heading=heading))
            heading = ""
        if c.actions:
            reached = ngettext("%(n)s person", "%(n)s people", c.people_reached) % {
                "n": c.people_reached}
            blocks.append(Block(ngettext(
                "Its campaign «%(campaign)s» has one action, which reached %(people)s.",
                "Its campaign «%(campaign)s» has %(n)d actions, which reached %(people)s.",
                c.actions) % {"campaign": c.campaign.name, "n": c.actions, "people": reached},
                heading=heading))
    title = sentence(_("%(org)s raises awareness"), {"org": org}, lang)
    return Section("awareness", title, blocks)


def training(facts: Facts, org: Phrase, lang: str) -> Section:
    t = facts.training
    blocks: list[Block] = []
    if t.universities:
        n = len(t.universities)
        text = sentence(ngettext(
            "%(org)s keeps a collaboration agreement with a university, %(universities)s, for the "
            "training of future professionals",
            "%(org)s keeps collaboration agreements with %(n)d universities, %(universities)s, "
            "for the training of future professionals", n),
            {"org": org, "n": n, "universities": join(
                [org_phrase(u, lang) for u in t.universities], lang)}, lang)
        if t.programmes:
            text += settle(" " + _("in %(programmes)s") % {
                "programmes": join([Phrase(p.name) for p in t.programmes], lang)}, lang)
        blocks.append(Block(text + "."))
    elif t.agreements:
        blocks.append(Block(sentence(ngettext(
            "%(org)s keeps a collaboration agreement for the training of future professionals.",
            "%(org)s keeps %(n)d collaboration agreements for the training of future "
            "professionals.", len(t.agreements)), {"org": org, "n": len(t.agreements)}, lang)))
    if t.placements:
        blocks.append(Block(sentence(ngettext(
            "%(org)s hosts a student on a placement.", "%(org)s hosts %(n)d students on placements.",
            len(t.placements)), {"org": org, "n": len(t.placements)}, lang)))
    if t.received:
        blocks.append(Block(sentence(_("The people of %(org)s are trained too:"), {"org": org}, lang),
                            [a.event.name for a in t.received]))
    title = sentence(_("%(org)s trains and is trained"), {"org": org}, lang)
    return Section("training", title, blocks)


# -- Markdown ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\->=]|[0-9]+[.)])")


def md_escape(text: str) -> str:
    """Text that a Markdown renderer shows as it is: HTML characters as
    entities, Markdown's inline punctuation escaped, and what would start a
    heading, a list or a quote at the start of the line; one line."""
    text = " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(_escape_start, text)


def _escape_start(m: re.Match[str]) -> str:
    mark = m.group(2)  # "1." becomes "1\.", "#" becomes "\#"
    return m.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[:1].isdigit() else "\\" + mark)


def markdown(doc: Document) -> str:
    out = [f"# {md_escape(doc.title)}", ""]
    for section in doc.sections:
        out += [f"## {md_escape(section.title)}", ""]
        for block in section.blocks:
            if block.heading:
                out += [f"### {md_escape(block.heading)}", ""]
            if block.text:
                out += [md_escape(block.text), ""]
            if block.items:
                out += [f"- {md_escape(item)}" for item in block.items] + [""]
    if doc.sources:
        out += [f"## {md_escape(_('Sources'))}", ""]
        for s in doc.sources:
            out.append(f"- {md_escape(s.get('note') or s.get('url') or '')}"
                       + (f" <{s['url']}>" if _safe_url(s.get("url")) else ""))
        out.append("")
    out += [f"*{md_escape(doc.footer)}*", ""]
    return "\n".join(out)


def _safe_url(url: object) -> bool:
    from xarxa.core.templatetags.xarxa import safe_url

    text = str(url or "")
    return bool(safe_url(text)) and not re.search(r"[\s<>]", text)
