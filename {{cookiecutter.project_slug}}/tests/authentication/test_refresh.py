"""POST /api/token/refresh/ and /api/token/verify/, in this project's storage mode."""

from datetime import timedelta

from rest_framework_simplejwt.tokens import AccessToken

from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken


def expired(raw_token, token_class=AccessToken):
    """Return the same token re-signed with an expiry an hour ago (beyond any leeway)."""
    token = token_class(raw_token)
    token.set_exp(lifetime=-timedelta(hours=1))
    return str(token)


def test_refresh_returns_a_new_access_token_for_the_same_session(signed_in):
    first_access = signed_in.access

    response = signed_in.refresh()

    assert response.status_code == 200
    assert response.data["access"] != first_access
    assert response.data["expires_in"] > 0
    assert AccessToken(response.data["access"])["fam"] == AccessToken(first_access)["fam"]


def test_refreshed_access_token_reaches_the_protected_endpoint(signed_in):
    signed_in.refresh()

    assert signed_in.get("/api/me/").status_code == 200


def test_refresh_refuses_garbage(signed_in):
    response = signed_in.refresh("not.a.token")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_refuses_an_expired_refresh_token(signed_in):
    response = signed_in.refresh(expired(signed_in.refresh_token, RefreshToken))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_refuses_an_access_token(signed_in):
    response = signed_in.refresh(signed_in.access)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_refuses_a_user_made_inactive(signed_in, user):
    user.is_active = False
    user.save()

    response = signed_in.refresh()

    assert response.status_code == 401


def test_expired_access_token_is_refused_with_401(signed_in):
    response = signed_in.client.get("/api/me/", **signed_in.auth_header(expired(signed_in.access)))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_accepts_a_valid_access_token(signed_in):
    response = signed_in.client.post("/api/token/verify/", {"token": signed_in.access}, format="json")

    assert response.status_code == 200


def test_verify_refuses_an_expired_or_forged_token(signed_in):
    forged = signed_in.access[:-4] + ("AAAA" if not signed_in.access.endswith("AAAA") else "BBBB")
    for token in (expired(signed_in.access), forged, "garbage"):
        response = signed_in.client.post("/api/token/verify/", {"token": token}, format="json")
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"


def test_verify_refuses_the_access_token_of_an_ended_session(signed_in):
    access = signed_in.access
    signed_in.logout()

    response = signed_in.client.post("/api/token/verify/", {"token": access}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"
