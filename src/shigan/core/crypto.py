"""Personal data at rest — petitioners' (issue 8), people's contact ids and mobile numbers
(issue 18): Fernet encryption, a keyed hash, and masking.

`SHIGAN_PETITION_KEY` holds one or more Fernet keys separated by commas: the first encrypts,
every one decrypts (MultiFernet), so a key is rotated by putting the new one first and running
`rotate_token` over the rows later. `SHIGAN_PETITION_HASH_KEY` keys the HMAC that recognises the
same petitioner again (name + ID number, normalised) without storing either in the clear; it is
separate so that rotating the encryption keys leaves the hashes valid.

Masking happens on the server: a masked value is computed from the decrypted one in memory and
only the mask leaves the process.
"""

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "encrypt",
    "decrypt",
    "encrypt_bytes",
    "decrypt_bytes",
    "rotate",
    "rotate_bytes",
    "is_current",
    "normalize",
    "person_hash",
    "mask_name",
    "mask_id_number",
    "mask_phone",
    "mask_address",
    "InvalidToken",
]

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def _key(name: str) -> str:
    key: str = getattr(settings, name)
    if not key:  # production without the key: `shigan serve` refuses to start, this says why
        raise ImproperlyConfigured(f"没有个人信息密钥：生产环境必须设置环境变量 {name}。")
    return key


def _current() -> MultiFernet:
    return _fernet(_key("SHIGAN_PETITION_KEY"))


def encrypt(value: str) -> str:
    """The Fernet token of `value` ("" stays "": an absent value is not a secret)."""
    if not value:
        return ""
    return _current().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    return _current().decrypt(token.encode("ascii")).decode()


def encrypt_bytes(data: bytes) -> bytes:
    return _current().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _current().decrypt(token)


def rotate_bytes(token: bytes) -> bytes:
    return _current().rotate(token)


def rotate(token: str) -> str:
    """The token re-encrypted with the current (first) key."""
    if not token:
        return ""
    return _current().rotate(token.encode("ascii")).decode("ascii")


def is_current(token: str | bytes) -> bool:
    """Whether the token is under the current (first) key already ("" is: nothing to do)."""
    if not token:
        return True
    first = _current()._fernets[0]
    try:
        first.decrypt(token.encode("ascii") if isinstance(token, str) else token)
    except InvalidToken:
        return False
    return True


def normalize(value: str) -> str:
    """Full-width to half-width, no spaces, upper case (an ID number's x is X)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def person_hash(name: str, id_number: str = "", phone: str = "") -> str:
    """HMAC-SHA256 of the normalised name and ID number (the phone when there is no ID)."""
    key = _key("SHIGAN_PETITION_HASH_KEY").encode()
    second = _NOT_ALNUM.sub("", normalize(id_number)) or _NOT_ALNUM.sub("", normalize(phone))
    message = f"{normalize(name)}|{second}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask_name(name: str) -> str:
    """张* · 巴**: the first character, the rest starred."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_id_number(number: str) -> str:
    """152527********1234: the six-digit area code and the last four kept."""
    number = normalize(number)
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678: the first three and the last four digits kept."""
    phone = normalize(phone)
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * (len(phone) - 2) + phone[-2:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_address(address: str) -> str:
    """The first third (at most six characters, about the banner or sumu) and stars."""
    address = (address or "").strip()
    if not address:
        return ""
    return address[: min(len(address) // 3, 6)] + "****"
