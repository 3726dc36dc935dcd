"""The web page in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`) driven by
Selenium against `graphsql serve`'s app on a free loopback port, with a scripted generator (no weights).

Skipped, saying why, where Chromium, its driver or Selenium is missing (`.ci/run` installs them)."""

import pytest

from graphsql.config import load_config
from graphsql.web.local import chromium_paths, headless_chromium, running_server
from tests.fake_generator import ScriptedGenerator

if chromium_paths() is None:
    pytest.skip("no headless Chromium here (Debian: apt-get install chromium chromium-driver); the browser test "
                "is skipped", allow_module_level=True)
pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e .[dev])")
pytest.importorskip("uvicorn")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from graphsql.web.app import create_app  # noqa: E402

JOIN_SQL = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
            "GROUP BY T1.singer_id ORDER BY count(*) DESC LIMIT 1")


@pytest.fixture()
def server(concert_db, tmp_path):
    app = create_app(lambda: ScriptedGenerator({"most concerts": [JOIN_SQL]}),
                     load_config(None, {"infer": {"repair": False}}), databases=[concert_db],
                     upload_dir=tmp_path / "uploads", page_rows=2)
    with running_server(app) as url:
        yield url


@pytest.fixture()
def browser(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with headless_chromium(downloads) as driver:
        driver.downloads = downloads
        yield driver


def _wait(driver, cond, timeout=20):
    return WebDriverWait(driver, timeout).until(lambda d: cond(d))


def test_the_page_in_a_real_browser(server, browser, tmp_path):
    d = browser
    d.get(server)
    # the demo database is listed and its schema graph drawn: four tables, FK edges
    _wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#graph g.tbl")) == 4)
    assert d.find_element(By.ID, "db").text.strip() == "concert.sqlite"
    assert len(d.find_elements(By.CSS_SELECTOR, "#graph line.edge")) >= 3
    # a click on a table shows its columns and sample rows
    d.find_element(By.CSS_SELECTOR, '#graph g.tbl[data-table="stadium"]').click()
    _wait(d, lambda d: "stadium" in d.find_element(By.ID, "table-info").text
          and d.find_elements(By.CSS_SELECTOR, "#table-info table.rows tr"))
    # ask: SQL (highlighted), result, the graph lit up along the join path
    d.find_element(By.ID, "q").send_keys("Which singer sang in the most concerts?")
    d.find_element(By.ID, "ask").click()
    _wait(d, lambda d: d.find_element(By.ID, "answer").is_displayed())
    assert d.find_element(By.ID, "sql-view").text == JOIN_SQL
    assert d.find_elements(By.CSS_SELECTOR, "#sql-view span.kw")
    assert len(d.find_elements(By.CSS_SELECTOR, "#result table.rows tr")) == 2  # header + one row
    assert d.find_elements(By.CSS_SELECTOR, "#graph line.edge.path")
    assert d.find_elements(By.CSS_SELECTOR, '#graph g.tbl.kept[data-table="singer"]')
    linked = d.find_elements(By.CSS_SELECTOR, "#graph g.tbl.linked")   # shaded by linking score
    scores = {g.get_attribute("data-table"): float(g.get_attribute("data-score")) for g in linked}
    shades = {g.get_attribute("data-table"): float(g.find_element(By.CSS_SELECTOR, "rect.head").get_attribute(
        "style").split("fill-opacity:")[1].strip(" ;")) for g in linked}
    top = max(scores.values())
    assert shades == {t: round(0.2 + 0.8 * max(0.0, s) / top, 2) for t, s in scores.items()}
    assert "Which singer sang in the most concerts?" in d.find_element(By.ID, "history").text
    # edit the SQL and run it: paged (two rows a page here)
    edit = d.find_element(By.ID, "sql-edit")
    edit.clear()
    edit.send_keys("SELECT name FROM singer ORDER BY name")
    d.find_element(By.ID, "run").click()
    _wait(d, lambda d: "page 1 of" in d.find_element(By.ID, "page-info").text)
    first = d.find_element(By.ID, "result").text
    d.find_element(By.ID, "next").click()
    _wait(d, lambda d: "page 2 of" in d.find_element(By.ID, "page-info").text)
    assert d.find_element(By.ID, "result").text != first
    # the whole result as CSV
    d.find_element(By.ID, "csv").click()
    _wait(d, lambda d: [p for p in browser.downloads.glob("*.csv")])
    csv = next(browser.downloads.glob("*.csv")).read_text().splitlines()
    assert csv[0] == "name" and len(csv) > 3
    # a SQL error is shown, not raised
    edit.clear()
    edit.send_keys("SELECT nope FROM singer")
    d.find_element(By.ID, "run").click()
    _wait(d, lambda d: "no such column" in d.find_element(By.ID, "error").text)
    # a file that is not a database: a clear error
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database")
    d.find_element(By.ID, "file").send_keys(str(bad))
    _wait(d, lambda d: "not a SQLite database" in d.find_element(By.ID, "error").text)
