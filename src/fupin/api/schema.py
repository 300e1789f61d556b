"""OpenAPI: our authentication classes described as the standard session and token schemes."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class FupinSessionScheme(SessionScheme):
    target_class = "fupin.api.authentication.SessionAuthentication"
    name = "session"


class FupinTokenScheme(TokenScheme):
    target_class = "fupin.api.authentication.TokenAuthentication"
