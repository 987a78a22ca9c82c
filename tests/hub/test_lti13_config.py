"""LMS login: the hub's configuration with LTI 1.3 loads, and launches become users and groups.

The claims below have the shape of LTI 1.3 resource-link launches (IMS LTI 1.3 core, section 5.3:
``iss``, ``sub``, ``aud``, the message type, version, deployment id, roles and context claims)
with the values each LMS sends: Canvas a UUID as ``sub`` and its cloud issuer, Moodle a number
and its site address, itslearning a UUID. They run through JupyterHub's own login pipeline
(``Authenticator.get_authenticated_user``: the LTI authenticator's claim handling, user name
normalisation and validation, the allow check), as after a verified launch.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from vidensbasering import hub

DEPLOY = hub.HUB_DEPLOY_DIR
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/"
STUDENT_GROUPS = ["nbgrader-vidensbasering"]
INSTRUCTOR_GROUPS = ["formgrade-vidensbasering", "instructors", "nbgrader-vidensbasering"]
CANVAS = "https://canvas.instructure.com"


def launch(issuer: str, sub: str, roles: list[str], **extra: Any) -> dict[str, Any]:
    """The claims of a resource-link launch from ``issuer`` by user ``sub`` with ``roles``."""
    return {
        "iss": issuer,
        "sub": sub,
        "aud": "10000000000042",
        "nonce": "n-0S6_WzA2Mj",
        "name": "Åse Sørensen",
        "given_name": "Åse",
        "family_name": "Sørensen",
        f"{LTI}message_type": "LtiResourceLinkRequest",
        f"{LTI}version": "1.3.0",
        f"{LTI}deployment_id": "1:4dde05e8ca1973bcca9bffc13e1548820eee93a3",
        f"{LTI}target_link_uri": "https://hub.example.dk/hub/lti13/oauth_callback",
        f"{LTI}resource_link": {"id": "ed3a8a5c-7ce3-4e7e-a1e2-1b3c4d5e6f70"},
        f"{LTI}roles": roles,
        f"{LTI}context": {"id": "c1d887f0a1a3", "label": "VSA", "title": "Vidensbaseret"},
        **extra,
    }


@pytest.fixture
def lti_config(monkeypatch: pytest.MonkeyPatch) -> Config:
    """``deploy/hub/jupyterhub_config.py`` loaded as JupyterHub loads it, with LTI 1.3 on."""
    monkeypatch.setenv("VIDENSBASERING_LTI13_ISSUER", CANVAS)
    monkeypatch.setenv("VIDENSBASERING_LTI13_CLIENT_ID", "10000000000042")
    monkeypatch.setenv(
        "VIDENSBASERING_LTI13_AUTHORIZE_URL", "https://sso.canvaslms.com/api/lti/authorize_redirect"
    )
    monkeypatch.setenv(
        "VIDENSBASERING_LTI13_JWKS_URL", "https://sso.canvaslms.com/api/lti/security/jwks"
    )
    loader = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY))
    return loader.load_config()


def authenticate(config: Config, claims: dict[str, Any]) -> dict[str, Any]:
    authenticator = config.JupyterHub.authenticator_class(config=config)
    # In its own thread: after the browser tests, Playwright's sync API keeps an event loop
    # running in the main thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        coroutine = authenticator.get_authenticated_user(None, claims)
        result = pool.submit(asyncio.run, coroutine).result()
    assert result is not None, "the launch was refused"
    return result


def expected_name(issuer: str, sub: str) -> str:
    # "lms-" and the first 12 hex digits of SHA-256 over "<iss>\n<sub>" (hub_lti.lti_username).
    return "lms-" + hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:12]


def test_the_config_uses_the_lti_authenticator_with_the_lms_settings(lti_config: Config) -> None:
    from vidensbasering.hub_lti import LocalLTI13Authenticator

    authenticator = lti_config.JupyterHub.authenticator_class(config=lti_config)
    assert isinstance(authenticator, LocalLTI13Authenticator)
    assert authenticator.issuer == CANVAS
    assert authenticator.client_id == {"10000000000042"}
    assert authenticator.jwks_endpoint.endswith("/api/lti/security/jwks")
    assert authenticator.manage_groups and authenticator.create_system_users
    assert authenticator.login_url("/hub/") == "/hub/lti13/oauth_login"


def test_without_the_lti_settings_the_hub_logs_in_with_unix_passwords(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VIDENSBASERING_LTI13_ISSUER", raising=False)
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(DEPLOY)).load_config()
    assert config.JupyterHub.authenticator_class == "pam"


@pytest.mark.parametrize(
    ("lms", "issuer", "sub", "roles", "groups"),
    [
        ("Canvas, teacher", CANVAS, "535fa085-f685-4c70-8d7b-0f0a8e2e5ca0",
         [f"{ROLE}membership#Instructor", f"{ROLE}institution/person#Instructor"],
         INSTRUCTOR_GROUPS),
        ("Canvas, student", CANVAS, "0ae836b9-7fc9-4060-006f-27b2066ac545",
         [f"{ROLE}membership#Learner", f"{ROLE}institution/person#Student"], STUDENT_GROUPS),
        ("Moodle, teacher", "https://moodle.example.dk", "2",
         [f"{ROLE}membership#Instructor", f"{ROLE}institution/person#Administrator"],
         INSTRUCTOR_GROUPS),
        ("Moodle, student", "https://moodle.example.dk", "17",
         [f"{ROLE}membership#Learner"], STUDENT_GROUPS),
        ("itslearning, teaching assistant", "https://www.itslearning.com",
         "6b4d8a3e-2f1c-4b7a-9e0d-3c5f7a1b2d4e",
         [f"{ROLE}membership/Instructor#TeachingAssistant"], INSTRUCTOR_GROUPS),
        ("itslearning, student", "https://www.itslearning.com",
         "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", [f"{ROLE}membership#Learner"], STUDENT_GROUPS),
    ],
)  # fmt: skip
def test_a_launch_becomes_a_hub_user_with_the_course_groups(
    lti_config: Config, lms: str, issuer: str, sub: str, roles: list[str], groups: list[str]
) -> None:
    claims = launch(issuer, sub, roles)
    result = authenticate(lti_config, claims)
    assert result["name"] == expected_name(issuer, sub), lms
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,31}", result["name"])  # a valid Unix account name
    assert result["groups"] == groups, lms
    assert result["auth_state"][f"{LTI}roles"] == roles


def test_the_same_lms_user_id_on_two_platforms_is_two_users(lti_config: Config) -> None:
    roles = [f"{ROLE}membership#Learner"]
    one = authenticate(lti_config, launch("https://moodle.example.dk", "17", roles))
    other = authenticate(lti_config, launch("https://moodle2.example.dk", "17", roles))
    again = authenticate(lti_config, launch("https://moodle.example.dk", "17", roles))
    assert one["name"] != other["name"]
    assert one["name"] == again["name"]


def test_a_launch_without_a_user_id_is_refused(lti_config: Config) -> None:
    claims = launch(CANVAS, "", [f"{ROLE}membership#Learner"])
    with pytest.raises(ValueError, match="'iss' and 'sub'"):
        authenticate(lti_config, claims)


def test_the_lti_config_is_documented_for_each_lms() -> None:
    text = Path(DEPLOY / "lti13_config.py").read_text(encoding="utf-8")
    for lms in ("Canvas", "Moodle", "itslearning"):
        assert lms in text
