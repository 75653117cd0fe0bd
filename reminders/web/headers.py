"""Security headers on every response the app sends.

Pages hold patient data and one-time secrets (a new member's password, an API token), so
nothing is kept by a browser or a shared cache (`no-store`) except the static assets.
The pages load only their own scripts and styles (no inline script or style attribute:
data rides in `<script type="application/json">`), so the Content-Security-Policy can
allow 'self' alone; it, with `X-Frame-Options`, also keeps the pages out of frames. A
header a view set itself (a patient's picture has its own) is left as it is.

Short on purpose: one hook, kept apart from the app factory so the policy is easy to find.
"""

from __future__ import annotations

from flask import Flask, Response, request

# `img-src data:`: Pico's stylesheet draws its checkboxes and select arrows as data: SVGs.
# An image, even an SVG one, runs no script, so this lets no code in.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":  # our own CSS and JS may be cached; nothing else
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
