"""Plays the Amazon Cognito USER POOLS API (cognito-idp): the fidelity layer over moto.

moto keeps the directory (pools, clients, users, groups); these modules add what AWS
enforces and moto does not, one part of Cognito each: sign-in (``auth``, ``srp``,
``challenges``, ``mfa``, ``totp``, ``flows``, ``user_existence``), sign-up and recovery
(``signup``, ``recovery``, ``codes``, ``delivery``, ``mailbox``), users and attributes
(``admin_users``, ``attributes``, ``usernames``, ``directory``), app clients
(``client_rules``, ``client_secrets``, ``secret_hash_check``), pools (``pool_ids``,
``pool_settings``), tokens (``tokens``, ``keys``, ``sessions``, ``token_operations``,
``revocation``, ``well_known``) and Lambda triggers (``triggers``).

``operations.py`` is the table of the API operations answered here; ``urls.py`` the
issuer's HTTP endpoints (JWKS, OpenID configuration).
"""
