"""The pure core: no database, no web framework, no Twilio, no clock (`now` is passed in)."""
