"""LMS login (LTI 1.3) for the course's hub: loaded by ``jupyterhub_config.py`` when
``VIDENSBASERING_LTI13_ISSUER`` is set; replaces the password login.

Register the hub in the LMS as an LTI 1.3 tool with these addresses (``HUB`` is the hub's public
HTTPS address):

- OpenID Connect login initiation URL: ``HUB/hub/lti13/oauth_login``
- redirect (target link) URL: ``HUB/hub/lti13/oauth_callback``
- the tool's public JSON configuration: ``HUB/hub/lti13/config``
- privacy: send the user's id; roles are always sent.

Then set, from the values the LMS shows after registration:

``VIDENSBASERING_LTI13_ISSUER``, ``VIDENSBASERING_LTI13_CLIENT_ID``,
``VIDENSBASERING_LTI13_AUTHORIZE_URL``, ``VIDENSBASERING_LTI13_JWKS_URL``

Canvas (Instructure's cloud; self-hosted Canvas uses its own host):
    issuer ``https://canvas.instructure.com``, authorize URL
    ``https://sso.canvaslms.com/api/lti/authorize_redirect``, JWKS
    ``https://sso.canvaslms.com/api/lti/security/jwks``; the client id is the developer key's
    number (Admin → Developer Keys → LTI key).
Moodle (``SITE`` is the Moodle site's address):
    issuer ``SITE``, authorize URL ``SITE/mod/lti/auth.php``, JWKS ``SITE/mod/lti/certs.php``;
    the client id is shown under Site administration → Plugins → External tool → Manage tools →
    the tool's *View configuration details*.
itslearning:
    the four values are shown on the tool's LTI 1.3 registration page in itslearning's
    administration; they were not checked against a live itslearning here.

Who is who: the LMS user id (``sub``) becomes a Unix account ``lms-<12 hex digits>``, created at
first login; an instructor, teaching-assistant, content-developer or administrator role in the
course gives the formgrader, every other launch from the course gives its exchange
(:mod:`vidensbasering.hub_lti`).
"""

import os

from vidensbasering.hub_lti import LocalLTI13Authenticator

c = get_config()  # noqa: F821  (provided by the traitlets config loader)

c.JupyterHub.authenticator_class = LocalLTI13Authenticator
c.LTI13Authenticator.issuer = os.environ["VIDENSBASERING_LTI13_ISSUER"]
c.LTI13Authenticator.client_id = {os.environ["VIDENSBASERING_LTI13_CLIENT_ID"]}
c.LTI13Authenticator.authorize_url = os.environ["VIDENSBASERING_LTI13_AUTHORIZE_URL"]
c.LTI13Authenticator.jwks_endpoint = os.environ["VIDENSBASERING_LTI13_JWKS_URL"]
c.LTI13Authenticator.username_key = "sub"
c.LTI13Authenticator.tool_name = "Vidensbaseret socialt arbejde"
c.LTI13Authenticator.tool_description = "Kursets notebooks, opgaver og apps i JupyterHub"
# The LMS decides who is in the course: everyone it launches may log in; the groups come from
# the launch's roles (LocalLTI13Authenticator.authenticate).
c.Authenticator.allow_all = True
c.Authenticator.manage_groups = True
c.Authenticator.post_auth_hook = None
c.LocalAuthenticator.create_system_users = True
# Accounts made for LMS users: home folder readable by the owner only, no password login.
c.LocalAuthenticator.add_user_cmd = ["useradd", "--create-home", "--key", "HOME_MODE=0700"]
