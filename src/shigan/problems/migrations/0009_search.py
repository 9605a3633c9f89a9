from django.db import migrations

from shigan.core.search import TextIndex


class Migration(migrations.Migration):
    """Indexed search (core/search.py) over the texts people look for."""

    dependencies = [("problems", "0008_carry_over"), ("core", "0005_search_function")]

    operations = [
        TextIndex("problems_problem", "title").operation(),
        TextIndex("problems_measure", "text").operation(),
    ]
