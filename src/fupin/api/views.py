"""Pages of the api app: the interface documentation (Swagger UI served from the vendored
sidecar, no CDN) and the page where a user creates or revokes their own API token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fupin.api import actions


class SchemaView(SpectacularAPIView):
    """The OpenAPI document (readable without logging in: it holds no data)."""

    authentication_classes = []
    permission_classes = []
    schema = None


class DocsView(SpectacularSwaggerView):
    authentication_classes = []
    permission_classes = []
    schema = None
    url_name = "api:schema"
    template_name = "api/docs.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["token_url"] = reverse("api:tokens")
        return response


docs = DocsView.as_view()


@login_required
def tokens(request):
    return _tokens_page(request)


def _tokens_page(request, new_key: str | None = None):
    from fupin.api.models import ApiToken

    token = ApiToken.objects.filter(user=request.user).first()
    return render(request, "api/tokens.html", {"token": token, "new_key": new_key, "nav_active": "api",
                                               "docs_url": reverse("api:docs")})


@require_POST
@login_required
def token_create(request):
    try:
        key = actions.create_token(actor=request.user, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        # Shown once, in this response; it is stored nowhere (only its hash is kept).
        messages.success(request, _("已创建接口令牌。请立即复制保存：离开本页后不再显示。"))
        return _tokens_page(request, new_key=key)
    return redirect("api:tokens")


@require_POST
@login_required
def token_revoke(request):
    if actions.revoke_token(actor=request.user, user=request.user):
        messages.success(request, _("已撤销接口令牌，使用它的程序将无法再访问。"))
    return redirect("api:tokens")
