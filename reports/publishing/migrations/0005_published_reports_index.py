"""Which reports are published (a done version), for thousands of reports at once (the portal's search
over a year of a city): a partial index of the done versions' reports, answered from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0004_search_text_plain_trigrams'),
        ('reports', '0005_timeline_append_only_and_state_constraints'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reportpdf',
            index=models.Index(condition=models.Q(('status', 'done')), fields=['report'], name='reportpdf_done_report'),
        ),
    ]
