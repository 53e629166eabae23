"""The public face of the platform: what a coalition's page and the home page show of actions (through
``coalitions.showcase``), and the search page. Every page here is public and cacheable (no session,
no cookie for visitors) and works without JavaScript: filters and search are plain GET forms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from organiser.coalitions.models import Coalition
from organiser.coalitions.showcase import Section
from organiser.hub import listing
from organiser.hub.forms import ListingFilters, SearchForm
from organiser.web.cards import Card, page_number, paginate
from organiser.web.microcache import public_page
from organiser.web.templating import country_name

bp = Blueprint("hub", __name__)

ACTIONS_PER_PAGE, OUTCOMES_PER_PAGE, RESULTS_PER_PAGE = 10, 5, 10
FEATURED = 6  # open actions on the home page
PREFIX = "actions"  # the coalition page's filters: ?actions-kind=…&actions-chapter=…&actions-country=…


def _country_choices(tree: Sequence[Coalition] | None = None) -> list[tuple[str, str]]:
    named = [(code, country_name(code)) for code in listing.countries_of(tree)]
    return sorted(named, key=lambda pair: pair[1])


def coalition_section(coalition: Coalition | None) -> Section | None:
    """A coalition's open actions and recent outcomes; an alliance's with its chapters', by chapter."""
    if coalition is None:
        return None
    tree = [coalition, *coalition.chapters]
    ids = [c.id for c in tree]
    actions, outcomes = listing.open_actions(ids), listing.outcomes(ids)
    form = ListingFilters(prefix=PREFIX)
    chapters = [(c.slug, c.name) for c in tree] if coalition.chapters else []
    countries = _country_choices(tree)
    form.set_choices(chapters, countries if len(countries) > 1 else [])
    chapter = next((c.id for c in tree if c.slug == form.chosen(form.chapter)), None)
    chosen = {"kind": form.chosen(form.kind), "country": form.chosen(form.country)}

    def shown(cards: list[Card], order: Any) -> list[Card]:
        cards = [c for c in listing.only(cards, **chosen) if chapter is None or c.coalition_id == chapter]
        return listing.grouped(cards, tree, order)

    values = {
        "form": form,
        "filtered": any(chosen.values()) or chapter is not None,
        "has_any": bool(actions or outcomes),
        "actions": paginate(shown(actions, listing.by_activity), _page("page"), ACTIONS_PER_PAGE),
        "outcomes": paginate(shown(outcomes, listing.by_news), _page("outcomes-page"), OUTCOMES_PER_PAGE),
        "grouped": bool(coalition.chapters),
        "names": {c.id: c.name for c in tree},
    }
    return Section("hub/_coalition.html", values)


def _page(name: str) -> int:
    return page_number(request.args.get(f"{PREFIX}-{name}"))


def home_section(coalition: Coalition | None) -> Section | None:
    """The home page: the search box, and the open actions most active this week."""
    featured = sorted(listing.open_actions(), key=listing.by_activity)[:FEATURED]
    return Section("hub/_home.html", {"featured": featured, "form": SearchForm()})


def search() -> Response:
    """Search actions, coalitions and assemblies; with no words, every open action, most active first."""
    form = SearchForm()
    form.validate()
    words = form.words
    if words:
        cards, order = listing.search(words), listing.by_relevance
    elif form.q.errors:
        cards, order = [], listing.by_relevance
    else:
        cards, order = listing.open_actions(), listing.by_activity
    form.set_choices(_country_choices())
    chosen = listing.only(cards, kind=form.chosen(form.kind), country=form.chosen(form.country))
    results = paginate(sorted(chosen, key=order), page_number(request.args.get("page")), RESULTS_PER_PAGE)
    body = render_template("hub/search.html", form=form, words=words, results=results)
    return public_page(Response(body, mimetype="text/html"))


bp.add_url_rule("/search", "search", search, methods=["GET"])
