"""Tests of the benchmark (cognito_lab.bench) and its HTTP load generator."""
