"""Template helpers: display values of model fields, masking, money."""

from decimal import Decimal

from django import template
from django.db import models

from fupin.core import masking
from fupin.core.display import display_value

register = template.Library()


@register.simple_tag
def show(obj, name, grouped=False):
    """A field's value as it reads; ``grouped=True`` writes a count with thousands separators (not for
    years or codes, hence opt-in)."""
    field = obj._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        related = getattr(obj, name)
        return str(related) if related is not None else "—"
    value = getattr(obj, field.attname)
    if grouped and isinstance(value, int) and not isinstance(value, bool) and not field.choices:
        return f"{value:,}"
    return display_value(type(obj), name, value)


@register.simple_tag
def show_value(model_obj, name, value):
    return display_value(type(model_obj) if isinstance(model_obj, models.Model) else model_obj, name, value)


@register.simple_tag(takes_context=True)
def may(context, capability="", household=None, area="", roles=""):
    """``{% may "registry.edit" household=h as can_edit %}``: may the page's user do this action (the
    same check as the action: capability, roles "a,b", area, a helper's own household)? Buttons and
    links to actions are shown only then."""
    from fupin.core.actions import may as allowed

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return allowed(user, capability=capability or None, roles=tuple(r for r in roles.split(",") if r),
                   area=area or "", household=household)


@register.simple_tag
def label(obj, name):
    return obj._meta.get_field(name).verbose_name


@register.filter
def verb_label(value):
    """An audit event's verb in words (core.verbs)."""
    from fupin.core.verbs import verb_label as label_of

    return label_of(value)


@register.filter
def masked(value, kind="id_number"):
    return masking.MASKERS[kind](value)


@register.filter
def money(value):
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def split(value, sep=None):
    return str(value).split(sep)


@register.filter
def decimal4(value):
    """A fraction or number as a decimal with four places (MPI figures)."""
    if value in (None, ""):
        return "—"
    return f"{float(value):.4f}"


@register.filter
def percent(value, places=1):
    """0.1234 -> '12.3%'."""
    if value in (None, ""):
        return "—"
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def check_text(value):
    """A cross-check result as 发现/未发现/未比对 (older records: True/False)."""
    from django.utils.translation import gettext as _

    return {True: _("发现"), "found": _("发现"), False: _("未发现"), "not_found": _("未发现")}.get(value, _("未比对"))


@register.filter
def ok_text(value):
    """A guarantee flag as 达标/不达标 (None: no data)."""
    from django.utils.translation import gettext as _

    if value is None:
        return "—"
    return _("达标") if value else _("不达标")


def figure_text(value, kind: str = "") -> str:
    """How a figure is shown: counts with thousands separators, money with fen, percentages (the
    value is already a percentage) to one decimal place; missing as a dash."""
    if value is None or value == "":
        return "—"
    if kind == "pct":
        shown = Decimal(value).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
        return f"{shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown:,}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        return f"{Decimal(value):,.2f}"
    return str(value)


@register.simple_tag
def fig(key, value, kind="", text=None):
    """A figure that other pages show too: ``<span data-figure="key" data-value="exact">shown</span>``.

    One figure is computed by one selector; every page marks it with the same key, and the test of
    figures (tests/insights/test_one_number.py) reads each page and requires the same value."""
    from django.utils.html import format_html

    exact = "" if value is None else (format(Decimal(value).normalize(), "f") if isinstance(value, Decimal | float)
                                      else str(value))
    shown = figure_text(value, kind) if text is None else text
    return format_html('<span data-figure="{}" data-value="{}">{}</span>', key, exact, shown)


@register.simple_tag
def query_inputs(request, form_id, exclude="page"):
    """The request's GET parameters (but ``exclude``) as hidden inputs of the form ``form_id``, so a
    small GET form (the pager's 跳转) keeps the list's filters."""
    from django.utils.html import format_html_join

    return format_html_join("", '<input type="hidden" name="{}" value="{}" form="{}">',
                            ((k, v, form_id) for k, values in request.GET.lists() if k != exclude for v in values))


@register.simple_tag
def household_label(code, head="", village="", pk=None, url=""):
    """How a household appears in a list: 户主 name (linked) with the village and the 户编号 beside it.
    ``head``/``village`` come from annotations or ``select_related`` (never one query per row)."""
    from django.urls import reverse
    from django.utils.html import format_html

    link = url or (reverse("registry:household_detail", args=[pk]) if pk else "")
    name = head or code
    shown = format_html('<a href="{}">{}</a>', link, name) if link else format_html("{}", name)
    details = " · ".join(str(x) for x in (village, code if head else "") if x)
    if details:
        return format_html('{}<div class="small text-secondary" data-household-code="{}">{}</div>', shown, code,
                           details)
    return shown


@register.simple_tag
def household_named(household, linked=True):
    """One household on a detail page or a form: 户主 name with the village and the 户编号 (two small
    queries, for the one household of the page; lists use ``household_label`` with attach_labels)."""
    from django.utils.html import format_html

    from fupin.registry.selectors import attach_heads

    if household is None:
        return ""
    labelled = attach_heads([household])[0]
    if not linked:
        parts = [p for p in (labelled.head_name, labelled.village_name, household.household_code) if p]
        return format_html("{}", " · ".join(parts))
    return household_label(household.household_code, labelled.head_name, labelled.village_name,
                           url=household.get_absolute_url())


@register.simple_tag
def clock_stored_today():
    """The day the installation's clock is set to (the demo's date), or None when it runs on real time."""
    from fupin.core import clock

    return clock.stored_today()


@register.filter
def actor(label: str) -> str:
    """A recorded actor as shown: the stored "system" (the system's own steps) in words."""
    from django.utils.translation import gettext

    return gettext("系统") if label == "system" else label
