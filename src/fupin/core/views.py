"""View helpers shared by the apps: capability checks and paging."""

from functools import cached_property, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def require(capability: str):
    """Login required, then the capability; otherwise 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.can(capability):
                raise PermissionDenied(_("您的角色无权执行此操作。"))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: COUNT(*) over a million households costs more than the page
    itself, and nobody pages through ten thousand rows (they filter or search instead)."""

    def __init__(self, *args, cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return self.object_list[: self.cap + 1].count()
        return min(len(self.object_list), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def paginate(request, queryset, per_page: int | None = None):
    paginator = CappedPaginator(queryset, per_page or settings.FUPIN_PAGE_SIZE, cap=settings.FUPIN_LIST_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def form_action(request, form, perform, *, success: str, redirect_to, template: str, context: dict | None = None):
    """The shape of every write page: on a valid POST run ``perform(form)`` (one action); its
    ValidationError goes back beside the fields; success shows ``success`` and redirects."""
    if request.method == "POST" and form.is_valid():
        try:
            perform(form)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return render(request, template, {"form": form, **(context or {})})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, name: str, content_type: str = XLSX):
    """A download named ``name`` (Chinese names survive: RFC 6266 filename*)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def next_url(request, default: str) -> str:
    """Where to go after a form: the ``next`` the page sent, if it is a path on this site (never
    another host: ``//evil.com/x`` and ``https://...`` are refused), else ``default`` (a URL or a
    URL name)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)
