"""Tests of the web service, laid out like api/service/."""
