"""The whole way of a proposal along its consultation path, with the people who act, the
mails, the in-app notifications and the history."""

from sqlalchemy import select

from sw_gremien.i18n import _
from sw_gremien.notifications.models import Notification
from sw_gremien.proposals.models import Consultation
from sw_gremien.workflow.models import WorkflowEvent
from tests import factories
from tests.functional.proposals.support import (
    as_user,
    consultations,
    fire,
    german,
    page_url,
    reload,
    states,
    triggers_on_page,
)

SUBMITTED = _("New proposal to check")
OPENED = _("A proposal is ready for your agenda")
RETURNED = _("Your proposal was returned for rework")
DECIDED = _("A decision on your proposal")
REFERRED = _("Your proposal was referred back")


def step(dbsession, proposal, short_name, round_=None) -> Consultation:
    found = [c for c in consultations(dbsession, proposal) if c.body.short_name == short_name
             and (round_ is None or c.round == round_)]
    return found[-1]


def mails(app, mailer) -> list[tuple[str, str]]:
    """(recipient, kind) of every mail sent, kinds named by their subject's message id."""
    kinds = {german(app, m): m for m in (SUBMITTED, OPENED, RETURNED, DECIDED, REFERRED)}
    return [(m.recipients[0], str(kinds.get(m.subject, m.subject))) for m in mailer.outbox]


def history(dbsession, obj) -> list[tuple[str, str, str, int | None]]:
    return [(e.transition, e.from_state, e.to_state, e.actor_id) for e in dbsession.scalars(
        select(WorkflowEvent).where(WorkflowEvent.object_type == obj.workflow_object_type(),
                                    WorkflowEvent.object_id == obj.id).order_by(WorkflowEvent.id))]


def submit_and_accept(testapp, world, proposal):
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept")


def test_the_strategic_path_from_draft_to_notice(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"],
                                  co_author_ids={world.coauthor.id})
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    assert mails(app, mailer) == [(world.ag_secretary.email, SUBMITTED)]
    mailer.outbox.clear()

    # the secretary accepts: the working group's own step opens
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept", comment="Passt.")
    assert reload(dbsession, proposal).state == "in_consultation"
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "open"), (1, "LG-GI", "decision", "waiting"), (1, "IA", "notice", "waiting")]
    assert mails(app, mailer) == [(world.ag_secretary.email, OPENED)]
    mailer.outbox.clear()

    # only outcomes that fit the role are offered: a preliminary step recommends, rejects or refers back
    ag_step = step(dbsession, proposal, "AG-SA")
    page = testapp.get(page_url(proposal))
    assert triggers_on_page(page, ag_step) == {"recommend", "reject", "refer_back"}
    # the LG's secretary has nothing to record on the AG's step
    as_user(testapp, world.lg_secretary)
    assert triggers_on_page(testapp.get(page_url(proposal)), ag_step) == set()

    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "recommend", obj=ag_step, comment="Einstimmig empfohlen.")
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "recommended"), (1, "LG-GI", "decision", "open"), (1, "IA", "notice", "waiting")]
    assert step(dbsession, proposal, "AG-SA").result == "Einstimmig empfohlen."
    assert step(dbsession, proposal, "AG-SA").ended_at is not None
    assert step(dbsession, proposal, "LG-GI").opened_at is not None
    assert mails(app, mailer) == [(world.lg_secretary.email, OPENED)]
    mailer.outbox.clear()

    # the LG decides: the proposal is adopted, the authors are told, the IA's notice opens
    lg_step = step(dbsession, proposal, "LG-GI")
    as_user(testapp, world.lg_secretary)
    assert triggers_on_page(testapp.get(page_url(proposal)), lg_step) == {"decide", "reject", "refer_back"}
    fire(testapp, proposal, "decide", obj=lg_step)
    proposal = reload(dbsession, proposal)
    assert proposal.state == "adopted" and proposal.decided_at is not None
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "recommended"), (1, "LG-GI", "decision", "decided"), (1, "IA", "notice", "open")]
    assert sorted(mails(app, mailer)) == sorted([
        (world.author.email, DECIDED), (world.coauthor.email, DECIDED), (world.ia_secretary.email, OPENED)])
    for message in mailer.outbox:
        assert f"http://localhost/vorlagen/{proposal.id}" in message.body
    mailer.outbox.clear()

    # the IA takes note; the proposal stays adopted
    ia_step = step(dbsession, proposal, "IA")
    as_user(testapp, world.ia_secretary)
    # decided already: nothing to refer back, only to take note of
    assert triggers_on_page(testapp.get(page_url(proposal)), ia_step) == {"take_note"}
    fire(testapp, proposal, "take_note", obj=ia_step)
    assert reload(dbsession, proposal).state == "adopted"
    assert [s[3] for s in states(dbsession, proposal)] == ["recommended", "decided", "noted"]
    assert mailer.outbox == []

    # the history is complete, with who acted
    assert history(dbsession, proposal) == [
        ("submit", "draft", "submitted", world.author.id),
        ("accept", "submitted", "in_consultation", world.ag_secretary.id),
        ("adopt", "in_consultation", "adopted", None),
    ]
    assert history(dbsession, ag_step) == [("open", "waiting", "open", None),
                                           ("recommend", "open", "recommended", world.ag_secretary.id)]
    assert history(dbsession, lg_step) == [("open", "waiting", "open", None),
                                           ("decide", "open", "decided", world.lg_secretary.id)]
    assert history(dbsession, ia_step) == [("open", "waiting", "open", None),
                                           ("take_note", "open", "noted", world.ia_secretary.id)]
    # and shown on the page
    page = testapp.get(page_url(proposal))
    assert len(page.html.select(".workflow-history .timeline li")) == 3
    assert [li["class"][-1] for li in page.html.select(".consultation-path > li")] == [
        "consultation-recommended", "consultation-decided", "consultation-noted"]


