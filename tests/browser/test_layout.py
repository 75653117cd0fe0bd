"""Every staff page on a phone (390x844), a tablet in portrait (820x1180) and a laptop
(1280x800), signed in as an admin, with data in every table: no page is wider than the
window, the navigation opens and leads somewhere by keyboard, and a full-page screenshot
of each page at each size lands in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ARTIFACTS,
    SIZES,
    form_states,
    shot,
    sign_in,
    staff_pages,
    window,
)

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


# The deepest elements reaching past the window's right edge: what to fix when a page is too wide.
CULPRITS = """() => {
  const out = e => e.checkVisibility()
                   && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('body *')].filter(e => out(e) && ![...e.children].some(out))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                          + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
}"""


def _too_wide(page, what: str) -> list[str]:
    """[] when the page fits the window; else what is too wide and what sticks out."""
    page.wait_for_load_state("load")
    if page.evaluate(OVERFLOW) <= 0:
        return []
    return [f"{what}: {page.evaluate(OVERFLOW)} px too wide, {page.evaluate(CULPRITS)}"]


def _lines(page, selector: str) -> float:
    """How many lines the element's box takes (1 when nothing in it wrapped)."""
    return page.locator(selector).evaluate("""e => {
        const range = document.createRange();
        range.selectNodeContents(e);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const height = Math.max(...rects.map(r => r.bottom)) - Math.min(...rects.map(r => r.top));
        return height / parseFloat(getComputedStyle(e).lineHeight);
    }""")


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_window_and_the_navigation_works(browser, seeded, size, tmp_path):
    live, ana, bo = seeded.live, seeded.ana, seeded.bo
    width = SIZES[size][0]
    with window(browser, live, size) as page:
        page.goto("/login")
        too_wide = _too_wide(page, "the sign-in page")
        shot(page, f"layout-{size}-login")
        sign_in(page, live, "boss")
        for name, path in staff_pages(seeded):
            assert page.goto(path).status == (404 if name == "not-found" else 200), path
            too_wide += _too_wide(page, path)
            shot(page, f"layout-{size}-{name}")

        # the chart spans the plan (texts run to day 14) and is not drawn without a score
        page.goto(f"/enrollments/{ana}")
        page.wait_for_function("window.painChart && window.painChart.chartArea")
        assert page.evaluate("window.painChart.scales.x.max") == 14  # the last text: day 14
        page.locator(".chart-box").screenshot(path=str(ARTIFACTS / f"layout-{size}-chart.png"))
        page.goto(f"/enrollments/{bo}")
        expect(page.locator("#no-scores")).to_be_visible()
        expect(page.locator("canvas")).to_have_count(0)

        # the flag queue: a row per flag with its actions on one line on the laptop, a card
        # with them stacked on the phone and the tablet
        page.goto("/flags")
        card = page.locator('article[data-kind="red_flag"]:has(select)').first
        ack, resolve = (card.locator("footer button").nth(i).bounding_box() for i in (0, 1))
        middle = [round(box["y"] + box["height"] / 2) for box in (ack, resolve)]
        if size == "laptop":
            assert abs(middle[0] - middle[1]) <= 2 and resolve["x"] > ack["x"] + ack["width"]
        else:
            assert resolve["y"] > ack["y"] + ack["height"]

        # the pages as forms leave them: refusals, previews, secrets shown once
        for state in form_states(page, seeded, tmp_path, size):
            too_wide += _too_wide(page, state)
            shot(page, f"layout-{size}-{state}")
        assert not too_wide, "\n".join(too_wide)

        # the navigation, by keyboard: open the menu where it is folded, follow a link
        page.goto("/")
        menu = page.locator("#nav-menu > summary")
        if size == "laptop":
            expect(menu).to_be_hidden()  # every link is in view: nothing to open
            for link in ("#nav-audit", "#nav-tokens", "#nav-flags"):
                assert _lines(page, link) < 1.5, f"{link} wraps at {width} px"
        else:
            expect(menu).to_be_visible()
            expect(page.locator("#nav-reports")).to_be_hidden()
            menu.focus()
            page.keyboard.press("Enter")
            shot(page, f"layout-{size}-menu-open")
            page.keyboard.press("Escape")  # folds it again, back on its button
            expect(page.locator("#nav-reports")).to_be_hidden()
            expect(menu).to_be_focused()
            page.keyboard.press("Enter")
        link = page.locator("#nav-reports")
        expect(link).to_be_visible()
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/reports$"))
