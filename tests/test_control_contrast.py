"""WCAG 2.1 1.4.11 (non-text contrast): form controls' outlines and focus rings, 3:1 against white.

Measured in Chromium on the computed style of real Bootstrap markup (a survey's radios and
checkboxes, a text field, a select) under the project's stylesheets, so the cascade decides, not
a reading of the CSS source. The same check on Bootstrap alone must fail: that is what the
project's CSS is for, and it proves the check can see the difference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

BOOTSTRAP = settings.BASE_DIR / "static" / "vendor" / "bootstrap" / "bootstrap.min.css"
PROJECT = settings.BASE_DIR / "static" / "css" / "app.css"
NON_TEXT_MINIMUM = 3.0

MARKUP = """
<main class="container"><form class="survey-form">
  <fieldset class="survey-scale"><legend>How useful was the kickoff?</legend>
    <div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="q1" id="radio" value="1">
      <label class="form-check-label" for="radio">1</label></div>
    <div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="q1" id="radio-checked" value="2" checked>
      <label class="form-check-label" for="radio-checked">2</label></div>
  </fieldset>
  <div class="form-check"><input class="form-check-input" type="checkbox" id="checkbox">
    <label class="form-check-label" for="checkbox">Budgeting</label></div>
  <div class="form-check"><input class="form-check-input" type="checkbox" id="checkbox-checked" checked>
    <label class="form-check-label" for="checkbox-checked">Grants</label></div>
  <label class="form-label" for="text">Anything else?</label><input class="form-control" id="text">
  <label class="form-label" for="select">Agency</label><select class="form-select" id="select"><option>Finance</option></select>
</form></main>
"""
CONTROLS = ("radio", "radio-checked", "checkbox", "checkbox-checked", "text", "select")

COLOUR = re.compile(r"rgba?\(([^)]*)\)")


def _rgb_over_white(css: str) -> tuple[float, float, float]:
    """A computed colour ("rgb(1, 2, 3)" or "rgba(1, 2, 3, 0.25)") as seen on a white page."""
    parts = [float(p) for p in re.split(r"[,\s/]+", COLOUR.search(css).group(1).strip()) if p]
    alpha = parts[3] if len(parts) > 3 else 1.0
    return tuple(alpha * c + (1 - alpha) * 255 for c in parts[:3])


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(css: str) -> float:
    return 1.05 / (_luminance(_rgb_over_white(css)) + 0.05)


def _ring_colours(style: dict) -> list[str]:
    """The colours that draw a focus indicator: a visible outline, each box-shadow layer of 2px+."""
    colours = []
    if style["outlineStyle"] != "none" and float(style["outlineWidth"].rstrip("px") or 0) >= 2:
        colours.append(style["outlineColor"])
    for layer in re.split(r",(?![^(]*\))", style["boxShadow"]) if style["boxShadow"] != "none" else []:
        colour = COLOUR.search(layer)
        lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", COLOUR.sub("", layer))]
        if colour and len(lengths) >= 4 and lengths[3] >= 2:  # offset x, offset y, blur, spread
            colours.append(colour.group(0))
    return colours


def _problems(chromium_browser, tmp_path: Path, sheets: list[Path]) -> list[str]:
    links = "".join(f'<link rel="stylesheet" href="{sheet.as_uri()}">' for sheet in sheets)
    page_file = tmp_path / "controls.html"
    page_file.write_text(f"<!doctype html><html lang='en'><head>{links}</head><body>{MARKUP}</body></html>")
    page = chromium_browser.new_page()
    problems = []
    try:
        page.goto(page_file.as_uri())
        page.wait_for_load_state()
        read = (
            "el => { const s = getComputedStyle(el); return {border: s.borderTopColor, width: s.borderTopWidth, "
            "outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor, boxShadow: s.boxShadow}; }"
        )
        for control in CONTROLS:
            element = page.locator(f"#{control}")
            style = element.evaluate(read)
            ratio = contrast_with_white(style["border"])
            if ratio < NON_TEXT_MINIMUM:
                problems.append(f"{control}: outline {style['border']} is {ratio:.2f}:1 against white")
            element.focus()
            # Bootstrap eases the ring in over 0.15 s: read it once the transition has finished.
            element.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
            focused = element.evaluate(read)
            rings = _ring_colours(focused)
            best = max((contrast_with_white(c) for c in rings), default=0.0)
            if best < NON_TEXT_MINIMUM:
                problems.append(f"{control}: focus ring {rings or focused['boxShadow']} is {best:.2f}:1 against white")
    finally:
        page.close()
    return problems


def test_contrast_arithmetic_matches_wcag():
    assert contrast_with_white("rgb(0, 0, 0)") == pytest.approx(21.0)
    assert contrast_with_white("rgb(255, 255, 255)") == pytest.approx(1.0)
    assert contrast_with_white("rgb(222, 226, 230)") == pytest.approx(1.3, abs=0.05)  # Bootstrap's #dee2e6
    assert contrast_with_white("rgb(108, 117, 125)") == pytest.approx(4.69, abs=0.02)  # #6c757d
    # A 25% blue glow is a pale blue on white, whatever its full colour would be.
    assert contrast_with_white("rgba(13, 110, 253, 0.25)") < 1.7


def test_bootstrap_alone_fails_the_check(chromium_browser, tmp_path):
    problems = _problems(chromium_browser, tmp_path, [BOOTSTRAP])
    assert any(p.startswith("radio: outline") for p in problems), problems
    assert any(p.startswith("checkbox: outline") for p in problems), problems
    assert any(p.startswith("radio: focus ring") for p in problems), problems


def test_project_controls_have_3_to_1_outlines_and_focus_rings(chromium_browser, tmp_path):
    assert _problems(chromium_browser, tmp_path, [BOOTSTRAP, PROJECT]) == []
