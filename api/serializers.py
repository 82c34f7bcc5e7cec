"""The API's answers, described once: DRF serializers (and through them the OpenAPI schema)."""

from rest_framework import serializers

from agencies.models import BodyKind
from reports.models import EventKind, ReportStatus
from reports.summary.summary import BASES


class DistrictSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="区代码")
    name = serializers.CharField(help_text="区名称")
    city = serializers.CharField(source="city.code", allow_null=True, help_text="所属市的代码（不属于任何市为 null）")
    city_name = serializers.CharField(source="city.name", allow_null=True, help_text="所属市的名称")


class BodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="单位代码（不变）")
    name = serializers.CharField(help_text="当前名称")
    short_name = serializers.CharField(help_text="简称")
    kind = serializers.ChoiceField(choices=BodyKind.choices, help_text="类型")
    kind_label = serializers.CharField(source="get_kind_display")
    district = serializers.CharField(source="district.code", help_text="区代码")
    active_from = serializers.DateField(help_text="启用日期")
    active_to = serializers.DateField(allow_null=True, help_text="撤销日期（仍在用为 null）")


class YearSerializer(serializers.Serializer):
    district = serializers.CharField(source="district.code")
    year = serializers.IntegerField(help_text="报告年度")
    format_version = serializers.CharField(help_text="格式版本")
    format_variant = serializers.CharField(help_text="地方格式（空为全国格式）")
    deadline = serializers.DateField(help_text="报送截止日期")
    report_count = serializers.IntegerField(help_text="报告数")
    published_count = serializers.IntegerField(help_text="已发布的报告数")


class ReportBodySerializer(serializers.Serializer):
    code = serializers.CharField(source="body.code")
    name = serializers.CharField(source="body_name", help_text="报告年度的单位名称")
    kind = serializers.ChoiceField(source="body.kind", choices=BodyKind.choices)


class ReportSerializer(serializers.Serializer):
    """A PublicReport: the report, its status and its published versions."""

    id = serializers.IntegerField(source="report.pk")
    district = serializers.CharField(source="report.reporting_year.district.code")
    year = serializers.IntegerField(source="report.year")
    title = serializers.CharField(source="report.title")
    body = ReportBodySerializer(source="report")
    status = serializers.ChoiceField(source="report.status", choices=ReportStatus.choices)
    status_label = serializers.CharField(source="report.get_status_display")
    imported = serializers.BooleanField(source="report.imported", help_text="导入的历史报告")
    published = serializers.BooleanField(help_text="是否有公开的版本")
    version = serializers.IntegerField(source="current.version", allow_null=True, help_text="现行发布版本")
    published_at = serializers.DateTimeField(allow_null=True, help_text="现行版本的发布时间")


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField(help_text="PDF 的 SHA-256")
    correction_reason = serializers.CharField(help_text="更正说明（第 1 版为空）")


class ReportDetailSerializer(ReportSerializer):
    first_published_at = serializers.DateTimeField(allow_null=True)
    versions = VersionSerializer(many=True, help_text="已发布的各版本，从旧到新")


class ReportValuesSerializer(serializers.Serializer):
    """The open data of a published report (portal.opendata.report_json), with its district."""

    id = serializers.IntegerField()
    district = serializers.CharField()
    title = serializers.CharField()
    body = serializers.DictField(help_text="code, name, kind")
    year = serializers.IntegerField()
    format = serializers.CharField(help_text="格式版本")
    version = serializers.IntegerField(allow_null=True)
    published_at = serializers.CharField(allow_null=True, help_text="ISO 8601")
    imported = serializers.BooleanField()
    cells = serializers.DictField(child=serializers.JSONField(), help_text="规范单元格编号 → 数值（金额为十进制字符串）")
    labels = serializers.DictField(child=serializers.CharField(), help_text="规范单元格编号 → 标签")


class EventSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    from_status = serializers.CharField(help_text="原状态（可为空）")
    to_status = serializers.CharField(help_text="新状态（可为空）")
    actor = serializers.CharField(source="actor.display_name", allow_null=True, help_text="操作人（系统操作为 null）")
    comment = serializers.CharField()


class RuleResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    """The district summary of a year (reports.summary.summary.DistrictSummary.as_json)."""

    district_code = serializers.CharField()
    district = serializers.CharField(help_text="区名称")
    year = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=[(k, v[0]) for k, v in BASES.items()])
    bodies = serializers.IntegerField(help_text="计入汇总的报告数")
    missing = serializers.ListField(child=serializers.CharField(), help_text="未计入的单位")
    cells = serializers.DictField(child=serializers.JSONField(), help_text="规范单元格编号 → 合计")
    rules = RuleResultSerializer(many=True, help_text="硬性规则在合计上的结果")


class CitySummaryDistrictSerializer(serializers.Serializer):
    district_code = serializers.CharField()
    district = serializers.CharField(help_text="区名称")
    bodies = serializers.IntegerField(help_text="计入汇总的报告数")
    missing = serializers.ListField(child=serializers.CharField(), help_text="未计入的单位")


class CitySummarySerializer(serializers.Serializer):
    """The city summary of a year (reports.city.selectors.city_summary, as api.selectors.city_summary_json)."""

    city_code = serializers.CharField()
    city = serializers.CharField(help_text="市名称")
    year = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=[(k, v[0]) for k, v in BASES.items()])
    bodies = serializers.IntegerField(help_text="计入汇总的报告数（各区合计）")
    missing = serializers.IntegerField(help_text="未计入的单位数（各区合计）")
    districts = CitySummaryDistrictSerializer(many=True, help_text="计入汇总的各区")
    apart = serializers.ListField(child=serializers.CharField(), help_text="报告年度格式不同、未计入合计的区（区代码）")
    cells = serializers.DictField(child=serializers.JSONField(), help_text="规范单元格编号 → 合计")
    rules = RuleResultSerializer(many=True, help_text="硬性规则在合计上的结果")


# Query parameters (validated: a bad one is a 400 with the reason, never a 500).

class DistrictQuerySerializer(serializers.Serializer):
    district = serializers.CharField(required=False, max_length=32, help_text="区代码")


class BodyQuerySerializer(DistrictQuerySerializer):
    kind = serializers.ChoiceField(required=False, choices=BodyKind.choices)


class ReportQuerySerializer(DistrictQuerySerializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    body = serializers.CharField(required=False, max_length=32, help_text="单位代码")
    status = serializers.ChoiceField(required=False, choices=ReportStatus.choices)


class SummaryQuerySerializer(serializers.Serializer):
    basis = serializers.ChoiceField(required=False, default="published", choices=[(k, v[0]) for k, v in BASES.items()])
