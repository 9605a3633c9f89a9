"""Shared test fixtures: the real Inner Mongolia division tree, loaded once per test database."""

import itertools
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from shigan.accounts.system import system_actor
from shigan.orgs.divisions import divisions_import
from shigan.orgs.models import Unit

# Units of the real NBS tree used across tests, by (level, 12-digit code).
REGION = (1, "150000000000")  # 内蒙古自治区
XILINGOL = (2, "152500000000")  # 锡林郭勒盟
ABAG = (3, "152522000000")  # 阿巴嘎旗
SUNID_LEFT = (3, "152523000000")  # 苏尼特左旗, a sibling banner
ORDOS = (2, "150600000000")  # 鄂尔多斯市, an unrelated league-level city


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Unit.objects.exists():
            divisions_import(actor=system_actor("test"), province="15", depth=5)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at its production cost makes each test user take ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _checkpoint_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit")


_checkpoint_files = itertools.count()


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(settings, _checkpoint_dir):
    # The audit checkpoints live outside the database, so they outlive each test's rolled-back
    # or flushed data: every test gets its own file.
    settings.SHIGAN_AUDIT_CHECKPOINTS = _checkpoint_dir / f"{next(_checkpoint_files)}.log"


@pytest.fixture(autouse=True)
def _unthrottled_api(settings):
    # The API's rate limits (shigan.core.throttling) would refuse a test that happens to make
    # many requests; core/tests/test_throttling.py sets them where they are the subject.
    settings.SHIGAN_API_RATE_USER = None
    settings.SHIGAN_API_RATE_ANON = None


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached pages are keyed by data versions, which roll back with each test's transaction:
    # an entry of one test must not meet the next test's data under the same tokens.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_by_default():
    # A request in English leaves English active in the thread (LocaleMiddleware does not
    # reset it); every test starts from the product's default language.
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The working-day cache outlives each test's rolled-back transaction.
    from shigan.core import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@dataclass
class _Kept:
    """What `committed_once` keeps of a build: the database it left, copied into a second
    in-memory SQLite database, with what goes with it outside the database."""

    database: sqlite3.Connection
    result: object
    home: Path
    checkpoints: bytes | None


@pytest.fixture(scope="session")
def _kept_builds():
    kept: dict[str, _Kept] = {}
    yield kept
    for build in kept.values():
        build.database.close()


@pytest.fixture
def committed_once(_kept_builds, settings, tmp_path_factory):
    """`committed_once(key, build)` for a transactional (browser) test's slow committed setup,
    the demo accounts or the whole scenario: the first time a worker asks for `key` on SQLite
    it runs `build()` and keeps the database it left; after that it copies that database back
    in with SQLite's backup API (a second instead of a minute: each transactional test ends by
    emptying the database, division tree included). Its audit checkpoints go with it, so the
    audit chain still verifies; with `home=True` so do the files it wrote (a `SHIGAN_HOME` of
    its own, kept for the session). On PostgreSQL it just runs `build()`."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    def run(key: str, build, *, home: bool = False):
        checkpoints = Path(settings.SHIGAN_AUDIT_CHECKPOINTS)
        if connection.vendor != "sqlite":
            return build()
        connection.ensure_connection()
        kept = _kept_builds.get(key)
        if kept is None:
            if home:
                settings.SHIGAN_HOME = tmp_path_factory.mktemp(f"home-{key}")
            result = build()
            database = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(database)
            saved = checkpoints.read_bytes() if checkpoints.exists() else None
            _kept_builds[key] = _Kept(database, result, settings.SHIGAN_HOME, saved)
            return result
        if home:
            settings.SHIGAN_HOME = kept.home
        kept.database.backup(connection.connection)
        if kept.checkpoints is not None:
            checkpoints.parent.mkdir(parents=True, exist_ok=True)
            checkpoints.write_bytes(kept.checkpoints)
        ContentType.objects.clear_cache()  # ids as the kept database has them
        cache.clear()
        return kept.result

    return run


@pytest.fixture
def demo_accounts(committed_once):
    """The division tree and the demo accounts, committed for a browser test's live server."""
    from shigan.demo.services import demo_setup

    committed_once("demo-accounts", lambda: demo_setup(scenario=False))


def division(key: tuple[int, str]) -> Unit:
    level, code = key
    return Unit.objects.get(division_level=level, division_code=code)


@pytest.fixture
def units(db):
    """Units around the 阿巴嘎旗 banner: own, child, grandchild, parent, sibling, unrelated."""
    own = division(ABAG)
    child = Unit.objects.get_children(own).first()
    grandchild = Unit.objects.get_children(child).first()
    return {
        "region": division(REGION),
        "parent": division(XILINGOL),
        "own": own,
        "child": child,
        "grandchild": grandchild,
        "sibling": division(SUNID_LEFT),
        "unrelated": division(ORDOS),
    }


@pytest.fixture
def system(db):
    """The system's own account as the actor of a test's setup (`accounts.system_actor`)."""
    return system_actor("test")


