"""The webhook's form as Twilio sends it: the pictures of an MMS are read (where each one
is and its declared type), bounded, and nothing else of them is kept."""

from reminders.inbound_message import MAX_MEDIA, Media, from_form


def test_the_media_fields_are_read_in_order_with_their_types():
    message = from_form({"From": "+13125550101", "Body": "", "NumMedia": "2",
                         "MediaUrl0": "https://api.twilio.com/a", "MediaContentType0": "image/jpeg",
                         "MediaUrl1": "https://api.twilio.com/b", "MediaContentType1": "image/png",
                         "MediaUrl2": "https://api.twilio.com/c"}, b"")
    assert message.media == (Media("https://api.twilio.com/a", "image/jpeg"),
                             Media("https://api.twilio.com/b", "image/png"))


def test_the_count_is_bounded_and_a_bad_count_is_no_media():
    fields = {f"MediaUrl{n}": f"https://api.twilio.com/{n}" for n in range(30)}
    assert len(from_form({"NumMedia": "30", **fields}, b"").media) == MAX_MEDIA == 10
    assert from_form({"NumMedia": "lots", **fields}, b"").media == ()
    assert from_form({"NumMedia": "-3", **fields}, b"").media == ()
    assert from_form(fields, b"").media == ()  # no NumMedia: a plain text


def test_a_numbered_entry_without_a_url_is_skipped():
    message = from_form({"NumMedia": "2", "MediaUrl1": "https://api.twilio.com/b",
                         "MediaContentType0": "image/png"}, b"")
    assert [m.url for m in message.media] == ["https://api.twilio.com/b"]
