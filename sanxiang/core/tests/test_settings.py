"""Production settings pass Django's deployment checks; the admin is for administrators only."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 64 + "-production-secret-for-the-check-only",
        DJANGO_ALLOWED_HOSTS="sanxiang.example.gov.cn",
        SANXIANG_DATA_DIR=str(tmp_path),
    )
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the Playwright fixture for the test run
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SANXIANG_DATA_DIR=str(tmp_path),
    )
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_admin_site_is_for_system_administrators_only(province):
    officer = factories.officer(agency=province["a"])
    client = Client()
    sign_in(client, officer)
    assert client.get("/admin/").status_code == 302  # sent to the admin login
    sign_in(client, factories.superuser())
    assert client.get("/admin/").status_code == 200


def test_login_page_is_chinese_even_for_english_browsers(db):
    response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
