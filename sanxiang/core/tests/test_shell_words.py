"""The shell speaks the page's words: each language in its own name, the sign-in error in the
words of the sign-in form (登录名, not Django's 用户名)."""

import pytest
from django.test import Client

from sanxiang.testing import factories


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_language_menu_names_each_language_in_itself(language):
    html = Client().get("/login/", headers={"Accept-Language": language}).content.decode()
    assert ">简体中文</option>" in html and ">English</option>" in html, html
    assert "英语" not in html and "Simplified Chinese" not in html


@pytest.mark.django_db
def test_wrong_password_names_the_login_field_as_the_form_does(province):
    factories.officer(agency=province["a"], username="officer_x")
    response = Client().post("/login/", {"username": "officer_x", "password": "wrong"})
    html = response.content.decode()
    assert "登录名或密码不正确" in html and "用户名" not in html
