"""The API's documentation page is an accessible page too."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_documentation_page_declares_its_language(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert 'id="swagger-ui"' in body
