from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: pages of FUPIN_PAGE_SIZE rows, at most FUPIN_API_MAX_PAGE_SIZE."""

    page_size_query_param = "page_size"
    page_size_query_description = "每页条数（上限见接口说明）"
    page_query_description = "页码，从 1 开始"

    @property
    def page_size(self):
        return settings.FUPIN_PAGE_SIZE

    @property
    def max_page_size(self):
        return settings.FUPIN_API_MAX_PAGE_SIZE
