"""The Word copy of each published version (reports/publishing/copies.py). Versions published before
get theirs on first download, from the publish task or from `manage.py make_word_copies`."""

import reports.publishing.storage
from django.db import migrations, models


class AddTextColumn(migrations.AddField):
    """A NOT NULL text column with the default "". On SQLite Django adds such a column by rebuilding
    the table, and the rebuild creates every index of the model state again, the PostgreSQL-only
    trigram index of 0002 included (a syntax error there): SQLite gets ALTER TABLE … ADD COLUMN."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} ADD COLUMN "
            f"{schema_editor.quote_name(field.column)} {field.db_type(schema_editor.connection)} NOT NULL DEFAULT ''")


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_search_text'),
    ]

    operations = [
        AddTextColumn(
            model_name='reportpdf',
            name='docx',
            field=models.FileField(blank=True, max_length=255, storage=reports.publishing.storage.pdf_storage, upload_to='', verbose_name='Word 文件'),
        ),
        AddTextColumn(
            model_name='reportpdf',
            name='docx_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='Word 文件 SHA-256'),
        ),
        migrations.AddField(
            model_name='reportpdf',
            name='docx_size',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='Word 文件大小（字节）'),
        ),
    ]