@pytest.fixture
def make_user(db):
    from shigan.accounts.services import user_create
    from shigan.orgs.services import membership_grant

    counter = {"n": 0}

    def make(role: str | None = None, unit: Unit | None = None, **kwargs):
        counter["n"] += 1
        user = user_create(
            actor=system_actor("test"),
            username=kwargs.pop("username", f"user{counter['n']}"),
            password=kwargs.pop("password", "correct-horse-battery-1"),
            **kwargs,
        )
        if role and unit:
            membership_grant(actor=system_actor("test"), user=user, unit=unit, role=role)
        return user

    return make


CHROMIUM = os.environ.get("SHIGAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = os.path.join(os.environ.get("SHIGAN_HOME", "var"), "screenshots")
SLOW_TEST_TIMEOUT = 900  # seconds


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; never a downloaded browser.

    Without Chromium the browser tests skip with a hint; CI sets SHIGAN_REQUIRE_BROWSER=1, which
    turns that skip into a failure.
    """
    if not os.path.exists(CHROMIUM):
        message = (
            f"没有找到 Chromium（{CHROMIUM}）：运行 apt-get install chromium fonts-noto-cjk "
            "以启用浏览器测试，或设置 SHIGAN_CHROMIUM 指向浏览器。"
        )
        if os.environ.get("SHIGAN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _serial_live_server_on_sqlite(request):
    """On SQLite's in-memory test database the live server's request threads share the test's
    one connection (`connections_override`), so two requests of one page (a chart's data, the
    notices badge) can collide in it ("no such savepoint", "cannot start a transaction within
    a transaction"). A real server gives each thread its own connection; here the requests take
    turns (each request, not each connection: a browser keeps idle connections open).
    PostgreSQL keeps them concurrent."""
    if "live_server" not in request.fixturenames:
        yield
        return
    live_server = request.getfixturevalue("live_server")
    httpd = live_server.thread.httpd
    if not live_server.thread.connections_override:
        yield
        return
    app, turn = httpd.get_app(), threading.Lock()

    def one_at_a_time(environ, start_response):
        with turn:
            response = app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        return [body]

    httpd.set_app(one_at_a_time)
    yield
    httpd.set_app(app)


@pytest.fixture
def login(browser, live_server):
    """`login(username, width=…, height=…, timeout=…, javascript=…)` opens a page logged in as a
    demo-password account (downloads allowed; `timeout` in ms for every wait); every context it
    opened is closed after the test (their idle connections would outlive the live server's
    shared database)."""
    from shigan.demo.services import DEMO_PASSWORD

    contexts, steps = [], {}

    def open_page(username, width=1280, height=900, timeout=15000, javascript=True):
        context = browser.new_context(
            locale="zh-CN",
            viewport={"width": width, "height": height},
            accept_downloads=True,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/second-factor/" in page.url:
            _second_factor(page, username, steps)
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def _second_factor(page, username, steps):
    """The login page's second step, for accounts that must use one (office, auditor …), as
    an authenticator app would answer it: verification with a code of the demo accounts'
    published secret, enrolment with a code of the secret the page shows. A code is accepted
    once, so a second login of the same account within 30 seconds takes the next step's code
    (the server accepts one step either side). No database access from the test's thread: it
    would collide with the live server's requests on SQLite's shared in-memory database.
    (accounts/tests/test_second_factor_browser.py tests this step itself.)"""
    import time
    from base64 import b32decode

    from django_otp.oath import hotp

    from shigan.demo.services import DEMO_TOTP_SECRET

    if "/verify/" in page.url:
        key = b32decode(DEMO_TOTP_SECRET)
    else:
        key = b32decode(page.locator("#otp-secret").inner_text().replace(" ", ""))
    step = max(int(time.time()) // 30, steps.get(username, -1) + 1)
    while step > int(time.time()) // 30 + 1:
        time.sleep(1)
    steps[username] = step
    page.locator("#id_token").fill(f"{hotp(key, step):06d}")
    if "/verify/" in page.url:
        page.get_by_role("button", name="验证").click()
        return
    page.get_by_role("button", name="启用").click()
    page.get_by_role("link", name="我已保存，继续").click()


@pytest.fixture
def screenshot_dir():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    # Under pytest-xdist (`--dist loadgroup`), the tests that share the demo package's scenario
    # run in one worker, which builds it once; spread out, every worker would build it.
    # A transactional test (a browser test) is never grouped: its database flush at the end
    # would leave the worker's other tests without the division tree.
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        if "scenario" in getattr(item, "fixturenames", ()) and not transactional:
            item.add_marker(pytest.mark.xdist_group("demo-scenario"))
        # pytest-timeout's default (pyproject) bounds one test; building the scenario (in the
        # first test that asks for it) or driving a browser over it takes longer.
        if "scenario" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.timeout(SLOW_TEST_TIMEOUT))
    # xdist deals the tests out as the workers ask, in this order: the long ones go first, so
    # that none of them is dealt last and runs on alone while the other worker waits (the
    # layout crawl, ~8 minutes, did: a third of the run).
    items.sort(
        key=lambda item: (
            not item.get_closest_marker("long"),
            not item.get_closest_marker("browser"),
        )
    )
