"""local_storage mode: the refresh token travels in JSON bodies, and logout checks whose it is."""

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily


def test_obtain_returns_the_refresh_token_in_the_body(auth):
    response = auth.login()

    assert response.data["refresh"]
    assert not response.cookies.get("refresh_token")


def test_refresh_requires_a_refresh_token_in_the_body(signed_in):
    response = signed_in.client.post("/api/token/refresh/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "refresh" in response.json()["errors"]


def test_logout_refuses_someone_elses_refresh_token(signed_in, make_auth, other_user):
    bob = make_auth()
    bob.login(username="bob")

    response = signed_in.logout(refresh_token=bob.refresh_token)

    assert response.status_code == 403
    assert response.json()["code"] == "token_not_owned"
    assert bob.refresh().status_code == 200
    assert not TokenFamily.objects.filter(revoked_at__isnull=False).exists()


def test_logout_refuses_a_missing_refresh_token(signed_in):
    response = signed_in.client.post("/api/auth/logout/", {}, format="json", **signed_in.auth_header())

    assert response.status_code == 400
    assert signed_in.refresh().status_code == 200


def test_logout_refuses_a_malformed_refresh_token(signed_in):
    response = signed_in.logout(refresh_token="not-a-token")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert signed_in.refresh().status_code == 200
