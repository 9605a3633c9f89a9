"""Migrate the identity provider's database and load its users and clients (run once, before
the server starts). IDP_REDIRECT_URI is shigan's OIDC callback; IDP_SERVICE is a regular
expression for shigan's CAS service URLs."""

import os

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)

clerks, _ = Group.objects.get_or_create(name="abag-clerks")
for username, name, groups in (("zhangsan", "张三", [clerks]), ("lisi", "李四", [])):
    user = User.objects.filter(username=username).first() or User(username=username)
    user.first_name = name
    user.set_password(f"{username}-idp-pw")
    user.save()
    user.groups.set(groups)

if os.environ.get("IDP_REDIRECT_URI"):
    from oauth2_provider.models import Application

    Application.objects.filter(client_id="shigan").delete()
    Application.objects.create(
        name="shigan",
        client_id="shigan",
        client_secret="shigan-client-secret",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["IDP_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )

if os.environ.get("IDP_SERVICE"):
    from cas_server.models import ReplaceAttributName, ServicePattern

    ServicePattern.objects.filter(name="shigan").delete()
    pattern = ServicePattern.objects.create(
        name="shigan", pattern=os.environ["IDP_SERVICE"], pos=1, single_log_out=False
    )
    for attribute in ("username", "first_name", "groups"):
        ReplaceAttributName.objects.create(name=attribute, service_pattern=pattern)
