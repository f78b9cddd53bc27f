"""The meeting PDFs: what the invitation and the minutes say, in German, and that the
renderer fetches nothing it should not."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from pyramid import testing
from pyramid.authorization import Authenticated, Everyone

from sw_gremien.bodies.models import BodyKind, MembershipRole
from sw_gremien.documents.localized import localized
from sw_gremien.documents.pdf import (
    STATIC_DIR,
    StaticOnlyFetcher,
    css_string,
    html_to_pdf,
)
from sw_gremien.i18n import _
from sw_gremien.meetings import documents, services
from sw_gremien.meetings.models import Attendance, ItemKind
from tests.factories import BodyFactory, MembershipFactory, UserFactory

# Thursday, 12 November 2026, 17:00 in Stuttgart.
STARTS = dt.datetime(2026, 11, 12, 16, 0, tzinfo=dt.UTC)


def make_request(app, dbsession, locale="de"):
    request = testing.DummyRequest()
    request.registry = app.registry
    request.dbsession = dbsession
    request.user = None
    request.principals = [Everyone, Authenticated]
    request.workflows = app.registry["workflows"]
    request.locale_name = locale
    return request


def translated(app, message, mapping=None, locale="de") -> str:
    """The message as the German documents say it (whatever the catalogue says today)."""
    from tests.functional.proposals.support import german

    return german(app, _(message) if isinstance(message, str) else message, mapping, locale)


def pdf_text(data: bytes) -> str:
    """The text of all pages, with any run of white space (line breaks too) as one space."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def ia_meeting(dbsession):
    """A public meeting of the Internationaler Ausschuss with public and non-public items."""
    ia = BodyFactory(short_name="IA", name="Internationaler Ausschuss", kind=BodyKind.ADVISORY_COMMITTEE,
                     has_public_part=True)
    meeting = services.plan_meeting(dbsession, ia, starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=2),
                                    location="Rathaus, Großer Sitzungssaal", note="Bitte **Ausweis** mitbringen.")
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht der Geschäftsstelle",
                           public=True)
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="Personalangelegenheiten")
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Sprachcafés in Feuerbach",
                           public=True, description="Ein Bericht über *drei* Treffpunkte.")
    return meeting


def test_the_full_invitation_has_both_parts_in_german(app, dbsession, ia_meeting):
    text = pdf_text(documents.agenda_pdf(make_request(app, dbsession), ia_meeting, "de", full=True))
    assert "Donnerstag, 12. November 2026" in text
    assert "Rathaus, Großer Sitzungssaal" in text
    assert "17:00" in text and "19:00" in text
    assert "Internationaler Ausschuss" in text
    assert translated(app, services.meeting_title(ia_meeting)) in text
    assert translated(app, "Public part") in text and translated(app, "Non-public part") in text
    assert "Personalangelegenheiten" in text and "Bericht der Geschäftsstelle" in text
    assert "Ausweis" in text  # the note to the members


def test_the_public_invitation_leaves_out_the_non_public_part(app, dbsession, ia_meeting):
    text = pdf_text(documents.agenda_pdf(make_request(app, dbsession), ia_meeting, "de", full=False))
    assert "Bericht der Geschäftsstelle" in text and "Sprachcafés in Feuerbach" in text
    assert "Personalangelegenheiten" not in text
    assert translated(app, "Non-public part") not in text
    assert "Ausweis" not in text
    numbers = {item.title: item.number for item in ia_meeting.items}
    assert numbers == {"Bericht der Geschäftsstelle": "1", "Sprachcafés in Feuerbach": "2",
                       "Personalangelegenheiten": "3"}
    for title in ("Bericht der Geschäftsstelle", "Sprachcafés in Feuerbach"):
        assert translated(app, "Item %(number)s") % {"number": numbers[title]} in text


def test_withdrawn_and_late_items_are_marked(app, dbsession, ia_meeting):
    ia_meeting.state = "convened"
    ia_meeting.convened_at = STARTS - dt.timedelta(days=10)
    ia_meeting.items[0].withdrawn = True
    late = services.add_free_item(dbsession, ia_meeting, kind=ItemKind.OTHER, title="Eilantrag Winterhilfe",
                                  public=True)
    assert late.late and "." in late.number
    text = pdf_text(documents.agenda_pdf(make_request(app, dbsession), ia_meeting, "de", full=True))
    assert translated(app, "withdrawn from the agenda") in text
    assert translated(app, "supplement") in text and "Eilantrag Winterhilfe" in text
    assert translated(app, "Invitation and agenda") in text


def test_the_pdf_carries_title_language_and_tags(app, dbsession, ia_meeting):
    data = documents.agenda_pdf(make_request(app, dbsession), ia_meeting, "de", full=True)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "Internationaler Ausschuss" in reader.metadata.title or "IA" in reader.metadata.title
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "de"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4


def test_the_invitation_in_english(app, dbsession, ia_meeting):
    request = make_request(app, dbsession)
    text = pdf_text(documents.agenda_pdf(request, ia_meeting, "en", full=True))
    assert "Thursday, November 12, 2026" in text and "Public part" in text
    assert request.locale_name == "de"  # switched back afterwards


