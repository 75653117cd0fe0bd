"""Faults the reply tests inject: a statement that fails, a webhook that died after storing."""

from contextlib import contextmanager
from urllib.parse import urlencode

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from reminders.inbound_message import from_form
from tests.integration.texting import PATIENT


@contextmanager
def failing(engine, prefix: str, times: int = 1):
    """The first `times` statements starting with `prefix` (upper case) fail, as a full
    disk would make them."""
    left = [times]

    def before(conn, cursor, statement, parameters, context, executemany):
        if left[0] and statement.lstrip().upper().startswith(prefix):
            left[0] -= 1
            raise OperationalError(statement, parameters, RuntimeError("injected fault"))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


def store_only(inbox, body: str, at, sid: str = "SMstored", sender: str = PATIENT) -> int:
    """What a webhook that died right after storing leaves: the reply, unread."""
    params = {"MessageSid": sid, "From": sender, "To": "+13125550199", "Body": body}
    return inbox._store(from_form(params, urlencode(params).encode()), at)[0]
