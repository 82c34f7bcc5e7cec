"""/api/v1/: read-only, a bearer token per call, only the token's districts, every call recorded.

Thin: the query is validated by a serializer, the selectors read (always within the token's
districts), the serializers answer. A report of another district does not exist for a token (404).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from config.client_ip import client_ip
from portal import opendata

from . import selectors, serializers
from .auth import BearerTokenAuthentication, HasScope, TokenRateThrottle
from .models import ApiCall, Scope

ERRORS = {
    401: OpenApiResponse(description="没有令牌，或令牌无效、已吊销、已过期"),
    403: OpenApiResponse(description="令牌没有该接口的权限范围"),
    429: OpenApiResponse(description="调用过于频繁（见 Retry-After）"),
}


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """DRF's handler, except that it does not mark the transaction for rollback: the API changes
    nothing, and the call's record (written as the answer is finalised) must stay."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("没有找到。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's 500
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    data = exc.detail if isinstance(exc.detail, list | dict) else {"detail": exc.detail}
    return Response(data, status=exc.status_code, headers=headers)


def call_record(request, response):
    """The append-only record of one call: its token (None without a valid one), what, answer, when, from where."""
    ApiCall.objects.create(token=getattr(request, "_api_token", None), method=request.method[:10],
                           path=request.get_full_path()[:500], status=response.status_code,
                           ip_address=client_ip(request))


class ApiView(GenericAPIView):
    """Every endpoint: the token, its scope, its rate, the call record, no caching of the answer."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    required_scope = Scope.READ
    query_serializer: type | None = None

    @classmethod
    def as_view(cls, **initkwargs):
        # Read-only: no request transaction (on the demo's SQLite one would take the write lock).
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def get_exception_handler(self):
        return exception_handler

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated("请在 Authorization 头中提供令牌：Bearer <令牌>。")
        raise exceptions.PermissionDenied(message or HasScope.message)

    def throttled(self, request, wait):
        seconds = max(1, int(wait or 1))
        refusal = exceptions.Throttled(wait=seconds)
        refusal.detail = exceptions.ErrorDetail(f"调用过于频繁，请 {seconds} 秒后再试。", code="throttled")
        raise refusal

    def query(self) -> dict:
        serializer = self.query_serializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @property
    def district_ids(self):
        return self.request.user.district_ids

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        call_record(request, response)
        return response


class Schema(SpectacularAPIView):
    """The OpenAPI document: public (it holds no data), recorded like every other call."""

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        call_record(request, response)
        return response


@extend_schema(tags=["区与单位"], summary="令牌可读取的区", responses={200: serializers.DistrictSerializer(many=True), **ERRORS})
class DistrictList(ApiView):
    def get(self, request):
        return Response(serializers.DistrictSerializer(selectors.districts(self.district_ids), many=True).data)


@extend_schema(tags=["区与单位"], summary="报送单位", parameters=[serializers.BodyQuerySerializer],
               responses={200: serializers.BodySerializer(many=True), **ERRORS})
class BodyList(ApiView):
    query_serializer = serializers.BodyQuerySerializer
    serializer_class = serializers.BodySerializer
    pagination_class = Pages

    def get(self, request):
        page = self.paginate_queryset(selectors.bodies(self.district_ids, **self.query()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["报告"], summary="报告年度", parameters=[serializers.DistrictQuerySerializer],
               responses={200: serializers.YearSerializer(many=True), **ERRORS})
class YearList(ApiView):
    query_serializer = serializers.DistrictQuerySerializer

    def get(self, request):
        found = selectors.years(self.district_ids, **self.query())
        return Response(serializers.YearSerializer(found, many=True).data)


@extend_schema(tags=["报告"], summary="报告及其状态", parameters=[serializers.ReportQuerySerializer],
               responses={200: serializers.ReportSerializer(many=True), **ERRORS})
class ReportList(ApiView):
    query_serializer = serializers.ReportQuerySerializer
    serializer_class = serializers.ReportSerializer
    pagination_class = Pages

    def get(self, request):
        page = self.paginate_queryset(selectors.reports(self.district_ids, **self.query()))
        return self.get_paginated_response(self.get_serializer(selectors.with_versions(page), many=True).data)


def _report(view, pk):
    found = selectors.report(view.district_ids, pk)
    if found is None:
        raise Http404
    return found


@extend_schema(tags=["报告"], summary="一份报告：状态与发布版本",
               responses={200: serializers.ReportDetailSerializer, 404: OpenApiResponse(description="没有这份报告"),
                          **ERRORS})
class ReportDetail(ApiView):
    def get(self, request, pk):
        return Response(serializers.ReportDetailSerializer(_report(self, pk)).data)


@extend_schema(tags=["报告"], summary="已发布的统计数据（按规范单元格编号）",
               description="与门户网站的开放数据相同：现行发布版本的数值；未发布的报告为 404。",
               responses={200: serializers.ReportValuesSerializer,
                          404: OpenApiResponse(description="没有这份报告，或尚未发布"), **ERRORS})
class ReportValues(ApiView):
    def get(self, request, pk):
        item = _report(self, pk)
        if not item.published:
            raise exceptions.NotFound("这份报告尚未发布。")
        data = {"id": item.report.pk, "district": item.report.reporting_year.district.code,
                **opendata.report_json(item)}
        return Response(data)


@extend_schema(tags=["报告"], summary="报告的时间线（须有 timelines 权限范围）",
               responses={200: serializers.EventSerializer(many=True), 404: OpenApiResponse(description="没有这份报告"),
                          **ERRORS})
class ReportTimeline(ApiView):
    required_scope = Scope.TIMELINES

    def get(self, request, pk):
        item = _report(self, pk)
        return Response(serializers.EventSerializer(selectors.timeline(item.report), many=True).data)


@extend_schema(tags=["汇总"], summary="区级汇总",
               parameters=[serializers.SummaryQuerySerializer,
                           OpenApiParameter("district", str, OpenApiParameter.PATH, description="区代码"),
                           OpenApiParameter("year", int, OpenApiParameter.PATH, description="报告年度")],
               responses={200: serializers.SummarySerializer, 404: OpenApiResponse(description="没有这个区的这一年度"),
                          **ERRORS})
class Summary(ApiView):
    query_serializer = serializers.SummaryQuerySerializer

    def get(self, request, district, year):
        found = selectors.summary(self.district_ids, district=district, year=year, **self.query())
        if found is None:
            raise Http404
        return Response({"district_code": district, **found.as_json()})


@extend_schema(tags=["汇总"], summary="市级汇总（令牌须能读取该市的全部区）",
               description="与「全市 › 市级汇总」相同：各区汇总逐格相加，硬性规则在合计上重新核对；"
                           "报告年度格式不同的区单列于 apart，不计入合计。",
               parameters=[serializers.SummaryQuerySerializer,
                           OpenApiParameter("city", str, OpenApiParameter.PATH, description="市代码"),
                           OpenApiParameter("year", int, OpenApiParameter.PATH, description="报告年度")],
               responses={200: serializers.CitySummarySerializer,
                          404: OpenApiResponse(description="没有这个市的这一年度，或令牌不能读取该市的全部区"),
                          **ERRORS})
class CitySummary(ApiView):
    query_serializer = serializers.SummaryQuerySerializer

    def get(self, request, city, year):
        found = selectors.city_summary(self.district_ids, city=city, year=year, **self.query())
        if found is None:
            raise Http404
        return Response(selectors.city_summary_json(found))
