"""Attachments without the web: what a file is, safe names, limits, and that the bytes on disk
follow the transaction (committed, failed or aborted)."""

import io
from types import SimpleNamespace

import pytest
import transaction
from sqlalchemy import func, select

from sw_gremien.documents import services
from sw_gremien.documents.models import Attachment
from tests.functional.proposals import files


@pytest.mark.parametrize("content, kind", [
    (files.pdf(), "pdf"), (files.png(), "png"), (files.jpeg(), "jpeg"), (files.docx(), "docx"),
    (files.xlsx(), "xlsx"), (files.odt(), "odt"), (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
    (files.HTML, None), (files.EXE, None), (files.SVG, None), (files.GIF, None), (files.plain_zip(), None),
    (b"PK\x03\x04 not really a zip", None), (b"", None), (b"%PD", None),
])
def test_sniff_decides_by_content(tmp_path, content, kind):
    path = tmp_path / "probe"
    path.write_bytes(content)
    assert services.sniff(content[:16], path) == kind


def test_an_opendocument_of_another_kind_is_not_accepted(tmp_path):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
    path = tmp_path / "probe"
    path.write_bytes(buffer.getvalue())
    assert services.sniff(buffer.getvalue()[:16], path) is None


@pytest.mark.parametrize("given, cleaned", [
    ("Bericht.pdf", "Bericht.pdf"),
    ("C:\\Users\\ada\\Bericht.pdf", "Bericht.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ('Prüf"bericht <neu>?.pdf', "Prüfbericht neu.pdf"),
    ("Zeile\nUmbruch\x00.pdf", "ZeileUmbruch.pdf"),
    ("  .versteckt.pdf  ", "versteckt.pdf"),
    ("", "datei"),
    ("...", "datei"),
    ("a" * 300 + ".pdf", "a" * 200),
])
def test_clean_filename(given, cleaned):
    assert services.clean_filename(given) == cleaned


@pytest.mark.parametrize("size, text", [
    (10 * 1024 * 1024, "10"), (2 * 1024 * 1024, "2"), (int(2.5 * 1024 * 1024), "2,5"), (512_000, "0,5"), (100, "0,1"),
])
def test_the_limit_in_megabytes(size, text):
    assert services.megabytes(size, "de") == text


# -- The bytes follow the transaction --------------------------------------------------------------
@pytest.fixture
def request_(dbsession, tmp_path):
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    request = SimpleNamespace(
        registry=SimpleNamespace(settings={"sw_gremien.upload_dir": str(tmp_path / "uploads"),
                                           "sw_gremien.upload_max_bytes": "4096"}),
        dbsession=dbsession, user=None, tm=manager, locale_name="de",
    )
    yield request
    try:
        manager.abort()
    except transaction.interfaces.NoTransaction:
        pass


def on_disk(request) -> list[str]:
    directory = services.upload_dir(request.registry.settings)
    return sorted(p.name for p in directory.iterdir())


def test_a_committed_upload_stays(request_):
    attachment = services.store_upload(request_, "proposals", 1, "Bericht.pdf", io.BytesIO(files.pdf()))
    request_.tm.commit()
    assert on_disk(request_) == [attachment.stored_name]
    assert services.file_path(request_, attachment).read_bytes() == files.pdf()


def test_an_aborted_upload_leaves_no_file(request_, dbsession):
    services.store_upload(request_, "proposals", 1, "Bericht.pdf", io.BytesIO(files.pdf()))
    assert len(on_disk(request_)) == 1
    request_.tm.abort()  # e.g. the view failed after storing, or pyramid_retry starts over
    assert on_disk(request_) == []


def test_a_failed_commit_leaves_no_file(request_):
    class FailingVote:
        def abort(self, txn): pass
        def tpc_begin(self, txn): pass
        def commit(self, txn): pass
        def tpc_vote(self, txn): raise RuntimeError("the database said no")
        def tpc_abort(self, txn): pass
        def sortKey(self): return "failing"

    services.store_upload(request_, "proposals", 1, "Bericht.pdf", io.BytesIO(files.pdf()))
    request_.tm.get().join(FailingVote())
    with pytest.raises(RuntimeError):
        request_.tm.commit()
    assert on_disk(request_) == []


@pytest.mark.parametrize("filename, content", [
    ("Bericht.pdf", files.HTML), ("Bericht.pdf", b"%PDF-" + b"x" * 5000), ("Bericht.exe", files.EXE),
    ("Leer.pdf", b""),
])
def test_a_refused_upload_leaves_nothing(request_, dbsession, filename, content):
    with pytest.raises(services.UploadRefused) as refused:
        services.store_upload(request_, "proposals", 1, filename, io.BytesIO(content))
    assert str(refused.value.reason)
    assert on_disk(request_) == []
    assert dbsession.scalar(select(func.count(Attachment.id))) == 0


def test_a_database_error_while_storing_leaves_no_file(request_, dbsession, monkeypatch):
    def broken_flush(*args, **kw):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(dbsession, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        services.store_upload(request_, "proposals", 1, "Bericht.pdf", io.BytesIO(files.pdf()))
    monkeypatch.undo()
    dbsession.rollback()
    assert on_disk(request_) == []


def test_deleting_removes_the_bytes_only_after_commit(request_, dbsession):
    attachment = services.store_upload(request_, "proposals", 1, "Bericht.pdf", io.BytesIO(files.pdf()))
    request_.tm.commit()
    request_.tm.begin()
    services.delete_attachment(request_, attachment)
    assert on_disk(request_) == [attachment.stored_name]
    request_.tm.abort()
    assert on_disk(request_) == [attachment.stored_name]  # rolled back: still there
    request_.tm.begin()
    services.delete_attachment(request_, attachment)
    request_.tm.commit()
    assert on_disk(request_) == []


def test_a_zip_bomb_is_not_inflated(tmp_path):
    """A crafted ODT whose "mimetype" entry inflates to 200 MB is judged by its first bytes."""
    import zipfile

    from sw_gremien.documents.services import sniff

    path = tmp_path / "bomb.odt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(200):
                entry.write(block)
    assert path.stat().st_size < 1024 * 1024
    assert sniff(path.read_bytes()[:16], path) is None
