"""Log in from the LMS (LTI 1.3) to the course's hub: Unix accounts and hub groups from the launch.

``jupyterhub-ltiauthenticator``'s :class:`~ltiauthenticator.lti13.auth.LTI13Authenticator` checks
the LMS's signed ``id_token`` (OIDC implicit flow, IMS LTI 1.3 core) and hands its claims on.
:class:`LocalLTI13Authenticator` adds what a hub with real Unix accounts needs:

- the hub user name comes from the LMS's user id (``sub`` claim) and the platform (``iss``), as a
  valid Unix account name: ``lms-`` and 12 hex digits of SHA-256 over ``iss`` and ``sub``. The LMS
  user id itself can be too long or start with a digit (Canvas sends a UUID, Moodle a number);
  the same LMS user always gets the same account;
- the account is created on first login (JupyterHub's ``LocalAuthenticator.create_system_users``);
- the hub groups come from the launch's roles (:func:`vidensbasering.hub.lti_groups`): an
  instructor role gives the formgrader, everyone launched from the course gets its exchange.

Configured by ``deploy/hub/lti13_config.py`` (loaded by ``jupyterhub_config.py`` when
``VIDENSBASERING_LTI13_ISSUER`` is set).
"""

from __future__ import annotations

import hashlib
from typing import Any

from jupyterhub.auth import LocalAuthenticator
from ltiauthenticator.lti13.auth import LTI13Authenticator

from vidensbasering import hub

#: Prefix of the Unix accounts made for LMS users.
ACCOUNT_PREFIX = "lms-"


def lti_username(claims: dict[str, Any]) -> str:
    """The hub (and Unix) user name of the LMS user of a launch.

    Args:
        claims: the launch's decoded ``id_token``; needs ``iss`` and ``sub``.

    Returns:
        ``lms-`` followed by 12 lower-case hex digits (16 characters, a valid Unix name).

    Raises:
        ValueError: ``iss`` or ``sub`` is missing or empty.
    """
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not issuer or not subject:
        raise ValueError("An LTI 1.3 launch without 'iss' and 'sub' cannot name a user.")
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()
    return ACCOUNT_PREFIX + digest[:12]


class LocalLTI13Authenticator(LocalAuthenticator, LTI13Authenticator):
    """LTI 1.3 login for a hub whose users are Unix accounts (see the module docs)."""

    def get_username(self, token: dict[str, Any]) -> str:
        """The account name from the launch's ``iss`` and ``sub`` (:func:`lti_username`)."""
        return lti_username(token)

    async def authenticate(
        self, handler: Any, data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """LTI13Authenticator's result plus the hub groups from the launch's roles."""
        authenticated = await LTI13Authenticator.authenticate(self, handler, data)
        authenticated["groups"] = hub.lti_groups(authenticated["auth_state"])
        return authenticated
