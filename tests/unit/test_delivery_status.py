"""The one rule for applying a provider's status event to a text (pure)."""

import pytest

from reminders.core.delivery_status import StatusChange, StatusEvent, status_change
from reminders.core.statuses import MessageStatus as S

SID = "SM" + "a" * 32


def event(status: S, *, refused: bool = False, sid: str = SID) -> StatusEvent:
    return StatusEvent(sid=sid, status=status, refused=refused)


def test_a_delivery_receipt_moves_a_sent_text_forward():
    assert status_change(S.SENT, SID, event(S.DELIVERED)) == StatusChange(
        status=S.DELIVERED, sid=None, error=False, flag=False)


@pytest.mark.parametrize("late", [S.SENT, S.UNDELIVERED, S.FAILED])
def test_a_late_event_never_overwrites_delivered(late):
    assert status_change(S.DELIVERED, SID, event(late, refused=True)) is None


def test_a_delivery_receipt_wins_over_an_earlier_undelivered():
    change = status_change(S.UNDELIVERED, SID, event(S.DELIVERED))
    assert change.status == S.DELIVERED and not change.flag


def test_a_repeated_status_changes_nothing():
    assert status_change(S.SENT, SID, event(S.SENT)) is None


@pytest.mark.parametrize("refused_as", [S.UNDELIVERED, S.FAILED])
def test_a_refusal_that_means_the_text_never_arrives_is_recorded_and_flagged(refused_as):
    assert status_change(S.SENT, SID, event(refused_as, refused=True)) == StatusChange(
        status=refused_as, sid=None, error=True, flag=True)


def test_undelivered_without_a_reason_is_recorded_but_not_flagged():
    assert status_change(S.SENT, SID, event(S.UNDELIVERED)) == StatusChange(
        status=S.UNDELIVERED, sid=None, error=False, flag=False)


def test_a_reason_on_a_delivered_text_is_recorded_but_not_flagged():
    change = status_change(S.SENT, SID, event(S.DELIVERED, refused=True))
    assert (change.status, change.error, change.flag) == (S.DELIVERED, True, False)


def test_a_text_in_flight_is_left_to_its_sender():
    assert status_change(S.LEASED, None, event(S.UNDELIVERED, refused=True)) is None


def test_an_event_about_another_message_changes_nothing():
    assert status_change(S.SENT, SID, event(S.DELIVERED, sid="SM" + "b" * 32)) is None


def test_a_text_whose_send_had_an_unknown_outcome_takes_the_events_id():
    assert status_change(S.UNKNOWN, None, event(S.SENT)) == StatusChange(
        status=S.SENT, sid=SID, error=False, flag=False)


def test_a_text_whose_send_had_an_unknown_outcome_is_flagged_when_refused():
    change = status_change(S.UNKNOWN, None, event(S.UNDELIVERED, refused=True))
    assert (change.status, change.sid, change.flag) == (S.UNDELIVERED, SID, True)


@pytest.mark.parametrize("never_sent", [S.PENDING, S.EXPIRED, S.CANCELLED])
def test_a_text_we_never_sent_is_left_alone(never_sent):
    assert status_change(never_sent, None, event(S.DELIVERED)) is None
