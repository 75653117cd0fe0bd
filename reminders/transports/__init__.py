"""SMS transports behind one contract (`base.py`); only `twilio_sms.py` imports `twilio`.

Nothing is built here: the entry points choose and build a transport (`reminders.wiring`),
so the contract imports without the database, Flask or the settings.
"""