def test_a_rejecting_decision_rejects_and_the_notice_still_runs(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA"))
    as_user(testapp, world.lg_secretary)
    lg_step = step(dbsession, proposal, "LG-GI")
    fire(testapp, proposal, "reject", obj=lg_step, comment="", status=422)  # a reason is required
    mailer.outbox.clear()
    fire(testapp, proposal, "reject", obj=lg_step, comment="Nicht finanzierbar.")
    proposal = reload(dbsession, proposal)
    assert proposal.state == "rejected" and proposal.decided_at is not None
    assert step(dbsession, proposal, "LG-GI").result == "Nicht finanzierbar."
    assert step(dbsession, proposal, "IA").state == "open"
    assert sorted(mails(app, mailer)) == sorted([(world.author.email, DECIDED), (world.ia_secretary.email, OPENED)])
    as_user(testapp, world.ia_secretary)
    fire(testapp, proposal, "take_note", obj=step(dbsession, proposal, "IA"))
    assert reload(dbsession, proposal).state == "rejected"


def test_a_preliminary_rejection_passes_the_proposal_on(testapp, dbsession, world):
    """A working group advising against it does not end the proposal: the deciding body
    decides."""
    proposal = factories.proposal(world.author, world.ag, world.types["pact"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "reject", obj=step(dbsession, proposal, "AG-SA"), comment="Wir raten ab.")
    assert reload(dbsession, proposal).state == "in_consultation"
    assert states(dbsession, proposal) == [(1, "AG-SA", "preliminary", "rejected"), (1, "LG-PI", "decision", "open")]


def test_a_working_group_matter_is_decided_by_the_group(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "decide", obj=step(dbsession, proposal, "AG-SA"))
    proposal = reload(dbsession, proposal)
    assert proposal.state == "adopted" and proposal.decided_at is not None


def test_an_information_is_settled_by_the_notice(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["info"], resolution="", reasoning="")
    assert proposal.submission_problems() == []  # information needs no resolution nor reasoning
    submit_and_accept(testapp, world, proposal)
    assert states(dbsession, proposal) == [(1, "IA", "notice", "open")]
    ia_step = step(dbsession, proposal, "IA")
    as_user(testapp, world.ia_secretary)
    # a notice step can only take note (or refer back), never decide
    assert triggers_on_page(testapp.get(page_url(proposal)), ia_step) == {"take_note", "refer_back"}
    mailer.outbox.clear()
    fire(testapp, proposal, "take_note", obj=ia_step)
    proposal = reload(dbsession, proposal)
    assert proposal.state == "settled" and proposal.decided_at is not None
    assert mails(app, mailer) == [(world.author.email, DECIDED)]


def test_referring_back_cancels_the_rest_and_a_new_round_starts(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA"))
    reference = reload(dbsession, proposal).reference
    mailer.outbox.clear()

    as_user(testapp, world.lg_secretary)
    lg_step = step(dbsession, proposal, "LG-GI")
    fire(testapp, proposal, "refer_back", obj=lg_step, comment="", status=422)
    fire(testapp, proposal, "refer_back", obj=lg_step, comment="Bitte mit dem Jobcenter abstimmen.")
    proposal = reload(dbsession, proposal)
    assert (proposal.state, proposal.reference) == ("draft", reference)
    # the next round's steps are there at once, waiting, so the path can be adjusted first
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "recommended"), (1, "LG-GI", "decision", "referred_back"),
        (1, "IA", "notice", "cancelled"),
        (2, "AG-SA", "preliminary", "waiting"), (2, "LG-GI", "decision", "waiting"), (2, "IA", "notice", "waiting")]
    assert mails(app, mailer) == [(world.author.email, REFERRED)]
    assert "Bitte mit dem Jobcenter abstimmen." in mailer.outbox[0].body
    assert history(dbsession, proposal)[-1] == ("refer_back", "in_consultation", "draft", None)

    # the author reworks and submits again; it is "returned" on the desk meanwhile
    as_user(testapp, world.author)
    desk = testapp.get("/schreibtisch")
    assert desk.html.find(id="desk-returned").find_parent("section").find("a", href=page_url(proposal))
    form = testapp.get(page_url(proposal) + "/bearbeiten").forms["proposal"]
    form["reasoning"] = "Mit dem Jobcenter abgestimmt."
    form.submit("save", status=302)
    fire(testapp, proposal, "submit")
    assert reload(dbsession, proposal).reference == reference
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept")
    # round 2: the same bodies and roles, the first one open
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "recommended"), (1, "LG-GI", "decision", "referred_back"),
        (1, "IA", "notice", "cancelled"),
        (2, "AG-SA", "preliminary", "open"), (2, "LG-GI", "decision", "waiting"), (2, "IA", "notice", "waiting")]
    page = testapp.get(page_url(proposal))
    assert len(page.html.select(".consultation-path")) == 2  # both rounds shown
    # round 2 runs to the end
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA", 2))
    as_user(testapp, world.lg_secretary)
    fire(testapp, proposal, "decide", obj=step(dbsession, proposal, "LG-GI", 2))
    assert reload(dbsession, proposal).state == "adopted"
    assert [s[3] for s in states(dbsession, proposal) if s[0] == 2] == ["recommended", "decided", "open"]


