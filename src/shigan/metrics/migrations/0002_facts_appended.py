"""Fact rows are appended, not updated in place (no row every write waits on); the key is an
index, no longer unique."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0001_initial'),
        ('orgs', '0002_person_roster'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='metricfact',
            index=models.Index(fields=['metric', 'unit', 'dim', 'value', 'campaign_id', 'day'], name='metrics_fact_key'),
        ),
        migrations.RemoveConstraint(
            model_name='metricfact',
            name='metrics_fact_unique',
        ),
    ]
