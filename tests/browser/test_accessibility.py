"""Accessibility, in a real browser: axe-core (pinned in tests/browser/package.json,
installed by `make test`) finds no serious or critical violation on any staff page at
any of the three sizes, nor in the states a form leaves a page in (refused fields,
previews, the open menu); every link, button and field on every page can be reached
with the Tab key and looks different while it has the focus; and a flag can be worked from
sign-in to resolved with the keyboard alone."""

from __future__ import annotations

import json
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from reminders import second_factor
from reminders.accounts import create_staff
from reminders.audit import Actor
from reminders.core.statuses import FlagStatus
from reminders.models import Flag, Role
from tests.browser.conftest import (
    SIZES,
    form_states,
    sign_in,
    sign_in_as,
    staff_pages,
    window,
)
from tests.integration.helpers import NOW
from tests.integration.staff import PASSWORD

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

# Every control a person acts on, with a number to find it by after the walk.
MARK_CONTROLS = """() => {
  const controls = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex],'
      + ' [role=button], [role=link], [contenteditable]')]
    .filter(e => !(e.getAttribute('tabindex') || '').startsWith('-') || e.matches(
      'a[href], button, input, select, textarea, summary'))
    .filter(e => e.checkVisibility({visibilityProperty: true}) && !e.disabled
                 && !e.closest('[inert]'));
  controls.forEach((e, n) => { if (!e.dataset.kbd) e.dataset.kbd = 'k' + n + '-' + Math.random(); });
  return controls.map(e => e.dataset.kbd);
}"""

# What to call an element in a message: its tag, id and text.
NAME = """e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + ' "' + (e.innerText || e.value || e.name || '').trim().slice(0, 40) + '"'"""

# An element's ring: its outline and shadow, compared with the element focused and not,
# so a ring always there does not count, nor a mere change of text colour.
LOOK = """e => { const s = getComputedStyle(e);
  const outline = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0 ? 'no outline'
                  : [s.outlineStyle, s.outlineWidth, s.outlineColor].join(' ');
  return outline + ' | ' + s.boxShadow; }"""

# What has the focus now: its mark, whether it is a closed <details>'s summary, how it
# looks, and a name for messages.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  return {mark: e.dataset.kbd || null, closed: e.tagName === 'SUMMARY' && !e.parentElement.open,
          look: (""" + LOOK + """)(e), radio: e.type === 'radio' ? e.name : null,
          what: (""" + NAME + """)(e)};
}"""

# The same elements' looks with the focus back on the start of the page.
AT_REST = """marks => { document.getElementById('kbd-start').focus();
  return marks.map(m => { const e = document.querySelector(`[data-kbd="${m}"]`);
                          return e ? (""" + LOOK + """)(e) : null; }); }"""

UNFOLD = """() => {
  const folded = [...document.querySelectorAll('details:not([open])')];
  folded.forEach(e => { e.open = true; });
  return folded.length;
}"""

START_AT_TOP = """() => {
  const start = document.createElement('span');
  start.id = 'kbd-start';
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
}"""

UNREACHED = """marks => [...document.querySelectorAll('[data-kbd]')]
  .filter(e => !marks.includes(e.dataset.kbd)
               && e.checkVisibility({visibilityProperty: true}) && !e.disabled
               && !(e.type === 'radio' && marks.includes('radio:' + e.name)))
  .map(""" + NAME + """)"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"no axe-core at {AXE}: run `make test` (npm ci --prefix tests/browser)")
    return AXE.read_text()


