"""Report factories with traits for each lifecycle state (open-forms style)."""

import random

import factory
from factory.django import DjangoModelFactory

from reports.formats import format_version_for_year
from reports.generate import as_json, plausible_texts, plausible_values
from reports.models import AnnualReport, ReportingYear, ReportSection, ReportStatus
from tests.factories import BodyFactory, DistrictFactory


class ReportingYearFactory(DjangoModelFactory[ReportingYear]):
    class Meta:
        model = ReportingYear
        django_get_or_create = ("district", "year")

    district = factory.SubFactory(DistrictFactory)
    year = 2025
    format_version = factory.LazyAttribute(lambda o: format_version_for_year(o.year))
    deadline = factory.LazyAttribute(lambda o: ReportingYear.default_deadline(o.year))


class AnnualReportFactory(DjangoModelFactory[AnnualReport]):
    """`AnnualReportFactory(filled=True)` gives a report whose every section passes the hard rules."""

    class Meta:
        model = AnnualReport
        skip_postgeneration_save = True

    reporting_year = factory.SubFactory(ReportingYearFactory)
    body = factory.SubFactory(BodyFactory)
    body_name = factory.LazyAttribute(lambda o: o.body.name)
    status = ReportStatus.DRAFT

    class Params:
        filled = False
        submitted = factory.Trait(filled=True, status=ReportStatus.PENDING_HEAD)
        approved_l1 = factory.Trait(filled=True, status=ReportStatus.PENDING_DIRECTOR)
        approved = factory.Trait(filled=True, status=ReportStatus.APPROVED)
        published = factory.Trait(filled=True, status=ReportStatus.PUBLISHED)

    sections = factory.Maybe(
        "filled",
        yes_declaration=factory.PostGeneration(lambda obj, create, extracted, **kw: _sections(obj, create, True, **kw)),
        no_declaration=factory.PostGeneration(lambda obj, create, extracted, **kw: _sections(obj, create, False)),
    )
    # A published report has its published version (after the sections: it is their snapshot).
    published_version = factory.PostGeneration(lambda obj, create, extracted, **kw: _published_version(obj, create))


def _published_version(obj, create):
    """Version 1, done, with the snapshot of the sections: what the portal and the summary read.
    The PDF file itself is not rendered (tests that need it publish through the worker)."""
    if not create or obj.status != ReportStatus.PUBLISHED or obj.imported:
        return
    from django.utils import timezone

    from reports.publishing.models import ReportPdf
    from reports.publishing.snapshot import snapshot_of

    ReportPdf.objects.create(report=obj, version=1, status=ReportPdf.Status.DONE, file=f"factory/{obj.pk}.pdf",
                             sha256="0" * 64, content=snapshot_of(obj), published_at=timezone.now(),
                             rendered_at=timezone.now())


def _sections(obj, create, filled, seed=None, **kwargs):
    """The six section rows; filled: content that passes every hard rule (seeded per report)."""
    if not create:
        return
    fmt = obj.format
    data, texts = {}, {}
    if filled:
        # Seeded by body and year, not by pk: the same content whatever order the tests run in.
        values = plausible_values(fmt, random.Random(seed if seed is not None else f"{obj.body.code}-{obj.year}"))
        data = as_json(fmt, values)
        texts = plausible_texts(fmt, values, body_name=obj.body_name, year=obj.year)
    for section in fmt.sections:
        ids = {c.id for t in section.tables for c in t.cells()}
        ReportSection.objects.create(
            report=obj, key=section.key, values={k: v for k, v in data.items() if k in ids},
            texts={k: v for k, v in texts.items() if k.split(".")[0] == section.key},
        )
