from django.db import migrations

from shigan.core.search import TextIndex


class Migration(migrations.Migration):
    """Indexed search (core/search.py) over the texts people look for."""

    dependencies = [("research", "0002_promotions"), ("core", "0005_search_function")]

    operations = [
        TextIndex("research_researchtopic", "title").operation(),
    ]
