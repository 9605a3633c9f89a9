from django.db import migrations

from shigan.core.search import TextIndex


class Migration(migrations.Migration):
    """Indexed search (core/search.py) over the texts people look for."""

    dependencies = [("petitions", "0002_union_cases"), ("core", "0005_search_function")]

    operations = [
        TextIndex("petitions_petition", "title").operation(),
    ]
