"""The job function of the "one APScheduler job per text" approach (bench/dispatch.py, d)."""

SENT: list[int] = []


def send_text(message_id: int) -> None:
    SENT.append(message_id)