def _violations(page, axe_source: str, what: str) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now, one line each."""
    page.wait_for_load_state("load")
    # The page's CSP allows only the site's own scripts: axe comes in through the
    # browser's debugging channel instead of a <script> tag.
    page.evaluate(f"() => {{ {axe_source}\n; window.axe = axe; }}")
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{what}: {v['impact']} {v['id']} ({v['help']}) at "
            + json.dumps([node["target"] for node in v["nodes"][:3]])
            for v in found["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_nothing_serious_on_any_page(browser, seeded, axe_source, size, tmp_path):
    live = seeded.live
    with window(browser, live, size) as page:
        page.goto("/login")
        found = _violations(page, axe_source, "the sign-in page")
        page.get_by_label("Name").fill("boss")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("Wrong name or password")
        found += _violations(page, axe_source, "a refused sign-in")
        sign_in(page, live, "boss")

        for name, path in staff_pages(seeded):
            page.goto(path)
            found += _violations(page, axe_source, f"{name} ({path})")
            # axe skips what is hidden: again with every folded section (the forms to
            # text the patient, correct a time, change a number...) unfolded
            if page.evaluate(UNFOLD):
                found += _violations(page, axe_source, f"{name} ({path}) unfolded")

        # the states forms leave pages in
        for state in form_states(page, seeded, tmp_path, size):
            found += _violations(page, axe_source, state)
        assert not found, "\n".join(found)


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_nothing_serious_on_the_code_step_and_the_refusal_pages(
        browser, seeded, axe_source, size):
    """The pages a signed-in admin never sees: the second step of a sign-in with an
    authenticator app, and a staff member sent away from an admin page (403)."""
    live = seeded.live
    # a member with an authenticator app; one per size, as the refused code counts
    # towards the sign-in throttle and the test clock stands still
    tess = f"tess-{size}"
    member = create_staff(live.sessions, tess, PASSWORD, Role.STAFF, Actor("test", "cli"), NOW)
    secret = pyotp.random_base32()
    second_factor.enrol(live.sessions, member.id, secret, pyotp.TOTP(secret).at(NOW), NOW)
    with window(browser, live, size) as page:
        page.goto("/login")
        page.get_by_label("Name").fill(tess)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live.url}/login/code")
        found = _violations(page, axe_source, "the code step") + _walk(page, "the code step")
        page.get_by_label("Code").fill("000000")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()
        found += _violations(page, axe_source, "a refused code")
    with sign_in_as(browser, live, "kim", size) as page:
        assert page.goto("/admin/audit").status == 403
        found += _violations(page, axe_source, "403") + _walk(page, "403")
    assert not found, "\n".join(found)


def _walk(page, what: str) -> list[str]:
    """Tab from the top of the page to its end, opening every folded section on the way
    with Enter as a keyboard user would; [] when every control was reached and looked
    different while it had the focus, else what was not."""
    page.emulate_media(reduced_motion="reduce")  # Pico then draws focus rings at once
    page.wait_for_load_state("load")
    page.evaluate(MARK_CONTROLS)
    # Tab from the top: a mark at the start of the page, out of the tab order, where
    # the walk begins (blurring an autofocused field would start after it)
    page.evaluate(START_AT_TOP)
    focused_looks: dict[str, tuple[str, str]] = {}  # mark: (look, name) of each reached
    radio_groups: set[str] = set()  # Tab enters a group once; arrows move within it
    first = None
    for _ in range(2000):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            if first is not None:
                break  # past the last control
            continue
        key = focused["mark"] or focused["what"]
        if key == first:
            break  # round to the start again
        first = first or key
        if focused["mark"]:
            focused_looks[focused["mark"]] = (focused["look"], focused["what"])
        if focused["radio"]:
            radio_groups.add("radio:" + focused["radio"])
        if focused["closed"]:
            page.keyboard.press("Enter")  # unfold it: what it holds comes next
            page.evaluate(MARK_CONTROLS)
    marks = list(focused_looks)
    problems = [f"{what}: no focus mark on {focused_looks[mark][1]}"
                for mark, rest in zip(marks, page.evaluate(AT_REST, marks), strict=True)
                if rest == focused_looks[mark][0]]
    return problems + [f"{what}: Tab never reaches {name}"
                       for name in page.evaluate(UNREACHED, marks + sorted(radio_groups))]


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_every_control_is_reached_by_the_tab_key(browser, seeded, size):
    with sign_in_as(browser, seeded.live, "boss", size) as page:
        problems: list[str] = []
        for name, path in staff_pages(seeded):
            page.goto(path)
            problems += _walk(page, f"{name} ({path})")
        assert not problems, "\n".join(problems)


def _tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_nurse_signs_in_and_works_a_flag_with_the_keyboard_alone(browser, seeded):
    """On a phone with a keyboard: sign in, open the menu, go to the flags, acknowledge
    Ana's red flag and resolve it with an outcome; the flag's row records both."""
    live = seeded.live
    with window(browser, live, "phone") as page:
        page.goto("/login")
        expect(page.locator("#name")).to_be_focused()  # the name field has it on arrival
        page.keyboard.type("kim")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/")
        _tab_to(page, "#nav-menu > summary")
        page.keyboard.press("Enter")
        _tab_to(page, "#nav-flags")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/flags")
        _tab_to(page, f"#ack-{seeded.flag}")
        page.keyboard.press("Enter")
        expect(page.locator(f"#ack-{seeded.flag}")).to_have_count(0)  # taken: Resolve is left
        _tab_to(page, f"#note-{seeded.flag}")
        page.keyboard.type("Called Ana: seen in clinic today")
        page.keyboard.press("Enter")  # sends the outcome's form
        expect(page.locator(f"#flag-{seeded.flag}")).to_have_count(0)
    with live.sessions() as session:
        flag = session.get(Flag, seeded.flag)
        assert (flag.status, flag.acknowledged_by, flag.resolved_by) == (
            FlagStatus.RESOLVED, "kim", "kim")
        assert flag.resolution_note == "Called Ana: seen in clinic today"
