"""Real servers for the external-login tests, each started on a free port for the test run: a
Debian slapd with a small directory, and the identity-provider project (idp/) run by Django's
development server. Missing software skips the tests with a hint; CI sets
SHIGAN_REQUIRE_SLAPD=1, which turns that skip into a failure."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

__all__ = ["free_port", "wait_for_port", "Slapd", "start_slapd", "start_idp"]

SUFFIX = "dc=shigan,dc=test"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{SUFFIX}", "admin-secret"
READER_DN, READER_PASSWORD = f"cn=reader,ou=services,{SUFFIX}", "reader-secret"
SLAPD = os.environ.get("SHIGAN_SLAPD", "/usr/sbin/slapd")
SLAPADD = os.environ.get("SHIGAN_SLAPADD", "/usr/sbin/slapadd")
SCHEMA = Path("/etc/ldap/schema")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def _missing(message: str):
    if os.environ.get("SHIGAN_REQUIRE_SLAPD") == "1":
        pytest.fail(message)
    pytest.skip(message)


CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {home}/slapd.pid
database mdb
suffix "{suffix}"
rootdn "{admin}"
rootpw {admin_password}
directory {home}/data
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{suffix}"
"""

# 张三 is a township clerk in the mapped group; 李四 is in no group; 王五's account is locked
# (pwdAccountLockedTime 000001010000Z: disabled until an administrator unlocks it); "admin"
# has the user name of shigan's break-glass administrator.
DIRECTORY = """\
dn: {suffix}
objectClass: dcObject
objectClass: organization
dc: shigan
o: shigan test

dn: ou=people,{suffix}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{suffix}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{suffix}
objectClass: organizationalUnit
ou: services

dn: ou=policies,{suffix}
objectClass: organizationalUnit
ou: policies

dn: cn=default,ou=policies,{suffix}
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE

dn: {reader}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: {reader_password}

dn: uid=zhangsan,ou=people,{suffix}
objectClass: inetOrgPerson
uid: zhangsan
cn: 张三
sn: 张
userPassword: zhangsan-ldap-pw

dn: uid=lisi,ou=people,{suffix}
objectClass: inetOrgPerson
uid: lisi
cn: 李四
sn: 李
userPassword: lisi-ldap-pw

dn: uid=wangwu,ou=people,{suffix}
objectClass: inetOrgPerson
uid: wangwu
cn: 王五
sn: 王
userPassword: wangwu-ldap-pw
pwdAccountLockedTime: 000001010000Z

dn: uid=admin,ou=people,{suffix}
objectClass: inetOrgPerson
uid: admin
cn: 冒名者
sn: 冒
userPassword: admin-ldap-pw

dn: cn=abag-clerks,ou=groups,{suffix}
objectClass: groupOfNames
cn: abag-clerks
member: uid=zhangsan,ou=people,{suffix}
member: uid=wangwu,ou=people,{suffix}
"""


class Slapd:
    def __init__(self, home: Path):
        self.home, self.port, self.process = home, free_port(), None
        self.url = f"ldap://127.0.0.1:{self.port}"

    def start(self) -> "Slapd":
        values = {
            "schema": SCHEMA,
            "home": self.home,
            "suffix": SUFFIX,
            "admin": ADMIN_DN,
            "admin_password": ADMIN_PASSWORD,
            "reader": READER_DN,
            "reader_password": READER_PASSWORD,
        }
        (self.home / "data").mkdir(parents=True)
        config = self.home / "slapd.conf"
        config.write_text(CONFIG.format(**values))
        directory = self.home / "directory.ldif"
        directory.write_text(DIRECTORY.format(**values), encoding="utf-8")
        subprocess.run([SLAPADD, "-f", config, "-l", directory], check=True, capture_output=True)
        # -d 0: stay in the foreground (so the test can stop it) without debug output.
        self.process = subprocess.Popen(
            [SLAPD, "-f", config, "-h", f"{self.url}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_slapd(home: Path) -> Slapd:
    if not (os.path.exists(SLAPD) and os.path.exists(SLAPADD) and SCHEMA.exists()):
        _missing(
            f"没有找到 slapd（{SLAPD}）：运行 apt-get install slapd ldap-utils "
            "以启用 LDAP 登录测试。"
        )
    return Slapd(home).start()


IDP_DIR = Path(__file__).resolve().parent / "idp"


def start_idp(home: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """The test identity provider (OIDC by django-oauth-toolkit, CAS by django-cas-server):
    migrated, loaded with its users and clients by idp/idp_setup.py, served on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **env,
        "DJANGO_SETTINGS_MODULE": "idp_settings",
        "PYTHONPATH": str(IDP_DIR),
        "IDP_HOME": str(home),
        "IDP_URL": url,
    }
    for name in ("SHIGAN_HOME", "DATABASE_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, str(IDP_DIR / "idp_setup.py")], env=env, check=True)
    # Its request log goes to a file: an unread pipe would fill and stall the server.
    with open(home / "idp.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=log,
        )
    wait_for_port(port, process)
    return process, url
