import pytest

from sw_gremien.bodies.services import slugify
from sw_gremien.paths import templates_dir, workflows_dir
from sw_gremien.sessions import SessionConfig


@pytest.mark.parametrize(
    ("text", "slug"),
    [("AG-FÖ", "ag-foe"), ("LG-GI", "lg-gi"), ("IA", "ia"), ("Straße & Brücke", "strasse-bruecke")],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_resource_folders_are_found():
    assert (templates_dir() / "layout.jinja2").is_file()
    assert workflows_dir().is_dir()


def test_session_cookie_signature():
    config = SessionConfig("x" * 40, 60, 600)
    signed = config.sign("token123")
    assert config.unsign(signed) == "token123"
    assert config.unsign("token123.forged") is None
    assert config.unsign(signed.replace("token123", "token124")) is None
    assert config.unsign(None) is None
    assert SessionConfig("y" * 40, 60, 600).unsign(signed) is None


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError):
        SessionConfig("short", 60, 600)


def test_guests_attend_but_do_not_belong():
    """A guest gets the guest principal of the body only: not the body's members', nor the
    committee's (which open the proposals of all bodies)."""
    import datetime as dt
    from types import SimpleNamespace

    from sw_gremien.security import COMMITTEE_PRINCIPAL, body_principal, principals_for

    user = SimpleNamespace(id=5, global_role=None)
    guest = SimpleNamespace(body_id=3, role="guest", start_date=dt.date(2024, 1, 1))
    principals = principals_for(user, [guest])
    assert body_principal(3, "guest") in principals
    assert body_principal(3) not in principals and COMMITTEE_PRINCIPAL not in principals
    member = SimpleNamespace(body_id=4, role="member")
    principals = principals_for(user, [guest, member])
    assert COMMITTEE_PRINCIPAL in principals and body_principal(4) in principals
    assert body_principal(3) not in principals
