"""The print view: the proposal on paper, with its path, its text and its attachments."""

from decimal import Decimal

from sqlalchemy import select

from sw_gremien.documents.models import Attachment
from tests import factories
from tests.functional.proposals.support import as_user, fire, page_url


def test_the_print_view_shows_path_and_text(testapp, dbsession, world):
    proposal = factories.proposal(
        world.author, world.ag, world.types["strategic"], co_author_ids={world.coauthor.id},
        title="Sprachcafés in allen Bezirken", cost_estimate=Decimal("12500.00"),
        subject="Ehrenamtliche laden **wöchentlich** ein.", resolution="Die LG-GI beschließt:\n\n1. Sprachcafés\n2. <b>Geld</b>",
        reasoning="Sprache verbindet.", districts={"mitte", "bad-cannstatt"},
    )
    dbsession.add(Attachment(owner_type="proposals", owner_id=proposal.id, filename="Kostenplan.pdf",
                             stored_name="print-test-0001", content_type="application/pdf", size=10,
                             sha256="0" * 64, uploaded_by_id=world.author.id))
    dbsession.flush()
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept")
    page = testapp.get(page_url(proposal))
    assert page.html.find("a", href=page_url(proposal) + "/druck") is not None

    printed = testapp.get(page_url(proposal) + "/druck", status=200)
    html = printed.html
    dbsession.refresh(proposal)
    assert proposal.reference
    assert html.find("nav") is None  # paper needs no navigation
    assert html.find("link", rel="stylesheet")["href"].endswith("print.css")
    assert proposal.reference in html.find("h1").text
    assert html.select_one(".title").text == "Sprachcafés in allen Bezirken"
    meta = html.select_one("table.meta").text
    assert "Ada Autorin" in meta and "Carl Mitautor" in meta and "12.500,00" in meta
    assert "Bad Cannstatt" in meta and "Mitte" in meta
    # the path, in order, with the bodies' names and the current state of each step
    rows = html.select("table.path tbody tr")
    assert [row.find("td").text for row in rows] == [
        "Arbeitsgruppe Soziale Arbeit", "Lenkungsgruppe gesellschaftliche Integration", "Internationaler Ausschuss"]
    # the text, rendered safely
    resolution = html.select_one(".resolution")
    assert [li.text for li in resolution.select("ol li")][0] == "Sprachcafés"
    assert resolution.find("b") is None and "<b>Geld</b>" in resolution.text
    assert html.find("strong").text == "wöchentlich"
    assert "Sprache verbindet." in html.text
    assert "Kostenplan.pdf" in html.text
    assert html.find("a", href=page_url(proposal)) is not None  # back to the page


def test_a_draft_prints_without_a_reference(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["info"], complete=False, title="Skizze")
    as_user(testapp, world.author)
    printed = testapp.get(page_url(proposal) + "/druck", status=200)
    assert "V-" not in printed.html.find("h1").text
    assert [row.find("td").text for row in printed.html.select("table.path tbody tr")] == ["Internationaler Ausschuss"]


def test_strangers_may_not_print(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    as_user(testapp, world.stranger)
    testapp.get(page_url(proposal) + "/druck", status=403)
    assert dbsession.scalar(select(Attachment)) is None
