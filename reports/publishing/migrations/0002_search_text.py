"""The portal searches a plain text per published version (reports/publishing/search.py), backed on
PostgreSQL by a pg_trgm GIN index; existing published versions get their text here."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    """A PostgreSQL-only index (GIN, pg_trgm): in the state everywhere, created only on PostgreSQL,
    so that SQLite (the demo) still migrates."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class _PublishedReport:
    """What the view-model reads of a report, from the version's own snapshot."""

    def __init__(self, pdf):
        from reports.formats import get_format

        report, year = pdf.report, pdf.report.reporting_year
        self.format = get_format(year.format_version, year.format_variant or None)
        self.imported = report.imported
        self.body_name = pdf.content.get("body_name") or report.body_name
        self.year = pdf.content.get("year") or year.year


def backfill(apps, schema_editor):
    ReportPdf = apps.get_model("publishing", "ReportPdf")
    versions = ReportPdf.objects.filter(status="done", search_text="").select_related("report__reporting_year")
    if not versions.exists():
        return
    from reports.publishing.search import search_text
    from reports.publishing.snapshot import snapshot_document

    for pdf in versions.iterator():
        pdf.search_text = search_text(snapshot_document(_PublishedReport(pdf), pdf.content))
        pdf.save(update_fields=["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0001_initial"),
        ("reports", "0003_reportingyear_reminder_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportpdf",
            name="search_text",
            field=models.TextField(blank=True, default="", verbose_name="检索文本"),
        ),
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; nothing on SQLite
        migrations.RunPython(backfill, migrations.RunPython.noop),
        AddIndexOnPostgres(
            model_name="reportpdf",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("search_text"), name="gin_trgm_ops"),
                name="reportpdf_search_trgm",
            ),
        ),
    ]
