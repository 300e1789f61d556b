"""Opening a top-bar menu the way a user does, robust to a busy machine."""

from playwright.sync_api import TimeoutError as PlaywrightTimeout


def open_menu(page, group: str, item: str) -> None:
    """Click the menu ``group`` and then its entry ``item``. The dropdown is opened by Tabler's
    script; on a loaded machine the first click can land before it is ready, so it is tried again."""
    toggle = page.get_by_role("button", name=group).or_(page.get_by_role("link", name=group)).first
    link = page.get_by_role("link", name=item)
    for _ in range(3):
        page.wait_for_load_state("load")
        toggle.click()
        try:
            link.wait_for(state="visible", timeout=4000)
            break
        except PlaywrightTimeout:
            continue
    link.click()
