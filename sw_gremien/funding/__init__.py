"""The Integrations-Fonds: budgets and ledger, organisations, applications, proof of use."""


def includeme(config):
    from sw_gremien.funding import grant_list
    from sw_gremien.funding.models import FundApplication
    from sw_gremien.funding.services import on_transition
    from sw_gremien.workflow.engine import ObjectTransitioned

    config.register_workflow_type(FundApplication)
    config.add_subscriber(on_transition, ObjectTransitioned)
    config.add_subscriber(grant_list.on_transition, ObjectTransitioned)
