"""Who may see what: staff sessions (Flask-Login), bearer tokens for the API, CSRF on
every form, and the one guard that turns every other request away.

Only these endpoints answer without a session or a token: the sign-in page (and its
second step, the authenticator code), /healthz, the Twilio webhooks (they check Twilio's
signature instead), /metrics (it checks the scraper's address or its own token:
web/metrics.py) and the static assets (CSS,
JavaScript: no patient data). Everything else, including routes added later, is closed
by default.

A session holds the member's `session_version` from sign-in; the user loader compares it
with the stored one on every request, so raising it (sign-out, password change or reset,
deactivation, an admin removing the authenticator app) ends every session of the member,
copied cookies included.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from reminders.accounts import (
    LoginRefused,
    Throttled,
    authenticate,
    end_sessions,
    set_password,
    token_owner,
)
from reminders.audit import Actor
from reminders.core.errors import ValidationError
from reminders.core.field_text import local_path
from reminders.models import Role, StaffMember
from reminders.web.current import now, sessions, settings

PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.code", "health.healthz",
                              "twilio_hooks.inbound", "twilio_hooks.status", "metrics.scrape",
                              "static"})

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
login_manager = LoginManager()


@dataclass(frozen=True, eq=False)
class StaffUser(UserMixin):
    """The signed-in staff member, detached from any database session."""

    id: int
    name: str
    role: Role
    must_change_password: bool
    has_totp: bool

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def actor(self) -> Actor:
        return Actor(self.name, "web")


@login_manager.user_loader
def _load(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    with sessions()() as db:
        member = db.get(StaffMember, int(user_id))
        if member is None or not member.active or session.get("version") != member.session_version:
            return None
        return _user(member)


def _user(member: StaffMember) -> StaffUser:
    return StaffUser(member.id, member.name, member.role, member.must_change_password,
                     member.totp_secret is not None)


def init_app(app: Flask) -> None:
    app.before_request(_guard)  # first: a stranger is sent to sign in, not told about CSRF
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see patient information."
    login_manager.session_protection = "strong"
    app.register_error_handler(CSRFError, _csrf_refused)


def _api_request() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def _guard():
    """Runs before every request: the single place access is decided."""
    idle_out = _end_idle_session()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if _api_request():
        return _bearer()
    if idle_out:
        flash(f"You were signed out after {idle_out} minutes without activity. "
              "Please sign in again.", "info")
        return redirect(url_for("auth.login", next=_local_path(request.full_path)))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    session["seen"] = now().timestamp()
    session.permanent = True
    if current_user.must_change_password and request.endpoint not in ("auth.password",
                                                                      "auth.logout"):
        return redirect(url_for("auth.password"))
    if (settings().require_admin_totp and current_user.is_admin and not current_user.has_totp
            and request.endpoint not in ("auth.totp", "auth.logout", "auth.password")):
        flash("Set up an authenticator app for your account before going on: this clinic "
              "requires it for administrators.", "info")
        return redirect(url_for("auth.totp"))
    return None


def _end_idle_session() -> int | None:
    """Sign out a session unused for longer than the idle timeout; its minutes if so.
    Checked on every request (the sign-in page too) without loading the user."""
    seen = session.get("seen")
    idle = current_app.permanent_session_lifetime
    if seen is None or now().timestamp() - seen <= idle.total_seconds():
        return None
    logout_user()
    session.clear()
    return int(idle.total_seconds() // 60)


def _bearer():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    name = None
    if scheme.lower() == "bearer" and token.strip():
        name = token_owner(sessions(), token.strip(), now())
    if name is None:
        response = jsonify(error="unauthorized",
                           detail="send a valid API token: Authorization: Bearer <token>")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="reminders"'
        return response
    g.actor = Actor(name, "api")
    return None


def _csrf_refused(error: CSRFError):
    if _api_request():
        return jsonify(error="csrf", detail=error.description), 400
    return render_template("error.html", title="Form expired",
                           message="The form was missing its security token or it had "
                           "expired. Go back, reload the page and try again; nothing was "
                           "saved."), 400


def _local_path(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target after sign-in."""
    return local_path(target)


PENDING_SECONDS = 300  # the code step must follow the password within five minutes


def sign_in(member: StaffMember):
    session.clear()  # a fresh session at sign-in: no fixation
    login_user(_user(member))
    session["version"] = member.session_version
    session["seen"] = now().timestamp()
    session.permanent = True
    return redirect(_local_path(request.args.get("next")) or url_for("patients.index"))


def refused(exc: LoginRefused):
    if isinstance(exc, Throttled):
        return str(exc), 429, {"Retry-After": str(exc.seconds)}
    return str(exc), 401, {}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("patients.index"))
    error, status, headers = None, 200, {}
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "")
        try:
            member = authenticate(sessions(), name, request.form.get("password", ""),
                                  request.remote_addr or "unknown", now())
        except LoginRefused as exc:
            error, status, headers = refused(exc)
        else:
            if member.totp_secret is None:
                return sign_in(member)
            session.clear()
            session["pending"] = [member.id, member.name, now().timestamp(),
                                  member.session_version]
            return redirect(url_for("auth.code", next=_local_path(request.args.get("next"))))
    return render_template("login.html", error=error, name=name), status, headers


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(sessions(), current_user.id)  # a copy of this cookie ends here too
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
def password():
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            version = set_password(sessions(), current_user.id,
                                   request.form.get("current_password", ""),
                                   request.form.get("password", ""), now(),
                                   confirm=request.form.get("confirm", ""))
        except ValidationError as exc:
            errors = exc.errors  # every rule broken; no password is sent back into the form
        else:
            session["version"] = version  # this session goes on; every other one ends
            flash("Your password is changed.", "info")
            return redirect(url_for("patients.index"))
    return render_template("password.html", errors=errors), (422 if errors else 200)
