"""Tests of the resource-server side JWT verifier (cognito_lab.api)."""
