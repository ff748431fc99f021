"""Maps in and out in a browser (issue 12, point 6): upload a Kialo export through the page,
watch the background import's progress bar finish (a real `db_worker`), land on the map,
then download it as Argdown and as AIF."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from debates.models import Claim, ClaimLink, Debate, ImportJob

from .browser import log_in
from .factories import UserFactory
from .test_browser_axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's
KIALO = """Discussion Title: Should cities charge for congestion?

1. Cities should charge drivers for congestion.
1.1. Pro: Road space is scarce at peak hours.
1.1.1. Con: Scarcity alone does not justify a \\(regressive\\) charge.
1.2. Con: It burdens shift workers [1].
1.2.1. Pro: -> See 1.1.1.
"""


def test_upload_kialo_watch_the_progress_and_download_it_again(
    page, live_server, settings, tmp_path
):
    # Every upload goes to the background worker, as a big file would.
    settings.CRUX_IMPORT_INLINE_BYTES = 10
    UserFactory(username="analyst", display_name="Ana Lyst")
    base = live_server.url
    path = tmp_path / "congestion.txt"
    path.write_text(KIALO.replace("\n", "\r\n"), encoding="utf-8")

    log_in(page, base, "analyst", PASSWORD)
    page.get_by_role("link", name="Import a map").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a map")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()

    # The progress page: queued until a worker takes the job.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importing congestion.txt")
    progress = page.locator("progress#import-progress")
    expect(progress).to_be_visible()
    expect(page.locator("label[for=import-progress]")).to_have_text("Waiting for a worker")
    expect(page.get_by_role("status")).to_have_text("0% done")
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED
    assert not serious_violations(page)

    # A worker, as `make demo` runs one: takes the queued job, then exits.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert ImportJob.objects.get().status == ImportJob.Status.DONE

    # The page follows the job and opens the map when it is done.
    debate = Debate.objects.get(title="Should cities charge for congestion?")
    page.wait_for_url(f"{base}{debate.get_absolute_url()}")
    expect(page.get_by_role("tree")).to_contain_text("Road space is scarce at peak hours.")
    expect(page.get_by_role("tree")).to_contain_text("does not justify a (regressive) charge")
    assert Claim.objects.filter(debate=debate).count() == 5
    assert ClaimLink.objects.filter(debate=debate).count() == 1

    page.get_by_role("navigation", name="Views of this debate").get_by_role(
        "link", name="Import & export"
    ).click()
    with page.expect_download() as argdown:
        page.get_by_role("link", name="Download as Argdown").click()
    text = Path(argdown.value.path()).read_text(encoding="utf-8")
    assert argdown.value.suggested_filename == f"{debate.slug}.argdown"
    assert "Road space is scarce at peak hours." in text and "title:" in text
    with page.expect_download() as aif:
        page.get_by_role("link", name="Download as AIF").click()
    data = json.loads(Path(aif.value.path()).read_text(encoding="utf-8"))
    texts = {node["text"] for node in data["nodes"] if node["type"] == "I"}
    assert "It burdens shift workers [1]." in texts
    assert {node["type"] for node in data["nodes"]} >= {"I", "RA", "CA"}


def test_a_bad_file_is_refused_in_the_page_with_its_line(page, live_server, tmp_path):
    UserFactory(username="analyst")
    base = live_server.url
    path = tmp_path / "broken.txt"
    path.write_text("Discussion Title: x\n\n1. A thesis\n1.4.2. Pro: an orphan\n")
    log_in(page, base, "analyst", PASSWORD)
    page.goto(f"{base}/debates/import/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".form-errors, .errorlist").first).to_contain_text("Line 4")
    assert not Debate.objects.exists()
