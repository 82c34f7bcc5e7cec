"""The portal's search reads the plain search text (LIKE for a Chinese word, ILIKE for one with
letters): its trigram index is now on the text itself, no longer on UPPER(text), which a plain LIKE
cannot use. PostgreSQL only, like the index it replaces (0002): in the state everywhere, created and
dropped only on PostgreSQL, so that SQLite (the demo) still migrates."""

import django.contrib.postgres.indexes
from django.db import migrations


class _OnPostgres:
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexOnPostgres(_OnPostgres, migrations.AddIndex):
    pass


class RemoveIndexOnPostgres(_OnPostgres, migrations.RemoveIndex):
    pass


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0003_word_copy"),
    ]

    operations = [
        RemoveIndexOnPostgres(model_name="reportpdf", name="reportpdf_search_trgm"),
        AddIndexOnPostgres(
            model_name="reportpdf",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_text"], name="reportpdf_search_text_trgm", opclasses=["gin_trgm_ops"]),
        ),
    ]
