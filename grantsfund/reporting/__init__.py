"""Reporting: the outcomes portfolio that officers and finance show the council's committee."""
