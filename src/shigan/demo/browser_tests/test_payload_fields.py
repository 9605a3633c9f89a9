"""Issue 16 point 1: the payload walk cannot silently miss a field. Every free-text field of
every write in the OpenAPI schema is either fed the payload by the walk (stored or refused) or
excluded with a stated reason; a new API text field fails here until the walk covers it."""

from shigan.demo.browser_tests.payload_walk import (
    EXCLUDED,
    WALK,
    free_text_fields,
    payload_for,
    walked_fields,
)


def test_the_walk_covers_every_free_text_field_of_the_api():
    schema = free_text_fields().keys()
    walked = walked_fields()
    assert not walked & EXCLUDED.keys(), "a field is both walked and excluded"
    assert sorted(schema - EXCLUDED.keys() - walked) == [], "free-text fields the walk misses"
    assert sorted(walked - schema) == [], "walked fields the schema does not have (renamed?)"
    assert sorted(EXCLUDED.keys() - schema) == [], "stale exclusions"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_schema_reading_finds_nested_and_multipart_fields():
    # The reader itself must see into lists of objects, nested objects and multipart bodies.
    schema = free_text_fields()
    assert ("petitions_petitions_create", "petitioners.[]name") in schema
    assert ("problems_problems_create", "first_measure.text") in schema
    assert ("research_topics_plans_create", "text") in schema
    assert len({step.operation for step in WALK}) == len(WALK), "one step per operation"


def test_a_short_field_gets_a_payload_that_fits():
    assert len(payload_for(18, 7)) <= 18 and "<" in payload_for(18, 7)
    assert payload_for(None, 7) == "<img src=x onerror=alert(7)>"
    assert payload_for(25, 17) == "<svg onload=alert(17)>"
