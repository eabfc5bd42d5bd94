"""WCAG 2.1 1.4.11 (non-text contrast): control outlines and focus rings, 3:1 against their background.

Measured in Chromium on the computed style of real Bootstrap markup (a survey's radios and
checkboxes, a text field, a select, links, buttons, pagination, a dropdown menu and the brand-blue
navigation bar) under the project's stylesheets, so the cascade decides, not a reading of the CSS
source. The page is walked with the Tab key, as a keyboard user does, so `:focus-visible` applies.
The same check on Bootstrap alone must fail: that is what the project's CSS is for, and it
proves the check can see the difference.
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
<nav class="navbar navbar-dark bg-brand" aria-label="Main"><div class="container">
  <a class="navbar-brand" href="#" id="brand">Mentorship</a>
  <button class="navbar-toggler" type="button" id="toggler" aria-label="Toggle navigation"><span class="navbar-toggler-icon"></span></button>
  <ul class="navbar-nav"><li class="nav-item"><a class="nav-link" href="#" id="nav-link">Take part</a></li></ul>
</div></nav>
<main class="container">
<ul class="dropdown-menu show position-static"><li><a class="dropdown-item" href="#" id="dropdown-item">Sign out</a></li></ul>
<form class="survey-form">
  <fieldset class="survey-scale"><legend>How useful was the kickoff?</legend>
    <div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="q1" id="radio" value="1">
      <label class="form-check-label" for="radio">1</label></div>
  </fieldset>
  <fieldset class="survey-scale"><legend>And the midpoint?</legend>
    <div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="q2" id="radio-checked" value="2" checked>
      <label class="form-check-label" for="radio-checked">2</label></div>
  </fieldset>
  <div class="form-check"><input class="form-check-input" type="checkbox" id="checkbox">
    <label class="form-check-label" for="checkbox">Budgeting</label></div>
  <div class="form-check"><input class="form-check-input" type="checkbox" id="checkbox-checked" checked>
    <label class="form-check-label" for="checkbox-checked">Grants</label></div>
  <label class="form-label" for="text">Anything else?</label><input class="form-control" id="text">
  <label class="form-label" for="select">Agency</label><select class="form-select" id="select"><option>Finance</option></select>
  <a href="#" id="link">Read the guide</a>
  <button type="submit" class="btn btn-primary" id="button">Submit</button>
  <button type="button" class="btn btn-outline-secondary" id="button-outline">Save for later</button>
</form>
<ul class="pagination"><li class="page-item"><a class="page-link" href="#" id="page-link">2</a></li></ul>
</main>
"""
CONTROLS_WITH_OUTLINES = ("radio", "radio-checked", "checkbox", "checkbox-checked", "text", "select")
FOCUSABLE = ("brand", "toggler", "nav-link", "dropdown-item", *CONTROLS_WITH_OUTLINES, "link", "button",
             "button-outline", "page-link")  # fmt: skip

COLOUR = re.compile(r"rgba?\(([^)]*)\)")

READ = """el => {
  const s = getComputedStyle(el);
  // What a ring drawn around the element sits on: the nearest ancestor with a background
  // (the element's own for an outline drawn inside it).
  const inset = parseFloat(s.outlineOffset) < 0;
  let bg = 'rgb(255, 255, 255)';
  for (let p = inset ? el : el.parentElement; p; p = p.parentElement) {
    const c = getComputedStyle(p).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
  }
  return {border: s.borderTopColor, outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
          outlineColor: s.outlineColor, boxShadow: s.boxShadow, background: bg,
          focusVisible: el.matches(':focus-visible')};
}"""


def _rgb(css: str, over: tuple[float, float, float] = (255, 255, 255)) -> tuple[float, float, float]:
    """A computed colour ("rgb(1, 2, 3)" or "rgba(1, 2, 3, 0.25)") as seen over `over`."""
    parts = [float(p) for p in re.split(r"[,\s/]+", COLOUR.search(css).group(1).strip()) if p]
    alpha = parts[3] if len(parts) > 3 else 1.0
    return tuple(alpha * c + (1 - alpha) * o for c, o in zip(parts[:3], over, strict=True))


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(css: str, background: str = "rgb(255, 255, 255)") -> float:
    """WCAG contrast ratio of a (possibly translucent) colour over an opaque background."""
    back = _rgb(background)
    lighter, darker = sorted((_luminance(_rgb(css, back)), _luminance(back)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


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
    # .bg-brand is the project's class; Bootstrap alone gets the same colour inline, so both
    # runs measure the same bar.
    brand = "" if PROJECT in sheets else "<style>.bg-brand{background-color:#0b4f6c}</style>"
    page_file.write_text(f"<!doctype html><html lang='en'><head>{links}{brand}</head><body>{MARKUP}</body></html>")
    page = chromium_browser.new_page(viewport={"width": 800, "height": 1200})
    problems = []
    try:
        page.goto(page_file.as_uri())
        page.wait_for_load_state()
        for control in CONTROLS_WITH_OUTLINES:
            style = page.locator(f"#{control}").evaluate(READ)
            if (ratio := contrast(style["border"], style["background"])) < NON_TEXT_MINIMUM:
                problems.append(f"{control}: outline {style['border']} is {ratio:.2f}:1")
        seen = []
        for _ in range(len(FOCUSABLE) + 2):
            page.keyboard.press("Tab")
            focused = page.evaluate("() => document.activeElement.id")
            if not focused or focused in seen:
                continue
            seen.append(focused)
            element = page.locator(f"#{focused}")
            # Bootstrap eases rings in over 0.15 s: read them once the transition has finished.
            element.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
            style = element.evaluate(READ)
            rings = _ring_colours(style)
            best = max((contrast(c, style["background"]) for c in rings), default=0.0)
            if best < NON_TEXT_MINIMUM:
                problems.append(f"{focused}: focus ring {rings or 'none'} is {best:.2f}:1 on {style['background']}")
        assert seen == list(FOCUSABLE), f"the Tab key reached {seen}"
    finally:
        page.close()
    return problems


def test_contrast_arithmetic_matches_wcag():
    assert contrast("rgb(0, 0, 0)") == pytest.approx(21.0)
    assert contrast("rgb(255, 255, 255)") == pytest.approx(1.0)
    assert contrast("rgb(222, 226, 230)") == pytest.approx(1.3, abs=0.05)  # Bootstrap's #dee2e6
    assert contrast("rgb(108, 117, 125)") == pytest.approx(4.69, abs=0.02)  # #6c757d
    assert contrast("rgb(245, 166, 35)", "rgb(11, 79, 108)") == pytest.approx(4.4, abs=0.1)  # amber on brand
    # A 25% blue glow is a pale blue on white, whatever its full colour would be.
    assert contrast("rgba(13, 110, 253, 0.25)") < 1.7


def test_bootstrap_alone_fails_the_check(chromium_browser, tmp_path):
    problems = _problems(chromium_browser, tmp_path, [BOOTSTRAP])
    failing = {p.split(":", 1)[0] + (" focus" if "focus ring" in p else " outline") for p in problems}
    expected = {"radio outline", "checkbox outline", "radio focus", "checkbox focus", "text focus", "nav-link focus",
                "button focus", "page-link focus"}  # fmt: skip
    assert expected <= failing, problems


def test_project_outlines_and_focus_rings_have_3_to_1(chromium_browser, tmp_path):
    assert _problems(chromium_browser, tmp_path, [BOOTSTRAP, PROJECT]) == []
