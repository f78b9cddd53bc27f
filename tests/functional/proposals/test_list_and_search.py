"""Who sees which proposal (the list agrees with the page), the list's filters and pages, and
the German full-text search on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest

from sw_gremien.proposals.views import PROPOSALS_PER_PAGE
from tests import factories
from tests.functional.proposals.support import as_user, page_url

YEAR = dt.date.today().year


def listed(testapp, **params) -> list[int]:
    page = testapp.get("/vorlagen", params=params, status=200)
    return [int(a["href"].rsplit("/", 1)[-1]) for a in page.html.select("table tbody td:first-child a")]


def filter_form(page):
    return next(form for form in page.forms.values() if "q" in form.fields)


def make(world, dbsession, state, type_="strategic", public=False, **fields):
    proposal = factories.proposal(world.author, world.ag, world.types[type_],
                                  title=fields.pop("title", f"Vorlage im Stand {state}"), **fields)
    proposal.state = state
    proposal.public = public
    if state != "draft":
        proposal.reference = f"V-{YEAR}-{proposal.id:04d}"
    if state == "in_consultation":
        proposal.current_round[0].state = "open"
    dbsession.flush()
    return proposal


@pytest.fixture
def zoo(world, dbsession):
    """One proposal per state; the withdrawn one is a working-group matter (its path does not
    reach the LG or the IA); one adopted proposal has been treated in public."""
    return {
        "draft": make(world, dbsession, "draft"),
        "submitted": make(world, dbsession, "submitted"),
        "in_consultation": make(world, dbsession, "in_consultation"),
        "adopted": make(world, dbsession, "adopted"),
        "withdrawn": make(world, dbsession, "withdrawn", type_="wg"),
        "public": make(world, dbsession, "adopted", public=True, title="Öffentlich beraten"),
    }


EVERYTHING = {"draft", "submitted", "in_consultation", "adopted", "withdrawn", "public"}
EXPECTED = {
    None: {"public"},
    "stranger": {"public"},
    "author": EVERYTHING,
    "coauthor": {"submitted", "in_consultation", "adopted", "withdrawn", "public"},  # as AG member
    "ag_member": {"submitted", "in_consultation", "adopted", "withdrawn", "public"},
    "ag_secretary": {"submitted", "in_consultation", "adopted", "withdrawn", "public"},
    "ag2_member": {"in_consultation", "adopted", "public"},  # committee: from the consultation on
    "lg_member": {"submitted", "in_consultation", "adopted", "public"},  # on the strategic path
    "ia_member": {"submitted", "in_consultation", "adopted", "public"},
    "admin": EVERYTHING,
}


@pytest.mark.parametrize("who", list(EXPECTED), ids=lambda w: w or "anonymous")
def test_the_list_shows_exactly_what_the_page_permits(testapp, dbsession, world, zoo, who):
    if who is not None:
        as_user(testapp, world.people[who])
    in_list = {name for name, p in zoo.items() if p.id in listed(testapp)}
    may_open = set()
    for name, proposal in zoo.items():
        response = testapp.get(page_url(proposal), expect_errors=True)
        if who is None:
            assert response.status_int in (200, 302)  # anonymous: to the login
        else:
            assert response.status_int in (200, 403)
        if response.status_int == 200:
            may_open.add(name)
            # the print view follows the page
        testapp.get(page_url(proposal) + "/druck", status=200 if response.status_int == 200 else response.status_int)
    assert in_list == may_open == EXPECTED[who]
    # the count says the same
    count = testapp.get("/vorlagen").html.find(attrs={"role": "status"}).text
    assert str(len(EXPECTED[who])) in count


def test_a_stranger_is_forbidden_a_draft_and_a_submitted_proposal(testapp, world, zoo):
    as_user(testapp, world.stranger)
    testapp.get(page_url(zoo["draft"]), status=403)
    testapp.get(page_url(zoo["submitted"]), status=403)
    testapp.get(page_url(zoo["in_consultation"]), status=403)
    # anonymous: to the login, and no trace in the list
    testapp.reset()
    response = testapp.get(page_url(zoo["submitted"]), status=302)
    assert "/login" in response.location
    assert listed(testapp) == [zoo["public"].id]


def test_search_never_reveals_what_the_list_hides(testapp, dbsession, world):
    make(world, dbsession, "draft", title="Geheime Patenschaften")
    as_user(testapp, world.ag2_member)
    assert listed(testapp, q="Patenschaften") == []
    as_user(testapp, world.author)
    assert len(listed(testapp, q="Patenschaften")) == 1


# -- Filters and pages ------------------------------------------------------------------------------
def test_filters(testapp, dbsession, world):
    strategic = make(world, dbsession, "in_consultation", districts={"mitte"}, title="Strategisch")
    pact = make(world, dbsession, "adopted", type_="pact", districts={"vaihingen"}, title="Pakt")
    wg = make(world, dbsession, "adopted", type_="wg", districts={"mitte", "west"}, title="AG-Sache")
    old = make(world, dbsession, "adopted", type_="wg", districts={"west"}, title="Aus dem Jahr 2023")
    old.created_at = dt.datetime(2023, 5, 1, 12, tzinfo=dt.UTC)
    other_group = factories.proposal(world.ag2_member, world.ag2, world.types["wg"], title="Aus AG-PR",
                                     districts={"nord"})
    other_group.state = "adopted"
    dbsession.flush()
    as_user(testapp, world.admin)
    everyone = {strategic.id, pact.id, wg.id, old.id, other_group.id}
    assert set(listed(testapp)) == everyone
    # body: the working group that wrote it, or a body on its path
    assert set(listed(testapp, gremium=world.ag2.id)) == {other_group.id}
    assert set(listed(testapp, gremium=world.lg.id)) == {strategic.id}
    assert set(listed(testapp, gremium=world.lgpi.id)) == {pact.id}
    assert set(listed(testapp, gremium=world.ag.id)) == everyone - {other_group.id}
    # state
    assert set(listed(testapp, stand="in_consultation")) == {strategic.id}
    assert set(listed(testapp, stand="adopted")) == everyone - {strategic.id}
    # type
    assert set(listed(testapp, art=world.types["pact"].id)) == {pact.id}
    assert set(listed(testapp, art=world.types["wg"].id)) == {wg.id, old.id, other_group.id}
    # district
    assert set(listed(testapp, bezirk="mitte")) == {strategic.id, wg.id}
    assert set(listed(testapp, bezirk="west")) == {wg.id, old.id}
    # year (of writing)
    assert set(listed(testapp, jahr=2023)) == {old.id}
    assert set(listed(testapp, jahr=YEAR)) == everyone - {old.id}
    # combined
    assert set(listed(testapp, bezirk="west", jahr=YEAR)) == {wg.id}
    assert set(listed(testapp, gremium=world.ag.id, stand="adopted", art=world.types["wg"].id)) == {wg.id, old.id}
    # the chosen filters stay selected
    form = filter_form(testapp.get("/vorlagen", params={"bezirk": "west", "stand": "adopted"}))
    assert form["bezirk"].value == "west" and form["stand"].value == "adopted"


@pytest.mark.parametrize("params", [
    {"gremium": "abc"}, {"gremium": "99999999999999999999"}, {"stand": "gibts-nicht"}, {"art": "-1"},
    {"bezirk": "atlantis"}, {"jahr": "zwanzig"}, {"jahr": "99999999999999999999"}, {"jahr": "²"}, {"gremium": "١"}, {"seite": "-3"},
    {"seite": "x"}, {"seite": "99999999999999999999999"}, {"q": "\x00"},
])
def test_odd_filter_values_do_no_harm(testapp, dbsession, world, zoo, params):
    as_user(testapp, world.admin)
    testapp.get("/vorlagen", params=params, status=200)


def test_pagination(testapp, dbsession, world):
    for n in range(PROPOSALS_PER_PAGE + 5):
        make(world, dbsession, "adopted", title=f"Vorlage Nummer {n}", districts={"ost"})
    make(world, dbsession, "adopted", title="Anderswo", districts={"nord"})
    as_user(testapp, world.admin)
    first = listed(testapp, bezirk="ost")
    second = listed(testapp, bezirk="ost", seite=2)
    assert len(first) == PROPOSALS_PER_PAGE and len(second) == 5
    assert not set(first) & set(second)
    # beyond the last page: the last page
    assert listed(testapp, bezirk="ost", seite=99) == second
    assert listed(testapp, bezirk="ost", seite=0) == first
    # the page links keep the filters
    page = testapp.get("/vorlagen", params={"bezirk": "ost"})
    links = [a["href"] for a in page.html.select(".pagination a")]
    assert len(links) == 2 and all("bezirk=ost" in href for href in links)
    assert page.html.select_one(".pagination [aria-current=page]").text.strip() == "1"
    # one page only: no page links
    assert testapp.get("/vorlagen", params={"bezirk": "nord"}).html.select(".pagination") == []


# -- Full-text search -----------------------------------------------------------------------------
@pytest.fixture
def library(world, dbsession):
    def add(title, subject="", resolution="", reasoning=""):
        return make(world, dbsession, "adopted", title=title, subject=subject, resolution=resolution,
                    reasoning=reasoning)

    return {
        "funding": add("Förderung der Sprachcafés", subject="Ehrenamtliche Sprachcafés im Bezirk Mitte."),
        "housing": add("Wohnraum für Geflüchtete", resolution="Das Bürgerhaus in Mühlhausen wird geöffnet."),
        "jobs": add("Ausbildung und Arbeit", reasoning="Die Förderungen des Jobcenters reichen nicht."),
        "sport": add("Sportvereine öffnen sich", subject="Fußball verbindet Kinder aus aller Welt."),
    }


def search(testapp, query) -> set[int]:
    return set(listed(testapp, q=query))


@pytest.mark.parametrize("query, expected", [
    ("Sprachcafés", {"funding"}),
    ("sprachcafés", {"funding"}),
    ("SPRACHCAFÉS", {"funding"}),
    ("förder", {"funding", "jobs"}),          # a prefix
    ("Förderung", {"funding", "jobs"}),       # also in "Förderungen"
    ("Bürgerhaus", {"housing"}),               # in the proposed resolution
    ("bürgerhaus", {"housing"}),
    ("Mühlhausen", {"housing"}),
    ("Muehlhausen", set()),
    ("Muhlhausen", {"housing"}),               # umlauts typed without the dots
    ("Forderung", {"funding", "jobs"}),
    ("GEFLÜCHTETE", {"housing"}),
    ("Jobcenters", {"jobs"}),                  # in the reasoning
    ("Fußball", {"sport"}),                    # in the subject matter
    ("Geflüchtete", {"housing"}),
    ("Sprachcafés Mitte", {"funding"}),        # several words: all of them
    ("Sprachcafés Fußball", set()),
    ("xqzzyvörk", set()),                      # nonsense
])
def test_german_full_text_search(testapp, world, library, query, expected):
    as_user(testapp, world.admin)
    assert search(testapp, query) == {library[name].id for name in expected}


def test_inflected_forms(testapp, world, library, engine):
    """PostgreSQL stems German words ("Förderungen" finds "Förderung"); SQLite's FTS5 only
    matches the word and its continuations."""
    as_user(testapp, world.admin)
    assert search(testapp, "Sportverein") == {library["sport"].id}
    if engine.dialect.name == "postgresql":
        assert search(testapp, "Förderungen") == {library["funding"].id, library["jobs"].id}
    else:
        assert search(testapp, "Förderungen") == {library["jobs"].id}


@pytest.mark.parametrize("query", [
    '"Sprachcafés', 'Sprachcafés"', '"Sprachcafés"', "Sprach*", "*", "Sprachcafés OR Fußball",
    "Sprachcafés NEAR Mitte", "NEAR(Sprachcafés Mitte)", "(Sprachcafés", "Sprachcafés)", "AND", "NOT",
    "Sprachcafés -Mitte", "title:Sprachcafés", "^Sprachcafés", "Sprach'cafés", "Sprachcafés & | ! :*",
    "\\", "%", "_", "ß", "  ", "a" * 500, " ".join(["Sprachcafés"] * 40), "💡 Sprachcafés",
    "Förderung <script>", "Sprachcafés; DROP TABLE proposals;--",
])
def test_special_characters_do_not_break_the_search(testapp, world, library, query):
    as_user(testapp, world.admin)
    page = testapp.get("/vorlagen", params={"q": query}, status=200)
    assert filter_form(page)["q"].value == query.strip()


def test_operators_are_plain_words(testapp, world, library):
    as_user(testapp, world.admin)
    # "OR" is no operator: both words must occur, and no proposal contains "OR"
    assert search(testapp, "Sprachcafés OR Fußball") == set()
    assert search(testapp, '"Sprachcafés" (Mitte)') == {library["funding"].id}


def test_search_follows_edits(testapp, dbsession, world, library):
    as_user(testapp, world.admin)
    funding = library["funding"]
    funding.title = "Begegnungscafés"
    funding.subject = "Treffpunkte im Bezirk."
    dbsession.flush()
    assert search(testapp, "Sprachcafés") == set()
    assert search(testapp, "Begegnungscafés") == {funding.id}
