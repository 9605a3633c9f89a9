"""Issue 16 point 1 in headless Chromium: text fields holding a script payload are shown as text.

A banner editor's key task milestone, a problem, its measure, a petition and its petitioner are
entered with an `<img src=x onerror=…>` payload; the league leader (another role, desktop and
phone) and the agent visit the pages that show them and hover the Gantt tooltip. No dialog
fires, the page records no Content-Security-Policy violation, and the payload is on the page as
literal text. A control at the end injects markup with an inline handler into a page and expects
the policy to refuse it and report the violation, so the listener is known to work."""

import datetime

import pytest

from shigan.accounts.services import user_create
from shigan.campaigns import services as campaigns
from shigan.core.services import calendar_year_seed
from shigan.demo.services import DEMO_PASSWORD, demo_setup
from shigan.initiatives import services as initiatives
from shigan.orgs.models import Unit
from shigan.orgs.services import membership_grant
from shigan.petitions import services as petitions
from shigan.problems import services as problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
PAYLOAD = "<img src=x onerror=alert(document.domain)>"

# Recorded inside the page before any of its scripts run; an init script is not subject to CSP.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def setting():
    demo_setup(scenario=False)
    calendar_year_seed(actor=None, year=2023)
    region = Unit.objects.get(division_level=1, division_code="150000000000")
    banner = Unit.objects.get(division_level=3, division_code="152522000000")
    gacha = Unit.objects.get_children(Unit.objects.get_children(banner).first()).first()
    campaign = campaigns.campaign_create(
        actor=None, name="主题教育", root_unit=region, starts_on=D(2023, 4, 1)
    )
    task = initiatives.key_task_create(
        actor=None,
        campaign=campaign,
        unit=banner,
        area="ecology",
        title=f"草原修复{PAYLOAD}",
        starts_on=D(2023, 4, 3),
        roadmap=PAYLOAD,
    )
    initiatives.milestone_add(actor=None, key_task=task, title=PAYLOAD, due_on=D(2023, 5, 10))
    problem = problems.problem_create(
        actor=None,
        unit=banner,
        title=f"问题{PAYLOAD}",
        source="self_inspection",
        found_on=D(2023, 4, 10),
        campaign=campaign,
        description=PAYLOAD,
    )
    problems.measure_add(actor=None, problem=problem, text=PAYLOAD, added_on=D(2023, 4, 11))
    agent_user = user_create(actor=None, username="payload_agent", password=DEMO_PASSWORD)
    membership_grant(actor=None, user=agent_user, unit=gacha, role="editor")
    agent = petitions.agent_appoint(actor=None, user=agent_user, unit=gacha)
    petition = petitions.petition_intake(
        actor=agent_user,
        agent=agent,
        received_on=D(2023, 4, 3),
        channel="visit",
        title=f"信访{PAYLOAD}",
        request=PAYLOAD,
        category="land",
        first_time=True,
        petitioners=[{"name": PAYLOAD, "phone": "13812345678"}],
    )
    return {"task": task, "problem": problem, "petition": petition, "banner": banner}


def watched(page):
    """Collects dialogs and CSP reports (the console's and the page's own events)."""
    seen = {"dialogs": [], "console": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Content Security Policy" in msg.text
            and seen["console"].append(msg.text)
        ),
    )
    page.add_init_script(WATCH)
    return seen


def visit(page, seen, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(PAYLOAD).first.is_visible(), url  # shown as text, not as markup
    assert page.locator("img[src=x]").count() == 0, url
    violations = page.evaluate("window.__violations")
    assert not violations, (url, violations)
    assert not seen["console"], (url, seen["console"])
    assert not seen["dialogs"], (url, seen["dialogs"])


@pytest.mark.parametrize("width", [1280, 390])
def test_payloads_stay_text_under_the_policy(login, live_server, setting, width):
    task, problem, petition = setting["task"], setting["problem"], setting["petition"]
    leader = login("league_leader", width=width)
    seen = watched(leader)
    visit(leader, seen, f"{live_server.url}/initiatives/tasks/{task.pk}/")
    leader.locator("#gantt svg").first.wait_for()
    bar = leader.locator("#gantt svg path").last
    bar.hover(force=True)
    leader.wait_for_timeout(300)
    assert not seen["dialogs"] and not leader.evaluate("window.__violations")
    visit(leader, seen, f"{live_server.url}/problems/{problem.pk}/")
    visit(leader, seen, f"{live_server.url}/problems/units/{setting['banner'].pk}/")
    visit(leader, seen, f"{live_server.url}/petitions/{petition.pk}/")

    agent = login("payload_agent", width=width)
    seen = watched(agent)
    visit(agent, seen, f"{live_server.url}/petitions/{petition.pk}/")

    # The control: markup with an inline handler is refused by the policy, and reported.
    agent.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        "'<img src=data:, onerror=\"window.__ran = 1\">')"
    )
    agent.wait_for_timeout(300)
    assert agent.evaluate("window.__ran") is None
    assert any("script-src" in v for v in agent.evaluate("window.__violations"))


def test_the_policy_header(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
