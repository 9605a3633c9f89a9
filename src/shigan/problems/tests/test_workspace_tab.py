"""The campaign workspace shows the unit's rectification figures in its own tab."""

from django.urls import reverse


def test_workspace_problems_tab_links_the_ledger_and_the_figures(client, editor, problem, units):
    client.force_login(editor)
    url = reverse("campaigns:workspace", args=[problem.campaign_id, units["own"].pk])
    body = client.get(url + "?tab=problems").content.decode()
    assert 'href="?tab=problems"' in body
    assert reverse("problems:ledger", args=[units["own"].pk]) in body
    assert reverse("metrics:records", args=["problems.found"]) in body


def test_workspace_delivery_tab_links_the_key_task_figures(client, editor, problem, units):
    client.force_login(editor)
    url = reverse("campaigns:workspace", args=[problem.campaign_id, units["own"].pk])
    body = client.get(url + "?tab=initiatives").content.decode()
    assert 'href="?tab=initiatives"' in body
    assert reverse("metrics:records", args=["initiatives.key_tasks"]) in body
