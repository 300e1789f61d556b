"""Bulk work as jobs: upload a household workbook (the same import as the 数据交换 page, run by
the task worker) and follow its job's status and progress."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from fupin.accounts.roles import Cap
from fupin.api.base import ReadOnlyModelSerializer, ScopedViewSet
from fupin.core.models import Job
from fupin.exchange import actions, selectors
from fupin.exchange.models import ImportBatch

TAGS = ["批量任务"]


class JobSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "title", "division_code", "status", "progress", "message", "result", "error",
                  "created_at", "started_at", "finished_at"]


def visible_jobs(user):
    """Jobs in the user's area, and the jobs the user started (their area may be wider than one grant)."""
    return Job.objects.filter(Q(pk__in=Job.objects.visible_to(user).values("pk")) | Q(created_by=user)) \
        .order_by("-created_at", "-pk")


@extend_schema_view(
    list=extend_schema(summary="后台任务列表", description="用户区域内的、以及用户自己发起的后台任务（导入、识别运行等）。", tags=TAGS),
    retrieve=extend_schema(summary="后台任务状态", description="状态（排队中、运行中、已完成、失败）、进度百分比、当前步骤和结果。",
                           tags=TAGS),
)
class JobViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = Job.objects.none()
    serializer_class = JobSerializer
    filterset_fields = {"status": ["exact"], "kind": ["exact"]}
    capabilities = {"read": Cap.VIEW_REGISTRY}

    @staticmethod
    def selector(user):
        return visible_jobs(user)


class ImportSerializer(ReadOnlyModelSerializer):
    job = JobSerializer()

    class Meta:
        model = ImportBatch
        fields = ["id", "file_name", "division_code", "dry_run", "partial", "sync_members", "status", "counts",
                  "problem_count", "created_at", "job"]


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("户籍成员明细表（xlsx 或 CSV）"))
    dry_run = serializers.BooleanField(label=_("只检查不导入"), required=False, default=False)
    partial = serializers.BooleanField(label=_("跳过有错误的户，导入其余的"), required=False, default=False)
    sync_members = serializers.BooleanField(label=_("同步减员（表中没有的成员记为减员）"), required=False, default=False)


@extend_schema_view(
    list=extend_schema(summary="导入批次列表", description="用户区域内的户籍导入批次。", tags=TAGS),
    retrieve=extend_schema(summary="导入批次详情", description="批次的状态、统计和错误数；进度见其后台任务。", tags=TAGS),
)
class ImportViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = ImportBatch.objects.none()
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser, FormParser]
    capabilities = {"read": Cap.IMPORT_REGISTRY, "create": Cap.IMPORT_REGISTRY}

    @staticmethod
    def selector(user):
        return selectors.import_batches(user).order_by("-created_at", "-pk")

    def get_object(self):
        return selectors.get_import(self.request.user, self.kwargs["pk"])

    @extend_schema(summary="上传户籍工作簿（后台导入）", description="上传户籍成员明细表，开始与“数据交换”页面相同的导入任务，"
                                                        "立即返回批次和任务 ID；用 GET /api/v1/jobs/{id}/ 查看进度。", tags=TAGS,
                   request={"multipart/form-data": ImportCreateSerializer}, responses={202: ImportSerializer})
    def create(self, request):
        data = self.input(ImportCreateSerializer)
        upload = data["file"]
        batch = actions.create_import(actor=request.user, name=upload.name, data=upload.read(),
                                      dry_run=data["dry_run"], partial=data["partial"],
                                      sync_members=data["sync_members"])
        return Response(self.read(ImportSerializer, batch), status=status.HTTP_202_ACCEPTED)
