"""No silent stall: a Voila page that has not finished rendering says so, and the server logs it.

Voila (0.5.13) now and then never finished a render (upstream voila#1428; the cause found here
is fixed by :mod:`vidensbasering.kernel_client`), and a page can stall for other reasons (an
overloaded machine, a kernel that died): the participant would see the spinner forever. The
course's page template (``vidensbasering/index.html.j2``) starts a timer as soon as the page's
head arrives; when the page is still loading after the time limit, it shows a Danish message
with a button that reloads the page, and POSTs a small report to
:data:`REPORT_PATH`, which :class:`RenderStalledHandler` writes to the server log.

This module provides

- :func:`page_resources`: what the template needs (time limit, Danish texts, report address),
  set as ``VoilaConfiguration.resources`` in ``etc/jupyter/voila.py``;
- :class:`RenderStalledHandler` and :func:`handlers`: the report endpoint, and
  :class:`XsrfCookieHandler`, which the page calls once it has loaded so that it holds the
  ``_xsrf`` cookie: Voila's own "shut my kernel down" request on ``beforeunload`` carries that
  cookie's value and is refused without it (a participant who opens the app from a link with a
  token never visited a page that sets it);
- the Jupyter server extension entry points (``make start``, enabled in
  ``etc/jupyter/jupyter_server_config.json``); standalone Voila (``make workshop``) adds the same
  handler itself (:mod:`vidensbasering.workshop`).

The report carries the page's path and the limit only: no query string (it holds the token),
nothing the participant typed or uploaded.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from vidensbasering.i18n import t

#: Environment variable with the time limit in seconds (read when the server starts).
LIMIT_ENV = "VIDENSBASERING_RENDER_LIMIT_S"
#: Default time limit in seconds for ``make start``, whose cold renders take 5–10 s alone.
DEFAULT_LIMIT_S = 45.0
#: Server path of the report endpoint, below the server's base URL.
REPORT_PATH = "vidensbasering/api/render-stalled"
#: Server path that sets the ``_xsrf`` cookie, below the server's base URL.
XSRF_PATH = "vidensbasering/api/xsrf"
#: Longest page path written to the log.
MAX_PATH = 200
_SAFE_PATH = re.compile(r"[^A-Za-z0-9/._\-æøåÆØÅ]")


def render_limit_s(environ: dict[str, str] | None = None) -> float:
    """Return the render time limit in seconds from :data:`LIMIT_ENV`, else the default.

    Raises:
        ValueError: the variable is set but is not a positive number of seconds.
    """
    raw = (os.environ if environ is None else environ).get(LIMIT_ENV)
    if raw is None or raw == "":
        return DEFAULT_LIMIT_S
    limit = float(raw)
    if not limit > 0:
        raise ValueError(f"{LIMIT_ENV} must be a positive number of seconds, got {raw!r}")
    return limit


def page_resources(limit_s: float | None = None) -> dict[str, Any]:
    """Return the ``resources.vidensbasering`` the page template reads.

    Args:
        limit_s: seconds before a page still loading counts as stalled; ``None`` reads
            :func:`render_limit_s`.

    Returns:
        ``{"render_limit_s": float, "report_path": str, "xsrf_path": str, "stalled_title": str,
        "stalled_text": str, "reload": str, "loading": str, "loading_page": str,
        "loading_step": str}`` (texts from the Danish catalog; the loading screen's texts keep
        their ``{title}``, ``{step}`` and ``{steps}`` for the page to fill in).
    """
    return {
        "render_limit_s": render_limit_s() if limit_s is None else limit_s,
        "report_path": REPORT_PATH,
        "xsrf_path": XSRF_PATH,
        "stalled_title": t("voila.stalled_title"),
        "stalled_text": t("voila.stalled_text"),
        "reload": t("voila.reload"),
        **{key: t(f"common.{key}") for key in ("loading", "loading_page", "loading_step")},
    }


def clean_path(path: object) -> str:
    """Return a page path safe to write to a log line (no query, no control characters)."""
    text = str(path).split("?", 1)[0]
    return _SAFE_PATH.sub("_", text)[:MAX_PATH]


class RenderStalledHandler(APIHandler):
    """``POST {"path": ..., "seconds": ...}``: a page reports that its render stalled."""

    @tornado.web.authenticated
    def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"{}")
            seconds = float(body.get("seconds", 0))
        except (ValueError, TypeError, AttributeError):
            raise tornado.web.HTTPError(400, "expected JSON with path and seconds") from None
        self.log.warning(
            "Voila page %s did not finish rendering within %.0f s (reported by the browser; "
            "upstream voila#1428); the participant was offered a reload.",
            clean_path(body.get("path", "")),
            seconds,
        )
        self.set_status(204)
        self.finish()


class XsrfCookieHandler(APIHandler):
    """``GET``: answer 204 and set the ``_xsrf`` cookie (tornado sets it on first use)."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.xsrf_token  # noqa: B018  (reading the property sets the cookie)
        self.set_status(204)
        self.finish()


def handlers(base_url: str) -> list[tuple[str, type[APIHandler]]]:
    """Tornado handlers for the report and cookie endpoints below ``base_url``."""
    return [
        (url_path_join(base_url, REPORT_PATH), RenderStalledHandler),
        (url_path_join(base_url, XSRF_PATH), XsrfCookieHandler),
    ]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "vidensbasering.render_watch"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    web_app = server_app.web_app
    web_app.add_handlers(".*$", handlers(web_app.settings["base_url"]))
