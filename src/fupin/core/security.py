"""The security log and the headers every response carries.

- ``client_ip``: the caller's address. Behind a reverse proxy listed in FUPIN_TRUSTED_PROXIES the
  address comes from X-Forwarded-For (the right-most address that is not one of those proxies);
  otherwise REMOTE_ADDR. An address a client writes into the header itself is never believed.
- ``log``: one line per security event (failed or throttled logins, lockouts, refused access) on the
  ``fupin.security`` logger, which settings send to var/logs/security.log.
- ``SecurityHeadersMiddleware``: a Content-Security-Policy without inline script, ``no-store`` on
  everything shown to a logged-in user (pages and downloads hold personal data), and a log line for
  every refusal (403) a signed-in or anonymous caller met.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger("fupin.security")


def _networks() -> list:
    found = []
    for item in getattr(settings, "FUPIN_TRUSTED_PROXIES", []):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue
    return found


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str:
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    networks = _networks()
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def log(event: str, request=None, **fields) -> None:
    """A security event: what, who (username), from where (client IP), and the details given."""
    parts = {"event": event}
    if request is not None:
        parts["ip"] = client_ip(request)
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            parts["user"] = user.get_username()
        parts["path"] = request.path[:200]
        parts["method"] = request.method
    parts.update({k: str(v)[:200] for k, v in fields.items()})
    logger.warning(" ".join(f"{k}={v!r}" if " " in str(v) else f"{k}={v}" for k, v in parts.items()))


CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no inline script and no eval: behaviour lives in static files
    "style-src 'self' 'unsafe-inline'",  # chart and table libraries set element styles
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.setdefault("Pragma", "no-cache")
        if response.status_code == 403:
            log("access_denied", request, status=403)
        return response
