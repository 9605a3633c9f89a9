"""A local HTTP receiver for the channel tests: a real http.server in a thread that records
every request and answers as the vendors do (a token for gettoken, errcode 0 otherwise), or
with what a test scripts: a status code, a body, a delay longer than the client's timeout.

Fixtures: `receiver`, and `channels` — every channel's settings pointed at the receiver."""

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

__all__ = ["Receiver", "receiver", "channels"]

TOKEN = "TOKEN-abc"


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict
    body: dict | None
    raw_query: str = ""


@dataclass
class Receiver:
    url: str = ""
    requests: list = field(default_factory=list)
    # Scripted answers for requests whose path contains the key: (status, body, delay seconds)
    script: dict = field(default_factory=dict)

    def answer(self, path_part: str, *answers) -> None:
        self.script.setdefault(path_part, []).extend(answers)

    def sent(self, path_part: str) -> list[Seen]:
        return [r for r in self.requests if path_part in r.path and r.method == "POST"]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _serve(self):
            parsed = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            seen = Seen(
                self.command,
                parsed.path,
                dict(urllib.parse.parse_qsl(parsed.query)),
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
                parsed.query,
            )
            receiver.requests.append(seen)
            status, body, delay = 200, None, 0
            for part, answers in receiver.script.items():
                if part in parsed.path and answers:
                    status, body, delay = answers.pop(0)
                    break
            if body is None:
                body = (
                    {"errcode": 0, "errmsg": "ok", "access_token": TOKEN, "expires_in": 7200}
                    if parsed.path.endswith("gettoken")
                    else {"errcode": 0, "errmsg": "ok"}
                )
            if delay:
                time.sleep(delay)
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                if 300 <= status < 400:  # a scripted redirect: the body names where to
                    self.send_header("Location", body["location"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        do_GET = do_POST = _serve

    return Handler


@pytest.fixture
def receiver():
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def channels(settings, receiver):
    """Every channel configured against the receiver; no channel chosen yet (each test sets
    SHIGAN_NOTIFY_CHANNELS); a short timeout; no quiet hours."""
    cache.clear()  # access tokens are cached
    url = receiver.url
    settings.SHIGAN_WECOM_API_BASE = f"{url}/wecom"
    settings.SHIGAN_WECOM_CORP_ID = "ww-corp"
    settings.SHIGAN_WECOM_AGENT_ID = "1000002"
    settings.SHIGAN_WECOM_SECRET = "wecom-secret"
    settings.SHIGAN_WECOM_ROBOT_WEBHOOK = f"{url}/wecom-robot/cgi-bin/webhook/send?key=ROBOTKEY"
    settings.SHIGAN_DINGTALK_API_BASE = f"{url}/dingtalk"
    settings.SHIGAN_DINGTALK_APP_KEY = "ding-appkey"
    settings.SHIGAN_DINGTALK_APP_SECRET = "ding-appsecret"
    settings.SHIGAN_DINGTALK_AGENT_ID = "2000001"
    settings.SHIGAN_DINGTALK_ROBOT_WEBHOOK = f"{url}/dingtalk-robot/robot/send?access_token=ROBOT"
    settings.SHIGAN_DINGTALK_ROBOT_SECRET = "SEC0123456789abcdef"
    settings.SHIGAN_SMS_URL = f"{url}/sms/send"
    settings.SHIGAN_SMS_TOKEN = "sms-token"
    settings.SHIGAN_SMS_TEMPLATE_ID = "TPL_001"
    settings.SHIGAN_SMS_SIGN_NAME = "实干"
    settings.SHIGAN_BASE_URL = "https://shigan.example.gov.cn"
    settings.SHIGAN_NOTIFY_TIMEOUT = 0.5
    settings.SHIGAN_NOTIFY_QUIET_HOURS = ""
    settings.SHIGAN_NOTIFY_RULES = ""
    settings.SHIGAN_NOTIFY_MAX_ATTEMPTS = 3
    settings.EMAIL_HOST = ""
    # The receiver is a plain-http intranet gateway an administrator has listed.
    settings.SHIGAN_NOTIFY_ALLOWED_ORIGINS = [url]
    yield receiver
    cache.clear()
