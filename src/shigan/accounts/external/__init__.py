"""Login with the accounts people already have (issue 18): LDAP/AD, OIDC and CAS.

Each protocol module turns a successful external login into an `ExternalLogin` and hands it to
`services.external_login`, which links it to a shigan account and applies the group → role
mapping (if one is configured). Nothing here grants a role by itself."""
