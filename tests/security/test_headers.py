"""Content Security Policy, secure headers, cookies and CSRF, on pages and the API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from unknot.apps.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.PACKAGE_DIR) / "templates"
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def parse_csp(header: str) -> dict[str, str]:
    parts = [p.strip() for p in header.split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/techniques", "/api/v1/docs"])
def test_every_answer_carries_the_policy_and_the_secure_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_htmx_is_configured_to_need_neither_eval_nor_an_injected_style(client):
    html = client.get("/").content.decode()
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html)
    assert meta, "base.html must configure htmx for the CSP"
    config = json.loads(meta.group(1))
    assert config == {"includeIndicatorStyles": False, "allowEval": False}
    css = (Path(settings.PACKAGE_DIR) / "static/css/unknot.css").read_text()
    assert ".htmx-indicator" in css


def test_the_api_docs_load_swagger_from_our_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.I)


def project_templates() -> list[Path]:
    """Templates served as pages. Emails (templates/email/) are not under the page CSP and
    need inline styles for mail clients."""
    found = list(TEMPLATES.rglob("*.html"))
    found += list((Path(settings.PACKAGE_DIR) / "apps").rglob("templates/**/*.html"))
    return [p for p in found if "email" not in p.relative_to(TEMPLATES.parent).parts[1:2]]


def test_no_template_has_inline_script_handlers_or_styles():
    problems = []
    for path in project_templates():
        text = path.read_text()
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (INLINE_HANDLER, "on* attribute"),
            (INLINE_STYLE, "inline style"),
        ):
            for match in pattern.finditer(text):
                if what == "inline <script>" and 'type="application/json"' in match.group(0):
                    continue  # data, not code: the CSP does not run it
                problems.append(f"{path.relative_to(TEMPLATES.parent)}: {what}: {match.group(0)}")
    assert not problems, "The CSP forbids these; move them to static files:\n" + "\n".join(problems)


def test_session_and_csrf_cookies_are_http_only_same_site_and_short_lived(client, client_user):
    response = client.post(
        reverse("accounts:login"), {"username": client_user.email, "password": PASSWORD}
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert int(session["max-age"]) == 12 * 3600
    page = Client().get(reverse("accounts:login"))
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_web_forms_refuse_a_post_without_the_csrf_token(client_user):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("accounts:login"), {"username": client_user.email, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_the_api_checks_csrf_for_session_callers_but_not_for_bearer_tokens(client_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    body = {"technique": "swedish", "start": "2030-01-07T10:00+00:00"}
    refused = browser.post("/api/v1/bookings", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"]
    page = browser.get(reverse("home:index"))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode()).group(1)
    accepted = browser.post(
        "/api/v1/bookings", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code != 403, accepted.content
    bearer = Client(enforce_csrf_checks=True).post(
        "/api/v1/bookings",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_token_issue(user=client_user)}"},
    )
    assert bearer.status_code != 403, bearer.content


PROD_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
r = Client().get("/healthz", secure=True)
print(json.dumps({
    "status": r.status_code,
    "headers": dict(r.headers),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def prod_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(
        DJANGO_SETTINGS_MODULE="unknot.config.settings.prod",
        SECRET_KEY="prod-probe-" + "k" * 50,
        UNKNOT_FIELD_KEYS="k" * 43 + "=",
        ALLOWED_HOSTS="testserver,unknot.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )
    return env


def test_production_sends_hsts_and_secure_cookies_and_shares_its_cache(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", PROD_PROBE],
        env=prod_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    headers = probe["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert parse_csp(headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert probe["session_secure"] and probe["csrf_secure"]
    assert probe["cache"].endswith("PyMemcacheCache")


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "unknot.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=prod_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (0 silenced)." in out.stdout


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type"),
    [
        ("get", "/api/v1/therapists?language=%00x", None, None),
        (
            "post",
            "/api/v1/auth/token",
            '{"email": "a\\u0000@x.test", "password": "p"}',
            "application/json",
        ),
        ("get", "/therapists/?q=%00", None, None),
    ],
)
def test_nul_characters_are_refused_before_they_reach_the_database(
    client, method, url, body, content_type
):
    kwargs = {"content_type": content_type} if content_type else {}
    response = getattr(client, method)(url, body, **kwargs) if body else client.get(url)
    assert response.status_code == 400
