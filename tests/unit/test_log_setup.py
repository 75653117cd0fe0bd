"""Logging set-up: LOG_FORMAT checked, text and JSON lines masked, one handler however
often it is configured, records left as made for other handlers."""

import io
import logging

import pytest

from reminders.log_setup import HANDLER_NAME, configure_logging
from reminders.settings import Settings, SettingsError


@pytest.fixture
def root():
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_format_is_text_json_or_refused_naming_the_variable():
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"LOG_FORMAT": " JSON "}).log_format == "json"
    with pytest.raises(SettingsError, match=r"^LOG_FORMAT: 'xml' is not one of"):
        Settings.from_env({"LOG_FORMAT": "xml"})


def test_a_text_line_masks_message_arguments_and_traceback_but_not_the_record(root):
    out = io.StringIO()
    configure_logging("INFO", "text", stream=out)
    configure_logging("INFO", "text", stream=out)  # a second call replaces the first
    assert [h.get_name() for h in root.handlers].count(HANDLER_NAME) == 1
    seen = []
    root.addHandler(type("Keep", (logging.Handler,), {"emit": lambda self, r: seen.append(r)})())
    log = logging.getLogger("reminders.test")
    try:
        raise RuntimeError("refused: +13125550101")
    except RuntimeError:
        log.exception("texting %s failed", "(312) 555-0101")
    line = out.getvalue()
    assert "texting (***) ***-**01 failed" in line and "refused: +*********01" in line
    assert "555" not in line
    assert seen[0].getMessage() == "texting (312) 555-0101 failed"  # as made


def test_twilio_request_lines_are_held_back(root):
    out = io.StringIO()
    configure_logging("DEBUG", "text", stream=out)
    logging.getLogger("twilio.http_client").info("-- BEGIN Twilio API Request -- To=+13125550101")
    logging.getLogger("reminders.test").debug("kept")
    assert "Twilio API Request" not in out.getvalue() and "kept" in out.getvalue()
