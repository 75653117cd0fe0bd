"""The shared send rate, checked on a virtual clock (no timing in tests)."""

import itertools
import threading
from datetime import UTC, datetime, timedelta

from reminders.core.statuses import MessageStatus
from reminders.dispatcher import Dispatcher
from reminders.enrollments import CONSENT_TAKER, enroll
from reminders.models import OutboxMessage
from reminders.rate_limit import SendRate
from reminders.transports.fake import FakeTransport
from tests.integration.helpers import NOW, form, rows


class VirtualClock:
    """One clock for the dispatcher (datetime) and the rate limiter (epoch seconds);
    sleeping advances it instead of waiting."""

    def __init__(self, start: datetime):
        self.t = start.timestamp()
        self.lock = threading.Lock()

    def epoch(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.t += seconds


def test_slots_are_spaced_by_segments_and_shared_between_workers(engine):
    clock = VirtualClock(NOW)
    a = SendRate(engine, "MG1", 1.0, clock=clock.epoch)
    b = SendRate(engine, "MG1", 1.0, clock=clock.epoch)  # another worker, same sender
    other = SendRate(engine, "+13125550100", 1.0, clock=clock.epoch)
    start = clock.epoch()
    assert [a.reserve(2) - start, b.reserve(1) - start, a.reserve(3) - start] == [0, 2, 3]
    assert other.reserve(1) == start  # another sender has its own pace


def test_concurrent_reservations_never_share_a_slot(engine):
    clock = VirtualClock(NOW)
    rate = SendRate(engine, "MG1", 10.0, clock=clock.epoch)
    slots, barrier = [], threading.Barrier(8)

    def reserve_five():
        barrier.wait()
        for _ in range(5):
            slots.append(rate.reserve(1))

    threads = [threading.Thread(target=reserve_five) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ordered = sorted(slots)
    assert len(set(ordered)) == 40
    assert all(abs((b - a) - 0.1) < 1e-6 for a, b in itertools.pairwise(ordered))


def test_the_dispatcher_sends_at_the_configured_pace(svc, engine):
    for n in range(3):
        enroll(svc, form(phone=f"(312) 555-01{n:02d}"), CONSENT_TAKER, NOW)  # 2 due texts each
    clock = VirtualClock(NOW)
    sent_at: list[float] = []
    transport = FakeTransport(fail=lambda _text: sent_at.append(clock.epoch()))
    rate = SendRate(engine, "MG1", 2.0, clock=clock.epoch, sleep=clock.sleep)
    Dispatcher(engine, transport, clock=clock.now, rate=rate, concurrency=1).run_once()
    segments = [t.segments for t in transport.sent]
    assert len(transport.sent) == 6
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    assert gaps == [s / 2.0 for s in segments[:-1]]  # each text's segments at 2 per second


def test_a_wait_beyond_the_lease_renews_it_and_the_text_goes_out_once(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    clock = VirtualClock(NOW)
    rate = SendRate(engine, "MG1", 0.01, clock=clock.epoch, sleep=clock.sleep)
    rate.reserve(2)  # another worker holds the next 200 s; our lease is 3 minutes
    sent_at: list[datetime] = []
    transport = FakeTransport(fail=lambda _text: sent_at.append(clock.now()))
    Dispatcher(engine, transport, clock=clock.now, rate=rate,
               lease=timedelta(minutes=3)).run_once()
    assert sent_at == [NOW + timedelta(seconds=200)]
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.SENT


def test_a_lease_lost_while_waiting_for_a_slot_means_no_send(svc, engine, sessions):
    enrollment_id = enroll(svc, form(injected_at=NOW), CONSENT_TAKER, NOW)
    clock = VirtualClock(NOW)

    class ReapedMeanwhile(SendRate):
        def reserve(self, segments, conn=None):  # the reaper takes the row over meanwhile
            with sessions.begin() as session:
                session.get(OutboxMessage, rows(sessions, enrollment_id)["welcome"].id).status = (
                    MessageStatus.UNKNOWN)
            return super().reserve(segments, conn) + 600

    rate = ReapedMeanwhile(sessions, "MG1", 1.0, clock=clock.epoch, sleep=clock.sleep)
    transport = FakeTransport()
    Dispatcher(engine, transport, clock=clock.now, rate=rate).run_once()
    assert transport.sent == []
    assert rows(sessions, enrollment_id)["welcome"].status == MessageStatus.UNKNOWN


def test_batches_are_sized_to_drain_within_the_lease(engine):
    slow = SendRate(engine, "MG1", 0.1)
    assert Dispatcher(engine, FakeTransport(), rate=slow, batch=50).batch == 3
    assert Dispatcher(engine, FakeTransport(), rate=None, batch=50).batch == 50
