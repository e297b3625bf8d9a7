import pytest

from tests.factories import make_therapist

pytestmark = pytest.mark.django_db


def test_list_therapists_filters_by_technique(client, practice):
    make_therapist(practice, "ben-carter", techniques=("swedish",))
    make_therapist(practice, "kai-ito", techniques=("shiatsu",), languages=("ja",))
    response = client.get("/api/v1/therapists", {"technique": "shiatsu"})
    assert response.status_code == 200
    body = response.json()
    assert [t["slug"] for t in body] == ["kai-ito"]
    assert body[0]["techniques"] == ["shiatsu"]
    assert body[0]["languages"] == ["ja"]
    assert body[0]["licence_valid_today"] is True
    assert not str(body[0]["uid"]).isdigit()


def test_unknown_technique_is_a_422_listing_valid_values(client, db):
    response = client.get("/api/v1/therapists", {"technique": "reiki"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_technique"
    assert "swedish" in body["valid_values"]


def test_openapi_document_is_published(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/therapists" in response.json()["paths"]
