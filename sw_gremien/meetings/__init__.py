"""Meetings (Sitzungen): planning, agendas, invitations, attendance, results and minutes."""


def includeme(config):
    from sw_gremien.meetings.models import Meeting
    from sw_gremien.meetings.services import on_transition
    from sw_gremien.workflow.engine import ObjectTransitioned

    config.register_workflow_type(Meeting)
    config.add_subscriber(on_transition, ObjectTransitioned)