def test_withdrawing_cancels_open_and_waiting_steps(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA"))
    as_user(testapp, world.author)
    fire(testapp, proposal, "withdraw", comment="", status=422)
    fire(testapp, proposal, "withdraw", comment="Hat sich erledigt.")
    assert reload(dbsession, proposal).state == "withdrawn"
    assert [s[3] for s in states(dbsession, proposal)] == ["recommended", "cancelled", "cancelled"]
    # nothing can be recorded any more
    as_user(testapp, world.lg_secretary)
    page = testapp.get(page_url(proposal))
    assert triggers_on_page(page, step(dbsession, proposal, "LG-GI")) == set()


def test_withdrawing_a_draft_cancels_its_waiting_path(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["pact"])
    as_user(testapp, world.author)
    fire(testapp, proposal, "withdraw", comment="Doppelt angelegt.")
    assert reload(dbsession, proposal).state == "withdrawn"
    assert [s[3] for s in states(dbsession, proposal)] == ["cancelled", "cancelled"]


# -- Notifications in the app ------------------------------------------------------------------------
def unread_badge(page):
    link = page.html.find("a", href="/benachrichtigungen")
    badge = link.find(class_="badge") if link else None
    return None if badge is None else int(badge.contents[0].strip())


def test_every_mail_is_also_a_notification_in_the_app(testapp, app, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA"))
    sent = [(m.recipients[0], m.subject) for m in mailer.outbox]
    stored = [(n.user_id, n.subject, n.link) for n in dbsession.scalars(select(Notification).order_by(Notification.id))]
    emails = {u.id: u.email for u in world.people.values()}
    assert [(emails[uid], subject) for uid, subject, _link in stored] == sent
    assert {link for *_rest, link in stored} == {f"http://localhost/vorlagen/{proposal.id}"}

    # the AG's secretary: "to check" and "ready for the agenda", unread, linked to the page
    as_user(testapp, world.ag_secretary)
    desk = testapp.get("/schreibtisch")
    assert unread_badge(desk) == 2
    page = testapp.get("/benachrichtigungen")
    items = page.html.select(".notifications li")
    assert len(items) == 2 and len(page.html.select(".notifications li.unread")) == 2
    assert {li.find("a")["href"] for li in items} == {f"http://localhost/vorlagen/{proposal.id}"}
    # marking all read needs the CSRF token
    testapp.post("/benachrichtigungen", {}, status=400)
    assert unread_badge(testapp.get("/schreibtisch")) == 2
    mark_read = next(f for f in page.forms.values() if f.action in ("", "/benachrichtigungen"))
    response = mark_read.submit(status=302)
    page = response.follow()
    assert page.html.select(".notifications li.unread") == []
    assert unread_badge(page) is None
    # the LG's secretary has their own notification, unread still
    as_user(testapp, world.lg_secretary)
    assert unread_badge(testapp.get("/schreibtisch")) == 1
    # the author has none yet; a stranger none at all
    as_user(testapp, world.author)
    assert testapp.get("/benachrichtigungen").html.select(".notifications li") == []


def test_mails_are_sent_only_after_commit(testapp, app, dbsession, world, mailer):
    """A transition that fails half-way sends nothing and stores no notification."""
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    as_user(testapp, world.author)
    page = testapp.get(page_url(proposal))
    fire(testapp, proposal, "submit")
    # the same (now stale) form again: conflict, no second mail
    mailer.outbox.clear()
    form = next(f for f in page.forms.values() if f.action.endswith("/submit"))
    form.submit(status=409)
    assert mailer.outbox == []
    assert len(dbsession.scalars(select(Notification)).all()) == 1


def test_each_recipient_is_written_to_in_their_own_language(testapp, app, dbsession, world, mailer):
    world.coauthor.locale = "en"
    dbsession.flush()
    proposal = factories.proposal(world.author, world.ag, world.types["wg"], co_author_ids={world.coauthor.id})
    submit_and_accept(testapp, world, proposal)
    mailer.outbox.clear()
    fire(testapp, proposal, "decide", obj=step(dbsession, proposal, "AG-SA"))
    subjects = {m.recipients[0]: m.subject for m in mailer.outbox}
    assert subjects == {world.author.email: german(app, DECIDED),
                        world.coauthor.email: german(app, DECIDED, locale="en")}
    assert subjects[world.author.email] != subjects[world.coauthor.email]
    # the in-app notification says what the mail said
    notification = dbsession.scalar(select(Notification).where(Notification.user_id == world.coauthor.id))
    assert notification.subject == subjects[world.coauthor.email]
