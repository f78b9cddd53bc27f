from tests.factories import UserFactory
from tests.functional.helpers import login


def test_home_is_public_and_german(testapp):
    page = testapp.get("/")
    assert page.status_int == 200
    assert 'lang="de"' in page.text


def test_login_and_logout(testapp, dbsession):
    user = UserFactory()
    login(testapp, user)
    page = testapp.get("/konto")
    assert user.email in page.text


def test_only_the_login_form_takes_the_focus(testapp, dbsession):
    assert testapp.get("/login").html.find("input", {"name": "email"}).has_attr("autofocus")
    assert not testapp.get("/passwort-vergessen").html.find("input", {"name": "email"}).has_attr("autofocus")
