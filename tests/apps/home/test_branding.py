"""Every page is branded with the product's name, never with the host it was served from."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

HOST = "127.0.0.1:8000"
PAGES = [
    "home:index",
    "accounts:login",
    "accounts:signup",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "guide:technique_list",
    "therapists:directory",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_pages_carry_the_product_name_not_the_host(client, name):
    response = client.get(reverse(name), HTTP_HOST=HOST)
    assert response.status_code == 200
    body = response.content.decode()
    brand = re.search(r'class="navbar-brand[^"]*"[^>]*>([^<]+)<', body)
    assert brand is not None and brand.group(1).strip() == "Unknot"
    title = re.search(r"<title>([^<]+)</title>", body).group(1)
    assert title.strip().endswith("· Unknot")
    assert HOST not in body
