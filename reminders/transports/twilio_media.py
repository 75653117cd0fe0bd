"""Pictures a patient sent by MMS, fetched from Twilio for a signed-in staff member.

Twilio keeps each picture at a media URL under the account
(`/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{MediaSid}`) and asks for
the account's credentials (HTTP basic auth) to read it; it then usually redirects to its
CDN. The webhook's form says where a picture is, and a forged or mistaken form could say
anything, so an address is fetched only when it is exactly that path, under this account,
on the configured API host (`TWILIO_API_BASE_URL`, else https://api.twilio.com): nothing
else is ever requested (no SSRF). A redirect is followed only to that host or to Twilio's
CDN over https, and the credentials go with the account's media URLs only. Only pictures (IMAGE_TYPES)
are passed on, never more than `max_bytes`, streamed as they arrive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import requests

from reminders.transports.base import MediaRefused, Picture, is_image

API = "https://api.twilio.com"
TIMEOUT = (5.0, 20.0)  # connect, read: staff wait for the picture, but not for ever
CHUNK = 64 * 1024
MAX_REDIRECTS = 3
_MEDIA_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/"
                         r"(?:MM|SM)[0-9a-fA-F]{32}/Media/ME[0-9a-fA-F]{32}$")


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of `url`; None when it has no host or a malformed port."""
    try:
        parts = urlsplit(url)
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme.lower(), parts.hostname.lower(), port) if parts.hostname else None


def _cdn(url: str) -> bool:
    """Twilio's CDN, where its media URLs redirect: https on its port, its own names only."""
    try:
        parts = urlsplit(url)
        if parts.port not in (None, 443):
            return False
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and not parts.username and (
        host.endswith(".twiliocdn.com")
        or (host == "s3-external-1.amazonaws.com" and parts.path.startswith("/media.twiliocdn.com/")))


class TwilioMedia:
    """Reads pictures from Twilio with the account's credentials (a `MediaSource`)."""

    def __init__(self, *, account_sid: str, auth_token: str, api_base_url: str = "",
                 max_bytes: int = 5 * 1024 * 1024):
        self.account_sid = account_sid
        self.auth = (account_sid, auth_token)
        self.api = _origin(api_base_url or API)
        self.max_bytes = max_bytes

    def allowed(self, url: str) -> bool:
        """Whether `url` is one of this account's media URLs on the configured API host."""
        origin = _origin(url)  # None for a malformed address
        if origin is None:
            return False
        parts = urlsplit(url)
        match = _MEDIA_PATH.match(parts.path)
        return (self.api is not None and origin == self.api and not parts.username
                and not parts.password and not parts.query and not parts.fragment
                and match is not None and match.group(1) == self.account_sid)

    def fetch(self, url: str, content_type: str) -> Picture:
        if not is_image(content_type):
            raise MediaRefused("Not shown: this attachment is not a picture "
                               f"({content_type or 'no type'}); only pictures are shown.", 415)
        if not self.allowed(url):
            raise MediaRefused("Not shown: the message names an address that is not one of "
                               "the clinic's Twilio media addresses, so it was not fetched.", 403)
        session = requests.Session()
        # No proxy or .netrc from the environment: the request goes where it was checked to
        # go, with the credentials given here. The cost: no fetching through a proxy.
        session.trust_env = False
        try:
            response = self._get(session, url)
        except (requests.RequestException, ValueError):  # ValueError: a malformed redirect
            session.close()
            raise MediaRefused("Twilio could not be reached for this picture; try again.",
                               502) from None
        try:
            picture = self._picture(response)
        except requests.RequestException:  # the connection failed while reading
            response.close()
            session.close()
            raise MediaRefused("Twilio could not send this picture; try again.", 502) from None
        except BaseException:
            response.close()
            session.close()
            raise

        def close() -> None:
            response.close()
            session.close()

        return Picture(picture.content_type, picture.length, picture.chunks, close)

    def _get(self, session: requests.Session, url: str) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            # the credentials go with a media URL of this account only, never elsewhere
            response = session.get(url, auth=self.auth if self.allowed(url) else None, stream=True,
                                   allow_redirects=False, timeout=TIMEOUT)
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if not (_origin(target) == self.api or _cdn(target)):
                raise MediaRefused("Not shown: Twilio sent the picture on to an address that "
                                   "is not Twilio's, so it was not fetched.", 502)
            url = target
        raise MediaRefused("Not shown: Twilio redirected too many times.", 502)

    def _picture(self, response: requests.Response) -> Picture:
        if response.status_code == 404:
            raise MediaRefused("This picture is no longer kept at Twilio.", 404)
        if response.status_code != 200:
            raise MediaRefused(f"Twilio did not give the picture (HTTP {response.status_code}).",
                               502)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not is_image(content_type):
            raise MediaRefused("Not shown: Twilio sent something that is not a picture "
                               f"({content_type or 'no type'}).", 415)
        too_large = MediaRefused(f"Not shown: the picture is larger than the "
                                 f"{self.max_bytes / 1024 / 1024:.1f} MB limit.", 413)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and not response.headers.get("Content-Encoding"):
            if int(declared) > self.max_bytes:
                raise too_large
            return Picture(content_type, int(declared), self._stream(response, int(declared)),
                           response.close)
        # no length said: read up to the limit first, so a picture too large is refused
        # with a message rather than cut off half-way
        data = bytearray()
        for chunk in response.iter_content(CHUNK):
            data += chunk
            if len(data) > self.max_bytes:
                raise too_large
        response.close()
        return Picture(content_type, len(data), iter((bytes(data),)), lambda: None)

    @staticmethod
    def _stream(response: requests.Response, length: int) -> Iterator[bytes]:
        sent = 0
        try:
            for chunk in response.iter_content(CHUNK):
                chunk = chunk[:length - sent]  # never more than was said (and allowed)
                sent += len(chunk)
                if chunk:
                    yield chunk
                if sent >= length:
                    break
        finally:
            response.close()
