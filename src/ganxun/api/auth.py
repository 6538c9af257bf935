from ninja.security import HttpBearer, SessionAuth

from ganxun.accounts.services import user_for_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` for other systems."""

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSession(SessionAuth):
    """The pages' login session (CSRF is checked on unsafe methods)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None
