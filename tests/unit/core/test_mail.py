"""Mail leaves only after the transaction commits."""

import pytest
from pyramid import testing
from pyramid_mailer.message import Message

from sw_gremien.mail import queue_message


@pytest.fixture
def request_with_tm(app, tm):
    request = testing.DummyRequest()
    request.registry = app.registry
    request.tm = tm
    return request


def _message():
    return Message(subject="Test", recipients=["a@stuttgart.example"], body="x", sender="b@stuttgart.example")


def test_mail_is_sent_after_commit(request_with_tm, mailer, tm):
    queue_message(request_with_tm, _message())
    assert mailer.outbox == []
    tm.commit()
    assert [m.subject for m in mailer.outbox] == ["Test"]
    tm.begin()


def test_mail_of_an_aborted_transaction_is_never_sent(request_with_tm, mailer, tm):
    queue_message(request_with_tm, _message())
    tm.abort()
    assert mailer.outbox == []
    tm.begin()
