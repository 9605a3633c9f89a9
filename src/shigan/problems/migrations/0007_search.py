from django.db import migrations

from shigan.core.search import TextIndex


class Migration(migrations.Migration):
    """Indexed search (core/search.py) over the texts people look for."""

    dependencies = [("problems", "0006_problem_co_responsible"), ("core", "0004_search_function")]

    operations = [
        TextIndex("problems_problem", "title").operation(),
        TextIndex("problems_measure", "text").operation(),
    ]
