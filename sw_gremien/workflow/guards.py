"""Guards: named conditions a transition needs besides the role.

A guard takes the object and the request and returns the reasons why the transition may not
fire now — an empty list when it may. The reasons are shown to the user, so they are German
(and English) sentences, not codes. Workflow files name guards; a name missing here stops the
start of the application.

The guards ask the objects (proposal, meeting, fund application) through small methods, so
the rule itself lives with the object it is about.
"""

from __future__ import annotations

from collections.abc import Callable

from sw_gremien.i18n import _

Guard = Callable[[object, object], list]
GUARDS: dict[str, Guard] = {}
# Guards that decide whether a transition applies to the object at all (a "decide" on a step
# that only takes note): when they fail, the step is not offered rather than shown as
# "not possible yet", since it never will be.
APPLICABILITY_GUARDS: set[str] = set()


def guard(name: str, applicability: bool = False):
    def register(function: Guard) -> Guard:
        if name in GUARDS:
            raise ValueError(f"guard {name!r} registered twice")
        GUARDS[name] = function
        if applicability:
            APPLICABILITY_GUARDS.add(name)
        return function

    return register


def is_known(name: str) -> bool:
    return name in GUARDS


# -- Proposals and consultations ---------------------------------------------------------------
@guard("proposal_complete")
def proposal_complete(obj, request) -> list:
    """A proposal is submitted only with everything a body needs to deliberate on it."""
    return list(obj.submission_problems())


@guard("consultation_path_valid")
def consultation_path_valid(obj, request) -> list:
    return list(obj.consultation_path_problems())


def _consultation_role_is(*roles):
    def check(obj, request) -> list:
        if obj.role in roles:
            return []
        return [_("This outcome does not fit the role of this body in the consultation path.")]

    return check


guard("role_is_preliminary", applicability=True)(_consultation_role_is("preliminary"))
guard("role_is_decision", applicability=True)(_consultation_role_is("decision"))
guard("role_is_notice", applicability=True)(_consultation_role_is("notice"))
guard("role_is_deliberative", applicability=True)(_consultation_role_is("preliminary", "decision"))


@guard("proposal_undecided", applicability=True)
def proposal_undecided(obj, request) -> list:
    """Referring back makes sense only while the proposal is still being decided."""
    if obj.proposal_undecided():
        return []
    return [_("The proposal has been decided already.")]


# -- Meetings -----------------------------------------------------------------------------------
@guard("agenda_not_empty")
def agenda_not_empty(obj, request) -> list:
    if obj.has_agenda():
        return []
    return [_("The agenda is empty: add at least one item before convening the meeting.")]


@guard("notice_period_kept")
def notice_period_kept(obj, request) -> list:
    return list(obj.notice_period_problems(request))


@guard("results_complete")
def results_complete(obj, request) -> list:
    return list(obj.missing_results(request))


# -- Fund applications --------------------------------------------------------------------------
@guard("application_complete")
def application_complete(obj, request) -> list:
    return list(obj.submission_problems())


@guard("financing_balanced")
def financing_balanced(obj, request) -> list:
    if obj.financing_balanced():
        return []
    return [_("Cost plan and financing plan do not balance.")]


@guard("small_grant")
def small_grant(obj, request) -> list:
    if obj.qualifies_as_small_grant(request):
        return []
    return [_("The requested amount exceeds the limit up to which the office decides on small grants.")]


@guard("fund_has_free_balance")
def fund_has_free_balance(obj, request) -> list:
    return list(obj.fund_balance_problems(request))


@guard("early_start_pending", applicability=True)
def early_start_pending(obj, request) -> list:
    """Offered only where the initiative asked for an early start not approved yet."""
    return list(obj.early_start_problems())


@guard("proof_overdue")
def proof_overdue(obj, request) -> list:
    return list(obj.proof_overdue_problems(getattr(request, "locale_name", "de")))


@guard("repayment_due")
def repayment_due(obj, request) -> list:
    if obj.repayment_amount() > 0:
        return []
    return [_("According to the proof of use nothing has to be repaid.")]


@guard("no_repayment_due")
def no_repayment_due(obj, request) -> list:
    if obj.repayment_amount() == 0:
        return []
    return [_("According to the proof of use money has to be repaid: claim the repayment first.")]
