"""Paging end to end through the loopback fake of Twilio: the pages go out through its
Messages API, nobody answers, the page goes again and then to the backup, who replies
ACK from their phone (the fake POSTs the signed webhook to the app served on loopback);
a second flag is acknowledged in the queue. On both databases."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from reminders.core.statuses import FlagStatus
from reminders.core.triage import FlagKind
from reminders.flag_history import histories
from reminders.models import Flag
from reminders.paging import page_due
from reminders.transports.twilio_sms import TwilioTransport
from reminders.web import create_app
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN
from tests.integration.helpers import dispatcher
from tests.integration.oncall import MOBILES, NIGHT, urgent
from tests.integration.processes import free_port
from tests.integration.staff import SECRET, Staff

OURS = "+13125550199"


@pytest.fixture
def live(sessions, settings, protocols):
    """The app served on loopback with Twilio's token, on the test's database."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(replace(settings, secret_key=SECRET, public_base_url=url,
                             twilio_auth_token=AUTH_TOKEN), sessions, protocols)
    clock = [NIGHT]
    app.extensions["reminders"]["clock"] = lambda: clock[0]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, url, clock
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_page_repage_backup_ack_by_text_and_ack_in_the_queue(engine, sessions, settings, team,
                                                              twilio, live):
    app, url, clock = live
    current = replace(settings, public_base_url=url)
    transport = TwilioTransport(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN,
                                from_number=OURS, api_base_url=twilio.base_url, timeout=2.0,
                                clock=lambda: clock[0])

    def tick(minutes):
        clock[0] = NIGHT + timedelta(minutes=minutes)
        page_due(sessions, current, clock[0])
        dispatcher(engine, clock[0], transport).run_once()

    first = urgent(sessions)
    tick(0)  # nora, on call
    tick(16)  # not acknowledged: nora again
    tick(31)  # still not: ben, the backup
    pages = [(m.to, m.body) for m in twilio.fake.accepted]
    assert [to for to, _ in pages] == [MOBILES["nora"], MOBILES["nora"], MOBILES["ben"]]
    assert all(f"{url}/flags/{first}" in body for _, body in pages)

    # ben answers from his phone: Twilio posts the signed webhook; the answer is TwiML
    assert twilio.fake.text_from_patient(MOBILES["ben"], OURS, f"Ack {first}",
                                         webhook=f"{url}/twilio/inbound") == 200
    tick(46)  # acknowledged: the admins are not paged
    assert len(twilio.fake.accepted) == 3

    second = urgent(sessions, at=NIGHT + timedelta(minutes=50), kind=FlagKind.REPLY_UNREAD)
    tick(50)
    assert twilio.fake.accepted[-1].to == MOBILES["nora"]
    nora = Staff(app, clock)
    assert nora.login("nora").status_code == 302
    assert nora.post(f"/flags/{second}/acknowledge").status_code == 302
    tick(70)
    assert len(twilio.fake.accepted) == 4

    with sessions() as session:
        flags = {f.id: f for f in session.scalars(select(Flag))}
        assert (flags[first].status, flags[first].acknowledged_by) == (FlagStatus.ACKNOWLEDGED, "ben")
        assert (flags[second].status, flags[second].acknowledged_by) == (FlagStatus.ACKNOWLEDGED,
                                                                         "nora")
        story = {k: [e.what for e in v] for k, v in histories(session, list(flags.values())).items()}
    assert story[first] == ["Raised", "Paged nora (on call) by text: sent",
                            "Paged nora (on call) again by text: sent",
                            "Paged ben (backup) by text: sent", "Acknowledged by ben by text"]
    assert story[second] == ["Raised", "Paged nora (on call) by text: sent",
                             "Acknowledged by nora"]
