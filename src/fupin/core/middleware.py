"""Keeps the client address of the current request for audit events."""

from contextvars import ContextVar

current_ip: ContextVar[str] = ContextVar("current_ip", default="")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from fupin.core.security import client_ip

        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


# Query parameters whose shape is known: a value of another shape is a malformed request (400),
# never an error deep in a view. Area codes are division codes (2, 4, 6, 9 or 12 digits).
DIGITS = {"household", "trainee", "case", "member", "year", "other"}
AREAS = {"area", "village", "township", "division", "region"}
AREA_LENGTHS = {0, 2, 4, 6, 9, 12}


class ParameterMiddleware:
    """Refuses malformed parameters with 400: a NUL character anywhere in the query or a form (the
    database would refuse it later with a 500), a non-number where a number is meant, an area that
    is not a division code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import BadRequest

        def bad(message: str):
            from fupin.core import security

            security.log("bad_request", request, reason=message)
            raise BadRequest(message)

        forms = [request.GET]
        if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                                 "multipart/form-data"):
            forms.append(request.POST)
        for data in forms:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    bad("请求中含有不允许的字符。")
        for key in DIGITS & set(request.GET):
            value = request.GET.get(key, "")
            if value and not (value.isascii() and value.isdigit() and len(value) <= 12):
                bad(f"参数 {key} 应为数字。")
        for key in AREAS & set(request.GET):
            value = request.GET.get(key, "")
            if not (value.isascii() and (value == "" or value.isdigit()) and len(value) in AREA_LENGTHS):
                bad(f"参数 {key} 应为区划代码。")
        return self.get_response(request)
