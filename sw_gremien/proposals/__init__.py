"""Proposals (Vorlagen) and their consultation path."""


def includeme(config):
    from sw_gremien.proposals.models import Consultation, Proposal
    from sw_gremien.proposals.services import on_transition
    from sw_gremien.workflow.engine import ObjectTransitioned

    config.register_workflow_type(Proposal)
    config.register_workflow_type(Consultation)
    config.add_subscriber(on_transition, ObjectTransitioned)
