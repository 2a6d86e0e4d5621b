"""Tests of the routes, one module per resource."""
