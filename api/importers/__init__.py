"""Importers of the files a support team already has: helpdesk ticket exports, sheets of agents."""
