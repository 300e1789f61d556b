from django.conf import settings
from rest_framework import pagination
from rest_framework.response import Response

from fupin.core.views import CappedPaginator


class _Paginator(CappedPaginator):
    """The lists' paginator: counts at most FUPIN_LIST_COUNT_CAP rows, like the pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, cap=settings.FUPIN_LIST_COUNT_CAP, **kwargs)


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: pages of FUPIN_PAGE_SIZE rows, at most FUPIN_API_MAX_PAGE_SIZE.

    ``count`` stops at FUPIN_LIST_COUNT_CAP + 1 (then ``count_capped`` is true): narrow with filters."""

    django_paginator_class = _Paginator
    page_size_query_param = "page_size"
    page_size_query_description = "每页条数（有上限）"
    page_query_description = "页码，从 1 开始"

    @property
    def page_size(self):
        return settings.FUPIN_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.FUPIN_API_MAX_PAGE_SIZE

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean", "description": "为真时总数超过上限，count 只计到上限加一；请用筛选条件缩小范围"}
        response["required"] = [*response.get("required", []), "count_capped"]
        return response
