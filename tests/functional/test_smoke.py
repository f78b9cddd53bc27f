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
