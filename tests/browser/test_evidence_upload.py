"""Browser: a 200 MB body-camera file uploaded from the upload page in Chromium, cut off twice
(the network goes offline; the page is reloaded) and resumed from the server's offset, then the
signed receipt verified with the docking-station verifier against the published keys.

The page hashes the file (SHA-256 and SM3 in a Web Worker) before creating the upload, as the
CLI does; the server checks both digests and signs the receipt (ADR 0020, ADR 0090).
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from pathlib import Path

import pytest

from sanxiang.evidence.models import Recording, Upload, UploadStatus
from sanxiang.testing import factories
from tools import sanxiang_verify as verifier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZE = int(os.environ.get("SANXIANG_BROWSER_UPLOAD_BYTES", str(200 * 1024 * 1024)))
MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def _generate(path: Path, size: int) -> tuple[str, str]:
    """Position-dependent content (a misplaced byte changes the digests), hashed as written."""
    base = random.Random(20261207).randbytes(MIB)
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    with open(path, "wb") as handle:
        written, index = 0, 0
        while written < size:
            head = MP4_HEAD if index == 0 else index.to_bytes(len(MP4_HEAD), "little")
            block = (head + base[len(head) :])[: size - written]
            handle.write(block)
            sha256.update(block)
            sm3.update(block)
            written += len(block)
            index += 1
    return sha256.hexdigest(), sm3.hexdigest()


@pytest.fixture
def world(transactional_db):
    national = factories.agency(name="国家局（上传测试）", short="国")
    provincial = factories.agency(parent=national, name="上传测试省局", short="传")
    sub = factories.agency(parent=provincial, name="上传测试甲分局", short="甲")
    factories.enforcement_catalogs(agency=provincial)
    crew = [
        factories.officer(agency=sub, username="uploader", full_name="钱上传"),
        factories.officer(agency=sub, username="partner", full_name="孙同行"),
    ]
    boss = factories.head(agency=sub, username="boss", full_name="李局长")
    site = factories.mine(agency=sub, name="上传测试煤矿")
    plan = factories.inspection_plan(officers=crew, mine=site, head=boss)
    return {"inspection": factories.inspection(plan=plan), "officer": crew[0]}


CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'"
)


def _with_csp(route) -> None:
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})


def login(page, username: str) -> None:
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _upload_row(page) -> dict:
    return page.evaluate(
        """() => {
            const row = document.querySelector('tr.upload-row');
            return row ? {state: row.dataset.state, sent: row.querySelector('progress.send').value,
                          text: row.innerText} : null;
        }"""
    )


def _wait_sent(page, percent: int, timeout: float = 180) -> None:
    page.wait_for_function(
        f"() => {{ const p = document.querySelector('tr.upload-row progress.send');"
        f" return p && p.value >= {percent}; }}",
        timeout=timeout * 1000,
    )


def test_200mb_upload_cut_twice_resumes_and_the_receipt_verifies(
    page, live_server, world, tmp_path, output_dir
):
    source = tmp_path / "DSJ_20260302_093015.mp4"
    sha256, sm3 = _generate(source, SIZE)
    inspection = world["inspection"]
    patches: list[int] = []
    page.on(
        "request",
        lambda r: r.method == "PATCH" and patches.append(int(r.headers["upload-offset"])),
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" on reload
    # The page and the hash worker under the Content Security Policy the platform will send:
    # no inline script, WebAssembly allowed, workers from this origin only.
    page.route("**/evidence/recordings/new/**", _with_csp)
    page.route("**/static/evidence/hash-worker.js", _with_csp)
    blocked: list[str] = []  # base.html's inline language switch aside, nothing may be
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    login(page, "uploader")

    upload_page = f"{page.base_url}/evidence/recordings/new/?inspection={inspection.pk}"
    page.goto(upload_page)
    assert str(inspection) in page.inner_text("#upload-subject")  # the subject in words
    inline_blocked = """() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.head.appendChild(script);
        return window.inlineRan !== true;
    }"""
    assert page.evaluate(inline_blocked)  # the policy is in force on this page
    page.wait_for_timeout(200)
    page.csp_violations.clear()  # that deliberate one; the page fixture fails on any other
    blocked.clear()
    page.select_option("#id_activity", "inspection")
    page.set_input_files("#upload-input", str(source))
    started = time.monotonic()
    page.click("#upload-start")
    page.wait_for_selector("tr.upload-row[data-state=uploading]", timeout=120_000)
    hashed = time.monotonic() - started
    # With a route in place Playwright intercepts every request (the PATCH bodies too): the
    # page and the worker are loaded under the policy by now, so let the bytes flow directly.
    page.unroute_all()
    assert not [b for b in blocked if "onchange" not in b and "inline event" not in b], blocked
    page.screenshot(path=str(output_dir / "uploading.png"), full_page=True)

    # First cut: the network goes away mid-upload; the page pauses and goes on by itself.
    _wait_sent(page, 20)
    page.context.set_offline(True)
    page.wait_for_selector("tr.upload-row[data-state=offline]", timeout=60_000)
    page.screenshot(path=str(output_dir / "offline.png"), full_page=True)
    upload = Upload.objects.get()
    assert 0 < upload.offset < SIZE and upload.status == UploadStatus.UPLOADING
    page.context.set_offline(False)
    _wait_sent(page, 55)

    # Second cut: the page is reloaded; choosing the same file again continues the same upload.
    page.reload()
    cut_at = Upload.objects.get().offset
    assert 0 < cut_at < SIZE
    patches.clear()
    page.select_option("#id_activity", "inspection")
    page.set_input_files("#upload-input", str(source))
    page.click("#upload-start")
    page.wait_for_selector("tr.upload-row[data-state=done]", timeout=240_000)
    page.screenshot(path=str(output_dir / "done.png"), full_page=True)
    row = _upload_row(page)
    assert page.locator("tr.upload-row .receipt-ok").count() == 1, row
    assert patches and patches[0] >= cut_at > 0, (patches[:3], cut_at)  # resumed, not restarted

    upload = Upload.objects.get()  # one upload from first byte to receipt
    assert upload.status == UploadStatus.COMPLETE and upload.offset == SIZE
    assert (upload.declared_sha256, upload.declared_sm3) == (sha256, sm3)
    recording = Recording.objects.get()
    assert (recording.sha256, recording.sm3, recording.size) == (sha256, sm3, SIZE)
    assert (recording.subject_type, recording.subject_id) == (
        "inspections.inspection",
        str(inspection.pk),
    )
    assert recording.activity == "inspection"

    # The receipt the page holds, verified as the docking station does: signature and digests.
    note = page.get_attribute("tr.upload-row", "data-receipt")
    keys_text = page.request.get(page.base_url + "/evidence/receipt-keys.txt").text()
    keys = [
        verifier.parse_verifier_key(line.strip())
        for line in keys_text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    text = verifier.verify_note(note, keys)
    fields = dict(line.split(" ", 1) for line in text.rstrip("\n").split("\n")[1:])
    assert fields["verdict"] == "stored-and-verified"
    assert (fields["sha256"], fields["sm3"], fields["size"]) == (sha256, sm3, str(SIZE))
    assert fields["recording"] == recording.number
    with pytest.raises(verifier.VerifyError):
        verifier.verify_note(note.replace(sha256, "0" * 64), keys)

    page.click("tr.upload-row .receipt a")  # "查看记录" leads to the recording
    page.wait_for_url(f"**/evidence/recordings/{recording.pk}/")
    print(f"hashing+create {hashed:.1f}s, total {time.monotonic() - started:.1f}s")


DROP_FILES = """([size, names]) => {
    const head = [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32];  // ....ftypmp42
    const transfer = new DataTransfer();
    names.forEach((name, n) => {
        const bytes = new Uint8Array(name.endsWith('.mp4') ? size : 1000);
        bytes.set(head);
        for (let i = 12; i < bytes.length; i += 4096) bytes[i] = (i / 4096 + n) & 255;
        transfer.items.add(new File([bytes], name, {type: ''}));
    });
    return transfer;
}"""


def test_several_files_dropped_checked_paused_resumed_and_receipted(page, live_server, world):
    login(page, "uploader")
    page.goto(f"{page.base_url}/evidence/recordings/new/")
    assert "未关联" in page.inner_text("#upload-subject")

    names = ["DSJ_0001.mp4", "DSJ_0002.mp4", "说明.exe"]
    transfer = page.evaluate_handle(DROP_FILES, [40 * MIB, names])
    page.dispatch_event("#upload-drop", "drop", {"dataTransfer": transfer})
    assert page.locator("tr.upload-row").count() == 2  # the .exe is refused at once
    assert "说明.exe" in page.inner_text("#upload-problem")

    # A description the server refuses is shown field by field before anything is hashed.
    page.check("#id_underground")
    page.click("#upload-start")
    page.wait_for_selector("#id_device ~ ul.errorlist")
    assert "防爆" in page.inner_text("#id_device ~ ul.errorlist")
    assert Upload.objects.count() == 0
    page.uncheck("#id_underground")
    page.click("#upload-start")

    first = page.locator("tr.upload-row").nth(0)
    page.wait_for_function(
        "() => document.querySelector('tr.upload-row progress.send').value >= 10", timeout=60_000
    )
    first.locator("button.pause").click()
    assert first.get_attribute("data-state") == "paused"
    time.sleep(1.0)
    held = Upload.objects.get(filename="DSJ_0001.mp4").offset
    time.sleep(1.0)
    assert Upload.objects.get(filename="DSJ_0001.mp4").offset == held < 40 * MIB  # paused
    first.locator("button.resume").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('tr.upload-row')]"
        ".every(r => r.dataset.state === 'done')",
        timeout=120_000,
    )
    assert page.locator("tr.upload-row .receipt-ok").count() == 2
    uploads = Upload.objects.order_by("filename")
    assert [u.status for u in uploads] == [UploadStatus.COMPLETE] * 2
    assert Recording.objects.count() == 2
    assert {r.subject_type for r in Recording.objects.all()} == {""}