@pytest.fixture
def held_meeting(dbsession, ia_meeting):
    ia = ia_meeting.body
    chair = MembershipFactory(body=ia, role=MembershipRole.CHAIR, user=UserFactory(display_name="Clara Vorsitz"))
    secretary = MembershipFactory(body=ia, role=MembershipRole.SECRETARY,
                                  user=UserFactory(display_name="Sören Schrift"))
    member = MembershipFactory(body=ia, user=UserFactory(display_name="Mehmet Mitglied"))
    absent = MembershipFactory(body=ia, user=UserFactory(display_name="Anna Abwesend"))
    ia_meeting.state = "held"
    ia_meeting.convened_at = STARTS - dt.timedelta(days=10)
    for membership, status, represented_by in ((chair, "present", ""), (secretary, "present", ""),
                                               (member, "represented", "Rita Vertretung"),
                                               (absent, "excused", "")):
        ia_meeting.attendance.append(Attendance(user=membership.user, user_id=membership.user_id,
                                                membership_role=membership.role, voting=True, status=status,
                                                represented_by=represented_by))
    report, internal, cafes = ia_meeting.items
    services.record_result(report, minutes="Die Geschäftsstelle berichtet über **42** Anträge.", resolution="",
                           outcome="noted", votes_yes=None, votes_no=None, votes_abstain=None, unanimous=False)
    services.record_result(internal, minutes="Vertraulich besprochen.", resolution="Die Stelle wird besetzt.",
                           outcome="decided", votes_yes=3, votes_no=1, votes_abstain=0, unanimous=False)
    services.record_result(cafes, minutes="", resolution="Der Ausschuss <b>begrüßt</b> die Sprachcafés.",
                           outcome="decided", votes_yes=None, votes_no=None, votes_abstain=None, unanimous=True)
    dbsession.flush()
    return ia_meeting


def test_the_minutes_say_who_was_there_and_what_was_resolved(app, dbsession, held_meeting):
    text = pdf_text(documents.minutes_pdf(make_request(app, dbsession), held_meeting, "de"))
    assert "Donnerstag, 12. November 2026" in text and "Rathaus, Großer Sitzungssaal" in text
    for name in ("Clara Vorsitz", "Sören Schrift", "Mehmet Mitglied", "Anna Abwesend", "Rita Vertretung"):
        assert name in text
    assert translated(app, "represented") in text and translated(app, "excused") in text
    quorum = translated(app, "The body had a quorum: %(present)s of %(voting)s voting members present or "
                             "represented.") % {"present": "3", "voting": "4"}
    assert quorum in text
    assert "42 Anträge" in text and "Die Stelle wird besetzt." in text
    assert "<b>" in text  # Markdown without raw HTML: a tag the user typed stays text
    assert translated(app, "${yes} yes, ${no} no, ${abstain} abstentions", {"yes": 3, "no": 1, "abstain": 0}) in text
    assert translated(app, "unanimous") in text and translated(app, "decided") in text
    assert translated(app, "Draft: the minutes are still being written.") in text
    assert translated(app, "Page ${page} of ${pages}", {"page": "1", "pages": "2"}) in text
    # signatures with the names of those who chaired and wrote
    assert f"{translated(app, 'Chair')}: Clara Vorsitz" in text
    assert f"{translated(app, 'Secretary')}: Sören Schrift" in text


def test_approved_and_corrected_minutes_say_so(app, dbsession, held_meeting):
    admin = UserFactory(display_name="Gerda Geschäftsstelle")
    held_meeting.state = "minutes_approved"
    held_meeting.closed_at = STARTS + dt.timedelta(days=1)
    held_meeting.minutes_approved_at = STARTS + dt.timedelta(days=30)
    item = held_meeting.items[0]
    assert services.correct_minutes(dbsession, held_meeting, item, minutes="Es waren 43 Anträge.",
                                    resolution="", reason="Zählfehler", user=admin)
    text = pdf_text(documents.minutes_pdf(make_request(app, dbsession), held_meeting, "de"))
    assert translated(app, "Approved on %(date)s.") % {"date": "12.12.2026"} in text
    assert translated(app, "Version %(version)s, corrected.") % {"version": 2} in text
    assert "Zählfehler" in text and "43 Anträge" in text and "Gerda Geschäftsstelle" in text
    assert translated(app, "Draft: the minutes are still being written.") not in text


def test_no_minutes_before_the_meeting_is_held(app, dbsession, ia_meeting):
    assert documents.minutes_stage(ia_meeting) is None
    with pytest.raises(ValueError):
        documents.minutes_pdf(make_request(app, dbsession), ia_meeting, "de")
    ia_meeting.state = "closed"
    assert documents.minutes_stage(ia_meeting) == "circulated"


def test_the_renderer_fetches_only_our_static_files(tmp_path):
    fetcher = StaticOnlyFetcher()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    for url in ("http://example.org/x.css", "https://127.0.0.1/", secret.as_uri(), "file:///etc/passwd",
                "data:text/css,body{}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)

    assert fetcher.fetch((STATIC_DIR / "css" / "pdf.css").as_uri()).read().startswith(b"/*")
    # A remote image in the HTML is simply left out, never fetched.
    assert html_to_pdf('<html lang="de"><title>t</title><img src="http://192.0.2.1/x.png" alt="x"><p>ok</p></html>')


def test_css_strings_cannot_break_out_of_the_style_element():
    value = css_string('A "quoted" </style><script>\\')
    assert value.startswith('"') and value.endswith('"')
    assert "</style>" not in value and '"quoted"' not in value and "<" not in value


def test_localized_restores_the_language(app, dbsession):
    request = make_request(app, dbsession)
    with localized(request, "en"):
        assert request.locale_name == "en"
        assert request.localizer.translate(_("Chair")) == "Chair"
    assert request.locale_name == "de"
    assert request.localizer.translate(_("Chair")) == translated(app, "Chair")
