"""Grant lists (Förderlisten): the office bundles applications into a proposal of the type
"Förderliste", which runs through the ordinary consultation path (AG Förderung, then the
deciding steering group) and its meetings. The proposal's decision grants every entry not
marked for rejection, with its amount and conditions, or rejects them all; both as "system"
transitions of the applications, in the same transaction as the decision."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.bodies.models import Body
from sw_gremien.districts import DISTRICTS
from sw_gremien.funding.models import FundApplication, GrantListEntry
from sw_gremien.i18n import format_money, today
from sw_gremien.proposals.models import Proposal, ProposalType
from sw_gremien.security import ADMIN_PRINCIPAL, body_principal
from sw_gremien.workflow import engine

from sw_gremien.demo import GRANT_LIST_TYPE  # noqa: E402  (one name for the type)
GRANT_LIST_BODY = "AG-FÖ"


# Until the decision the amounts and conditions may change.
EDITABLE_STATES = ("draft", "submitted", "in_consultation")
# The steps whose body is deliberating on the list now (in writing or in a meeting).
DELIBERATING_STEPS = ("open", "scheduled")


def is_grant_list(proposal: Proposal) -> bool:
    return proposal.proposal_type.name == GRANT_LIST_TYPE


def editable(proposal: Proposal) -> bool:
    return proposal.state in EDITABLE_STATES


def editor_principals(proposal: Proposal) -> list[str]:
    """Who keeps a list's amounts and conditions: the office always (after the decision it
    reads the list), and while the list is undecided the secretaries of the body deliberating
    on it, who enter what AG Förderung recommends or the steering group decides."""
    principals = [ADMIN_PRINCIPAL]
    if editable(proposal):
        principals += [body_principal(c.body_id, "secretary") for c in proposal.consultations
                       if c.state in DELIBERATING_STEPS]
    return principals


class GrantListUnavailable(Exception):
    """The proposal type or the working group of grant lists is missing (seed-structure)."""


def entries_of(dbsession, proposal_id: int) -> list[GrantListEntry]:
    return list(dbsession.scalars(
        select(GrantListEntry).where(GrantListEntry.proposal_id == proposal_id)
        .options(selectinload(GrantListEntry.application).selectinload(FundApplication.organisation))
        .order_by(GrantListEntry.position)
    ))


def _subject(entries: list[GrantListEntry]) -> str:
    lines = ["| Nr. | Antrag | Initiative | Bezirke | beantragt | empfohlen |", "|---|---|---|---|---|---|"]
    for entry in entries:
        application = entry.application
        districts = ", ".join(DISTRICTS.get(d, d) for d in application.districts)
        lines.append(
            f"| {entry.position} | {application.reference}: {application.title} | {application.organisation.name} | "
            f"{districts} | {format_money(application.requested_amount, 'de')} | {format_money(entry.amount, 'de')} |"
        )
    return "\n".join(lines)


def create_grant_list(request, applications: list[FundApplication], amounts: dict[int, object]) -> Proposal:
    """A draft grant list written by the office, the applications moved to "in committee"."""
    from sw_gremien.proposals.services import create_proposal

    dbsession = request.dbsession
    proposal_type = dbsession.scalar(select(ProposalType).where(ProposalType.name == GRANT_LIST_TYPE))
    body = dbsession.scalar(select(Body).where(Body.short_name == GRANT_LIST_BODY))
    if proposal_type is None or body is None:
        raise GrantListUnavailable()
    entries = [
        GrantListEntry(position=position, application=application, application_id=application.id,
                       amount=amounts.get(application.id, application.requested_amount))
        for position, application in enumerate(applications, start=1)
    ]
    total = sum((e.amount for e in entries), start=0)
    proposal = create_proposal(
        dbsession, author=request.user, origin_body=body, proposal_type=proposal_type,
        title=f"Förderliste {today().year}: {len(entries)} Anträge an den Integrations-Fonds",
        subject=_subject(entries),
        resolution=f"Die Anträge werden wie in der Liste empfohlen bewilligt (zusammen {format_money(total, 'de')}).",
        reasoning="Die Anträge sind von der Geschäftsstelle formal geprüft; der freie Betrag des Fonds reicht aus.",
        districts=sorted({d for a in applications for d in a.districts}),
    )
    for entry in entries:
        entry.proposal_id = proposal.id
        dbsession.add(entry)
        entry.application.recommended_amount = entry.amount
        engine.fire(entry.application, "refer_to_committee", request)
    dbsession.flush()
    return proposal


def on_transition(event) -> None:
    """The decision on a grant list decides its applications."""
    if not isinstance(event.object, Proposal) or event.transition.trigger not in ("adopt", "reject"):
        return
    request = event.request
    for entry in entries_of(request.dbsession, event.object.id):
        application = entry.application
        if application.state != "in_committee":
            continue  # withdrawn by the initiative meanwhile
        if event.transition.trigger == "adopt" and not entry.reject:
            application.granted_amount = entry.amount
            application.conditions = entry.conditions
            engine.fire(application, "grant", request, as_system=True)
        else:
            engine.fire(application, "reject", request, as_system=True)
