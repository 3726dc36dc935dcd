"""Screenshots of the web page with the real model on the demo database, for the README.

    $ python -m graphsql.web.screenshots                 # -> docs/figures/web_answer.png (and web_graph.png)

Starts the app (the shipped adapter, as `graphsql serve` runs it) on a free loopback port, opens it in headless
Chromium, picks the demo database, clicks a table, asks one of the demo questions and saves the page once the
answer is shown. Needs Debian's chromium and chromium-driver, and the model (`graphsql model fetch`).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from graphsql.config import REPO_ROOT

QUESTION = "Which customers bought a book in the Paris store?"  # a demo question with two JOINs


def main(argv: list[str] | None = None) -> int:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from graphsql.cli import cli_config, load_generator
    from graphsql.quickstart import build_demo_database
    from graphsql.web.app import create_app
    from graphsql.web.local import headless_chromium, running_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "figures")
    args = parser.parse_args(argv)
    db = build_demo_database(Path(tempfile.mkdtemp(prefix="graphsql-shot-")) / "bookshop.sqlite")
    cfg = cli_config()
    app = create_app(lambda: load_generator(cfg), cfg, databases=[db])
    args.out.mkdir(parents=True, exist_ok=True)
    with running_server(app) as url, headless_chromium(width=1500, height=1250) as browser:
        browser.get(url)
        wait = WebDriverWait(browser, 600)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#graph g.tbl"))
        browser.find_element(By.CSS_SELECTOR, "#graph g.tbl").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#table-info table.rows"))
        browser.save_screenshot(str(args.out / "web_graph.png"))
        browser.find_element(By.ID, "q").send_keys(args.question)
        browser.find_element(By.ID, "ask").click()
        wait.until(lambda d: d.find_element(By.ID, "answer").is_displayed()
                   or d.find_element(By.ID, "error").is_displayed())
        browser.save_screenshot(str(args.out / "web_answer.png"))
    print(f"wrote {args.out / 'web_graph.png'} and {args.out / 'web_answer.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
