"""Issue 16 point 6: without its key (production, unset) petition crypto says which one."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from shigan.petitions import crypto


@pytest.mark.parametrize("name", ["SHIGAN_PETITION_KEY", "SHIGAN_PETITION_HASH_KEY"])
def test_petition_crypto_without_its_key_says_why(settings, name):
    setattr(settings, name, None)
    with pytest.raises(ImproperlyConfigured, match=name):
        crypto.encrypt("张三") if name == "SHIGAN_PETITION_KEY" else crypto.person_hash("张三")
