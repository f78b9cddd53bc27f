"""Every URL of the application in one place. Route factories load the context object, so a
missing one is a 404 before any view runs, and the view declares only its permission."""

from sw_gremien.accounts.resources import UserResource
from sw_gremien.bodies.resources import BodyResource, MembershipResource, body_list_factory
from sw_gremien.funding.resources import FundApplicationResource, GrantListResource, OrganisationResource
from sw_gremien.meetings.resources import AgendaItemResource, MeetingResource
from sw_gremien.proposals.resources import ProposalResource, ProposalTypeResource
from sw_gremien.workflow.resources import WorkflowDefinitionResource, WorkflowObjectResource


def includeme(config):
    config.add_static_view("static", "sw_gremien:static/", cache_max_age=3600, permission="public")
    config.add_static_view("deform_static", "deform:static/", cache_max_age=3600, permission="public")

    config.add_route("home", "/")
    config.add_route("set_language", "/sprache/{locale}")

    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("password_forgotten", "/passwort-vergessen")
    config.add_route("password_set", "/passwort-setzen/{token}")
    config.add_route("account", "/konto")

    config.add_route("admin_users", "/verwaltung/benutzer")
    config.add_route("admin_user_add", "/verwaltung/benutzer/neu")
    config.add_route("admin_user_edit", "/verwaltung/benutzer/{user_id:\\d+}", factory=UserResource)
    config.add_route(
        "admin_user_invite", "/verwaltung/benutzer/{user_id:\\d+}/einladen", factory=UserResource
    )

    config.add_route("bodies", "/gremien", factory=body_list_factory)
    config.add_route("body_add", "/gremien/neu", factory=body_list_factory)
    config.add_route("body", "/gremien/{slug}", factory=BodyResource)
    config.add_route("body_edit", "/gremien/{slug}/bearbeiten", factory=BodyResource)
    config.add_route("membership_add", "/gremien/{slug}/mitglieder/neu", factory=BodyResource)
    config.add_route(
        "membership_edit",
        "/gremien/{slug}/mitglieder/{membership_id:\\d+}/bearbeiten",
        factory=MembershipResource,
    )

    config.add_route(
        "workflow_fire",
        "/ablauf/{object_type}/{object_id:\\d+}/{trigger}",
        factory=WorkflowObjectResource,
    )
    config.add_route("workflows", "/verwaltung/ablaeufe")
    config.add_route("workflow", "/verwaltung/ablaeufe/{name}", factory=WorkflowDefinitionResource)

    config.add_route("desk", "/schreibtisch")
    config.add_route("notifications", "/benachrichtigungen")
    config.add_route("proposals", "/vorlagen")
    config.add_route("proposal_add", "/vorlagen/neu")
    config.add_route("proposal", "/vorlagen/{proposal_id:\\d+}", factory=ProposalResource)
    config.add_route("proposal_edit", "/vorlagen/{proposal_id:\\d+}/bearbeiten", factory=ProposalResource)
    config.add_route("proposal_path", "/vorlagen/{proposal_id:\\d+}/beratungsfolge", factory=ProposalResource)
    config.add_route("proposal_print", "/vorlagen/{proposal_id:\\d+}/druck", factory=ProposalResource)
    config.add_route("proposal_attachments", "/vorlagen/{proposal_id:\\d+}/anlagen", factory=ProposalResource)
    config.add_route("proposal_attachment", "/vorlagen/{proposal_id:\\d+}/anlagen/{attachment_id:\\d+}",
                     factory=ProposalResource)
    config.add_route("proposal_attachment_delete",
                     "/vorlagen/{proposal_id:\\d+}/anlagen/{attachment_id:\\d+}/entfernen",
                     factory=ProposalResource)
    config.add_route("proposal_types", "/verwaltung/vorlagenarten")
    config.add_route("proposal_type_add", "/verwaltung/vorlagenarten/neu")
    config.add_route("proposal_type_edit", "/verwaltung/vorlagenarten/{type_id:\\d+}", factory=ProposalTypeResource)

    config.add_route("meetings", "/sitzungen")
    config.add_route("meeting_add", "/gremien/{slug}/sitzungen/neu", factory=BodyResource)
    config.add_route("meeting_series", "/gremien/{slug}/sitzungen/reihe", factory=BodyResource)
    config.add_route("body_calendar", "/gremien/{slug}/kalender.ics", factory=BodyResource)
    meeting = "/sitzungen/{meeting_id:\\d+}"
    config.add_route("meeting", meeting, factory=MeetingResource)
    config.add_route("meeting_edit", meeting + "/bearbeiten", factory=MeetingResource)
    config.add_route("meeting_agenda", meeting + "/tagesordnung", factory=MeetingResource)
    config.add_route("meeting_item_add", meeting + "/tagesordnung/neu", factory=MeetingResource)
    config.add_route("meeting_agenda_order", meeting + "/tagesordnung/reihenfolge", factory=MeetingResource)
    item = meeting + "/top/{item_id:\\d+}"
    config.add_route("meeting_item", item, factory=AgendaItemResource)
    config.add_route("meeting_item_move", item + "/verschieben", factory=AgendaItemResource)
    config.add_route("meeting_item_remove", item + "/entfernen", factory=AgendaItemResource)
    config.add_route("meeting_item_correct", item + "/berichtigen", factory=AgendaItemResource)
    config.add_route("meeting_attendance", meeting + "/anwesenheit", factory=MeetingResource)
    config.add_route("meeting_minutes", meeting + "/protokoll", factory=MeetingResource)
    config.add_route("meeting_minutes_pdf", meeting + "/protokoll.pdf", factory=MeetingResource)
    config.add_route("meeting_agenda_pdf", meeting + "/einladung.pdf", factory=MeetingResource)
    config.add_route("meeting_ics", meeting + "/termin.ics", factory=MeetingResource)
    config.add_route("user_calendar", "/kalender/{token}.ics")

    # The Integrations-Fonds.
    config.add_route("funding_register", "/foerderung/registrieren")
    config.add_route("funding_register_confirm", "/foerderung/registrieren/{token}")
    config.add_route("applications", "/foerderung")
    config.add_route("application_add", "/foerderung/antraege/neu")
    application = "/foerderung/antraege/{application_id:\\d+}"
    config.add_route("application", application, factory=FundApplicationResource)
    config.add_route("application_edit", application + "/bearbeiten", factory=FundApplicationResource)
    config.add_route("application_proof", application + "/verwendungsnachweis", factory=FundApplicationResource)
    config.add_route("application_deadline", application + "/frist", factory=FundApplicationResource)
    config.add_route("application_receipt", application + "/belege/{attachment_id:\\d+}",
                     factory=FundApplicationResource)
    config.add_route("application_pdf", application + "/antrag.pdf", factory=FundApplicationResource)
    config.add_route("application_notice_pdf", application + "/bescheid.pdf", factory=FundApplicationResource)
    organisation = "/foerderung/organisationen/{organisation_id:\\d+}"
    config.add_route("organisation", organisation, factory=OrganisationResource)
    config.add_route("organisation_contacts", organisation + "/ansprechpersonen", factory=OrganisationResource)
    config.add_route("organisation_contact_remove", organisation + "/ansprechpersonen/{user_id:\\d+}/entfernen",
                     factory=OrganisationResource)
    config.add_route("fund_overview", "/verwaltung/fonds")
    config.add_route("fund_ledger_csv", "/verwaltung/fonds/buchungen.csv")
    config.add_route("fund_year_add", "/verwaltung/fonds/haushaltsjahr")
    config.add_route("grant_list_add", "/verwaltung/fonds/foerderliste")
    config.add_route("grant_list_edit", "/verwaltung/fonds/foerderliste/{proposal_id:\\d+}", factory=GrantListResource)
    config.add_route("transparency", "/gefoerderte-projekte")
    config.add_route("my_data", "/konto/meine-daten.json")
    config.add_route("calendar_settings", "/konto/kalender")
