import pytest

from tests.factories import IssuerFactory

from .support import Api, api_key_create, client_body


@pytest.fixture
def key_and_raw(issuer):
    return api_key_create(issuer)


@pytest.fixture
def api(key_and_raw, django_capture_on_commit_callbacks):
    return Api(key_and_raw[1], django_capture_on_commit_callbacks)


@pytest.fixture
def erp_client(api):
    response = api.post("clients/", client_body())
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def other_issuer(db):
    return IssuerFactory(name="Other Issuer")
