"""Sizes for the portfolio's bar charts, which are drawn on the server (inline SVG, no script) so the page works
and prints without JavaScript. The page's Content-Security-Policy allows no inline styles, so lengths go in SVG
attributes as percentages of the chart's width."""

from __future__ import annotations

from fractions import Fraction


def share(value: int | Fraction | None, scale: int | Fraction | None) -> str:
    """`value` as a length along a bar chart whose far end is `scale`: '57.5%'. Past the end it stops at the end;
    nothing, or nothing to measure against, is no length at all."""
    if not value or not scale or value <= 0 or scale <= 0:
        return "0%"
    tenths = min(1000, int(Fraction(value) * 1000 / Fraction(scale)))
    return f"{tenths // 10}.{tenths % 10}%"
