import webtest
from tests.factories import UserFactory, AdminFactory
from tests.functional.helpers import login

def test_tab(testapp, dbsession):
    u = UserFactory()
    page = testapp.get("/login")
    f = page.forms["login"]
    f["email"] = u.email; f["password"] = "richtiges-Passwort-123"; f["came_from"] = "/\t/evil.example"
    r = f.submit("login")
    print(repr(r.headers["Location"]))

def test_cookie(testapp, dbsession):
    v = "\u00e4bc.def".encode().decode("latin-1")
    r = testapp.get("/", expect_errors=True, extra_environ={"HTTP_COOKIE": "sw_gremien_session=" + v})
    print(r.status)

def test_bigid(testapp, dbsession):
    a = AdminFactory(); login(testapp, a)
    r = testapp.get("/verwaltung/benutzer/99999999999999999999", expect_errors=True)
    print(r.status)

def test_anon_invite(testapp, dbsession):
    u = UserFactory()
    r = testapp.post(f"/verwaltung/benutzer/{u.id}/einladen", expect_errors=True)
    print(r.status, r.headers.get("Location"))
    r = testapp.post(f"/verwaltung/benutzer/99999/einladen", expect_errors=True)
    print(r.status, r.headers.get("Location"))
