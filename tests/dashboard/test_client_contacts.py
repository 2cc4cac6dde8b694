"""The client page's contacts and last notes, read through the real serving PostgreSQL as a
logged-in login (Streamlit's AppTest, the login form filled in): the director reads the
names, e-mails, phones and notes of tests/dashboard/handmade.py in clear; a rep reads only
their own client's, masked (``***``; a missing value stays missing), and not another rep's
client at all. Every expected value is handmade.py's table."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.serving import logins, publish
from tests.dashboard import handmade
from tests.serving.conftest import drop_serving, make_serving

pytestmark = pytest.mark.slow
APP = PROJECT_ROOT / "include" / "salesdw" / "dashboard" / "app.py"
PASSWORD = "pw-contacts"
MASK = "***"
MISSING = "–"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("client-contacts") / "home"
    serving = make_serving()
    try:
        with pytest.MonkeyPatch.context() as mp:
            for key, value in {"SALESDW_HOME": str(home), **serving.env()}.items():
                mp.setenv(key, value)
            tags = handmade.write_manifest(home)
            assert tags["dim_client_contacts"][1] == ["contact_name", "email", "phone"]
            settings = Settings.from_env()
            folder = home / "published" / "publications" / handmade.PUBLICATION
            handmade.write_publication(folder)
            publish.serve_publication(settings, folder, handmade.PUBLICATION)
            logins.add_login(settings, serving.login("dir"), "director", password=PASSWORD)
            logins.add_login(
                settings, serving.login("rep"), "sales_rep", crm_user_id="U1", password=PASSWORD
            )
            yield serving, mp
    finally:
        drop_serving(serving)


def _client_page(served, login: str, search: str) -> AppTest:
    """The app as ``login``, on the client page, after searching ``search``."""
    serving, _ = served
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["page"] = "client"  # the page opens directly (no overview marts here)
    at.run()
    at.text_input(key="login_user").input(serving.login(login))
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    at.text_input(key="client_search").input(search).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _table(at: AppTest, column: str) -> list[dict]:
    """The rows of the one table on the page that has ``column`` (a missing value: None)."""
    [frame] = [d.value for d in at.dataframe if column in d.value.columns]
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_the_director_reads_contacts_and_notes_in_clear(served):
    at = _client_page(served, "dir", "alpha conseil")
    assert at.selectbox(key="client_choice").value == "K1"
    contacts = _table(at, "is_decision_maker")
    assert [(c["contact_name"], c["job_title"], c["is_decision_maker"]) for c in contacts] == [
        ("Marie Dupont", "Directeur général", True),
        ("Paul Martin", "Comptable", False),
    ]
    assert [c["email"] for c in contacts] == ["marie.dupont@alpha.fr", "paul.martin@alpha.fr"]
    assert contacts[0]["phone"] == "+33100000001"
    notes = _table(at, "activity_type")
    assert [
        (n["activity_date"], n["activity_type"], n["author_name"], n["contact_name"], n["notes"])
        for n in notes
    ] == [
        ("20/01/2026", "note", "Ann Martin", "Marie Dupont", "Budget validé par la direction"),
        ("12/01/2026", "call", "Ann Martin", None, None),
    ]
    subheaders = [s.value for s in at.subheader]
    assert "Contacts" in subheaders and "Dernières notes et activités" in subheaders


def test_a_rep_reads_their_client_s_contacts_masked(served):
    at = _client_page(served, "rep", "alpha conseil")
    assert at.selectbox(key="client_choice").value == "K1"
    contacts = _table(at, "is_decision_maker")
    # names, e-mails and phones masked; the title and the flag are not personal
    assert [
        (c["contact_name"], c["job_title"], c["is_decision_maker"], c["email"], c["phone"])
        for c in contacts
    ] == [
        (MASK, "Directeur général", True, MASK, MASK),
        (MASK, "Comptable", False, MASK, None),
    ]
    notes = _table(at, "activity_type")
    shown = [(n["activity_date"], n["author_name"], n["contact_name"], n["notes"]) for n in notes]
    assert shown == [
        ("20/01/2026", MASK, MASK, MASK),
        ("12/01/2026", MASK, None, None),
    ]


def test_a_rep_cannot_find_another_rep_s_client(served):
    at = _client_page(served, "rep", "delta industrie")
    assert not at.get("selectbox") or all(s.key != "client_choice" for s in at.selectbox)
    assert not [d for d in at.dataframe if "is_decision_maker" in d.value.columns]
