"""Funds and their rounds: set up by grants officers, published as funding available."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rounds", __name__)
