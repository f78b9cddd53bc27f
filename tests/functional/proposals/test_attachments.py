"""Attachments: real files are stored outside the web root and served as downloads; disguised,
oversize and foreign files are refused with a message at the field; nothing is left behind."""

import gc
import warnings
from pathlib import Path

import pytest
import webtest
from sqlalchemy import func, select

from sw_gremien.documents.models import Attachment
from tests import factories
from tests.functional.proposals import files
from tests.functional.proposals.support import as_user, fire, page_url, reload


@pytest.fixture
def upload_dir(app) -> Path:
    directory = Path(app.registry.settings["sw_gremien.upload_dir"])
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# WebOb copies a request body over 10 KB into a temporary file that nobody closes
# (webob.request.BaseRequest.copy_body): tests that post large bodies ignore that warning and
# collect the files before they end, so no later test trips over them.
LARGE_BODIES = pytest.mark.filterwarnings("ignore::ResourceWarning",
                                          "ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def large_request_bodies():
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def draft(world):
    return factories.proposal(world.author, world.ag, world.types["wg"])


def stored_files(upload_dir) -> set[str]:
    return {p.name for p in upload_dir.iterdir()}


def attachment_count(dbsession) -> int:
    return dbsession.scalar(select(func.count(Attachment.id)))


def upload_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/anlagen"))


def upload(testapp, proposal, filename, content, content_type="application/octet-stream", status=302):
    form = upload_form(testapp.get(page_url(proposal)))
    form["file"] = webtest.Upload(filename, content, content_type)
    return form.submit(status=status)


def listed_attachments(testapp, proposal) -> dict[str, str]:
    section = testapp.get(page_url(proposal)).html.find(id="anlagen")
    return {a.text.strip(): a["href"] for a in section.select("li > a")}


def assert_refused_at_the_field(response):
    field = response.html.find("input", {"name": "file"})
    assert field.get("aria-invalid") == "true"
    error = response.html.find(id="attachment-error")
    assert error is not None and error.text.strip()
    assert "attachment-error" in field["aria-describedby"].split()
    return error.text.strip()


@pytest.mark.parametrize("filename, content, content_type", [
    ("Beschlussentwurf.pdf", files.pdf(), "application/pdf"),
    ("Foto vom Sprachcafé.png", files.png(), "image/png"),
    ("Kostenplan.docx", files.docx(),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("Tabelle.xlsx", files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Konzept.odt", files.odt(), "application/vnd.oasis.opendocument.text"),
    ("Bild.JPG", files.jpeg(), "image/jpeg"),
])
def test_a_real_file_is_attached_listed_and_downloadable(testapp, dbsession, world, draft, upload_dir,
                                                         filename, content, content_type):
    as_user(testapp, world.author)
    before = stored_files(upload_dir)
    response = upload(testapp, draft, filename, content, "application/x-whatever")  # the browser's claim counts for nothing
    assert response.location.endswith(page_url(draft) + "#anlagen")
    attachment = dbsession.scalar(select(Attachment))
    assert (attachment.owner_type, attachment.owner_id, attachment.filename) == ("proposals", draft.id, filename)
    assert attachment.content_type == content_type and attachment.size == len(content)
    assert attachment.uploaded_by_id == world.author.id
    # on disk under a random name in the configured directory, outside the package's static files
    assert stored_files(upload_dir) - before == {attachment.stored_name}
    assert filename not in attachment.stored_name and len(attachment.stored_name) == 32
    assert (upload_dir / attachment.stored_name).read_bytes() == content
    assert "static" not in upload_dir.parts
    testapp.get(f"/static/{attachment.stored_name}", status=404)

    links = listed_attachments(testapp, draft)
    assert list(links) == [filename]
    download = testapp.get(links[filename], status=200)
    assert download.body == content
    assert download.content_type == content_type
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_download_names_are_safe(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    upload(testapp, draft, '..\\..\\etc/Prüf"bericht <neu>.pdf', files.pdf())
    attachment = dbsession.scalar(select(Attachment))
    assert attachment.filename == "Prüfbericht neu.pdf"
    disposition = testapp.get(listed_attachments(testapp, draft)["Prüfbericht neu.pdf"]).headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"Pr_fbericht neu.pdf\"; filename*=UTF-8''Pr%C3%BCfbericht%20neu.pdf"


@pytest.mark.parametrize("filename, content", [
    ("Protokoll.pdf", files.HTML),      # a web page dressed as PDF
    ("Rechnung.pdf", files.EXE),        # a program dressed as PDF
    ("Foto.pdf", files.png()),          # a real image, but not what the name says
    ("Brief.docx", files.pdf()),
    ("Brief.docx", files.xlsx()),       # a spreadsheet is no letter
    ("Brief.docx", files.plain_zip()),  # any ZIP is no office document
    ("Bild.png", files.SVG),
    ("Bild.jpg", b"\xff\xd8"),          # too short to be anything
])
def test_a_disguised_file_is_refused_and_nothing_is_stored(testapp, dbsession, world, draft, upload_dir,
                                                           filename, content):
    as_user(testapp, world.author)
    before = stored_files(upload_dir)
    response = upload(testapp, draft, filename, content, "application/pdf", status=422)
    message = assert_refused_at_the_field(response)
    assert filename in message  # it says which file
    assert attachment_count(dbsession) == 0
    assert stored_files(upload_dir) == before
    # the rest of the page is still the proposal page
    assert response.html.find("h1").text.strip() == draft.title


@pytest.mark.parametrize("filename, content", [
    ("programm.exe", files.EXE), ("seite.html", files.HTML), ("bild.gif", files.GIF), ("bild.svg", files.SVG),
    ("ohne-endung", files.pdf()), ("archiv.zip", files.plain_zip()), ("Brief.pdf.exe", files.EXE),
])
def test_a_disallowed_kind_is_refused(testapp, dbsession, world, draft, upload_dir, filename, content):
    as_user(testapp, world.author)
    before = stored_files(upload_dir)
    assert_refused_at_the_field(upload(testapp, draft, filename, content, status=422))
    assert attachment_count(dbsession) == 0 and stored_files(upload_dir) == before


@LARGE_BODIES
def test_an_oversize_file_is_refused(testapp, app, dbsession, world, draft, upload_dir, monkeypatch,
                                    large_request_bodies):
    monkeypatch.setitem(app.registry.settings, "sw_gremien.upload_max_bytes", str(2 * 1024 * 1024))
    as_user(testapp, world.author)
    before = stored_files(upload_dir)
    big = files.pdf() + b"%" + b"x" * (2 * 1024 * 1024)
    message = assert_refused_at_the_field(upload(testapp, draft, "Riesig.pdf", big, status=422))
    assert "2" in message  # the limit is named
    assert attachment_count(dbsession) == 0 and stored_files(upload_dir) == before
    # just below the limit is fine
    upload(testapp, draft, "Gerade so.pdf", files.pdf() + b"x" * (2 * 1024 * 1024 - len(files.pdf())))
    assert attachment_count(dbsession) == 1


@LARGE_BODIES
def test_the_limit_below_one_megabyte_is_stated_sensibly(testapp, app, dbsession, world, draft, monkeypatch,
                                                         large_request_bodies):
    monkeypatch.setitem(app.registry.settings, "sw_gremien.upload_max_bytes", "512000")
    as_user(testapp, world.author)
    message = assert_refused_at_the_field(upload(testapp, draft, "Riesig.pdf", files.pdf() + b"x" * 600_000, status=422))
    assert " 0 MB" not in message and "0,5" in message  # 0.5 MB, not "0 MB"


def test_an_empty_file_and_no_file_are_refused(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    assert_refused_at_the_field(upload(testapp, draft, "Leer.pdf", b"", status=422))
    form = upload_form(testapp.get(page_url(draft)))
    assert_refused_at_the_field(form.submit(status=422))
    assert attachment_count(dbsession) == 0


def test_removing_an_attachment_needs_the_token_and_deletes_row_and_file(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    upload(testapp, draft, "Alt.pdf", files.pdf())
    attachment = dbsession.scalar(select(Attachment))
    path = upload_dir / attachment.stored_name
    delete_url = f"{page_url(draft)}/anlagen/{attachment.id}/entfernen"
    # a GET does nothing, a POST without the CSRF token is refused
    testapp.get(delete_url, status=404)
    testapp.post(delete_url, {}, status=400)
    assert path.exists() and attachment_count(dbsession) == 1
    page = testapp.get(page_url(draft))
    form = next(f for f in page.forms.values() if f.action == delete_url)
    response = form.submit(status=302)
    assert response.location.endswith("#anlagen")
    assert attachment_count(dbsession) == 0
    assert not path.exists()
    assert listed_attachments(testapp, draft) == {}


def test_who_may_attach_and_remove(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    upload(testapp, draft, "Anlage.pdf", files.pdf())
    attachment = dbsession.scalar(select(Attachment))
    fire(testapp, draft, "submit")
    # submitted: the author may no longer change it, the working group's secretary may
    assert not [f for f in testapp.get(page_url(draft)).forms.values() if "/anlagen" in f.action]
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post(f"{page_url(draft)}/anlagen", {"csrf_token": token},
                 upload_files=[("file", "Neu.pdf", files.pdf())], status=403)
    testapp.post(f"{page_url(draft)}/anlagen/{attachment.id}/entfernen", {"csrf_token": token}, status=403)
    as_user(testapp, world.ag_member)
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post(f"{page_url(draft)}/anlagen", {"csrf_token": token},
                 upload_files=[("file", "Neu.pdf", files.pdf())], status=403)
    as_user(testapp, world.ag_secretary)
    upload(testapp, draft, "Vom Sekretariat.pdf", files.pdf())
    assert attachment_count(dbsession) == 2
    assert reload(dbsession, draft).state == "submitted"


def test_an_attachment_belongs_to_its_proposal(testapp, dbsession, world, draft, upload_dir):
    other = factories.proposal(world.author, world.ag, world.types["wg"], title="Andere Vorlage")
    as_user(testapp, world.author)
    upload(testapp, draft, "Anlage.pdf", files.pdf())
    attachment = dbsession.scalar(select(Attachment))
    testapp.get(f"{page_url(other)}/anlagen/{attachment.id}", status=404)
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post(f"{page_url(other)}/anlagen/{attachment.id}/entfernen", {"csrf_token": token}, status=404)
    testapp.get(f"{page_url(draft)}/anlagen/999999", status=404)
    testapp.get(f"{page_url(draft)}/anlagen/99999999999999999999", status=404)
    assert attachment_count(dbsession) == 1


def test_strangers_cannot_download(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    upload(testapp, draft, "Vertraulich.pdf", files.pdf())
    url = listed_attachments(testapp, draft)["Vertraulich.pdf"]
    for who in ("stranger", "ag_member", "lg_member"):  # a draft is the authors' alone
        as_user(testapp, world.people[who])
        testapp.get(url, status=403)
    testapp.reset()
    assert "/login" in testapp.get(url, status=302).location
    as_user(testapp, world.admin)
    testapp.get(url, status=200)


def test_a_file_missing_on_disk_is_not_found_rather_than_an_error(testapp, dbsession, world, draft, upload_dir):
    as_user(testapp, world.author)
    upload(testapp, draft, "Verschwunden.pdf", files.pdf())
    attachment = dbsession.scalar(select(Attachment))
    (upload_dir / attachment.stored_name).unlink()
    testapp.get(listed_attachments(testapp, draft)["Verschwunden.pdf"], status=404)
