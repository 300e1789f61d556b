"""The area tree (home page and one page per division) and the audit log."""

from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date

from fupin.accounts.roles import Cap
from fupin.core.models import AuditEvent
from fupin.core.scope import scope_for
from fupin.core.views import paginate, require
from fupin.divisions.models import Level
from fupin.registry import selectors
from fupin.registry.models import Household


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: to the app's icon (a static file)."""
    from django.templatetags.static import static

    return redirect(static("fupin/favicon.ico"))


@require(Cap.VIEW_REGISTRY)
def home(request):
    if scope_for(request.user).helper_user_id is not None and request.user.can(Cap.VIEW_ASSISTANCE):
        return redirect("assistance:worklist")  # a helper's work is their households, not an area
    roots = selectors.root_areas(request.user)
    if len(roots) == 1:
        return redirect("web:area", code=roots[0].code)
    return render(request, "web/home.html", {"roots": roots, "nav_active": "home"})


@require(Cap.VIEW_REGISTRY)
def area(request, code):
    division = selectors.visible_division(request.user, code)
    totals, rows = selectors.area_counts(request.user, division)
    run_poor = None
    if request.user.can(Cap.VIEW_TARGETING) and division.level >= Level.COUNTY:
        from fupin.insights import indicators

        run_poor = indicators.run_poor(request.user, division.code,
                                       indicators.default_year(request.user, division.code))
    return render(request, "web/area.html", {
        "division": division,
        "crumbs": selectors.breadcrumbs(division, request.user),
        "totals": totals,
        "rows": rows,
        "run_poor": run_poor,
        "is_village": division.level == Level.VILLAGE,
        "nav_active": "home",
    })


@require(Cap.VIEW_AUDIT_LOG)
def audit_log(request):
    events = AuditEvent.objects.visible_to(request.user).order_by("-occurred_at", "-id")
    # Auditors also see events that are not tied to an area (logins, user changes) of users in scope.
    if request.GET.get("q"):
        q = request.GET["q"].strip()
        events = events.filter(Q(actor_label__icontains=q) | Q(summary__icontains=q) | Q(verb__startswith=q))
    if day := parse_date(request.GET.get("date", "") or ""):
        events = events.filter(occurred_at__date=day)
    page, query = paginate(request, events)
    page.object_list = _with_households(request.user, page.object_list)
    return render(request, "web/audit_log.html", {"page_obj": page, "query": query, "nav_active": "audit"})


def _with_households(user, events) -> list:
    """Give the events of one page that concern a household the user may see (now) its 户编号, 户主
    and village names (for the household_label tag), in a few queries for the whole page."""
    events = list(events)
    codes = dict(Household.objects.visible_to(user).filter(pk__in={e.household_id for e in events if e.household_id})
                 .values_list("pk", "household_code"))
    for e in events:
        e.household_code = codes.get(e.household_id, "")
    return selectors.attach_labels(events)
