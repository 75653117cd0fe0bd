"""The app's answer to an HTTP error: JSON under /api/ (api.http_error), elsewhere a page
in the site's own layout, with the navigation for a signed-in member and a sign-in link
for anyone else.

A 500 is often the database failing, and the navigation counts read the database: when
the styled page cannot be drawn, a plain one is sent instead of a second failure.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from reminders.web import api

log = logging.getLogger(__name__)

# In a nurse's words; a code not listed shows werkzeug's own name and description.
_PAGES = {
    403: ("Not allowed",
          "Your account cannot open this page: it is for administrators. Ask one if you "
          "need something from it."),
    404: ("Page not found",
          "There is no page at this address. The link may be mistyped or out of date."),
    405: ("Not possible here",
          "This page cannot do that. Go back and use the page's own buttons."),
    500: ("Something went wrong",
          "The page could not be shown because of a fault on our side; it has been logged. "
          "Try again in a moment, and tell an administrator if it keeps happening."),
}
_PLAIN = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{title}</title>"
          "<h1>{title}</h1><p>{message}</p><p><a href=\"/\">Back to the patients</a></p></html>")


def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return api.http_error(exc)
    code = exc.code or 500
    title, message = _PAGES.get(code, (exc.name, exc.description or exc.name))
    headers = exc.get_response().headers  # a 405 says which methods it allows
    allow = {"Allow": headers["Allow"]} if "Allow" in headers else {}
    try:
        return render_template("error.html", title=title, message=message), code, allow
    except Exception:  # the database, most likely: drawing the navigation failed too
        log.exception("the %s page could not be drawn; a plain one is sent", code)
        return _PLAIN.format(title=escape(title), message=escape(message)), code, allow


def init_app(app: Flask) -> None:
    # HTTPException covers every unhandled exception too: Flask hands those on as a 500
    app.register_error_handler(HTTPException, http_error)
