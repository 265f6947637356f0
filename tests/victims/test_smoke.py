from tests.reports.helpers import png
from tests.victims.helpers import hashes_of, open_case, read_case


def test_a_case_is_opened_and_read(live) -> None:
    with live.client() as client:
        case = open_case(client, hashes_of(png(1)), language="de")
        read = read_case(client, case)
    assert read.status_code == 200, read.text
    assert read.json()["status"] == "open"
