"""Tests of cognito_lab.client: your app's side."""
