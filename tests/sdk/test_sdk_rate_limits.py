"""Pinterest's official Python SDK meeting pinbox's rate limits: a 429 reaches the integration as
the SDK's ApiException carrying Pinterest's body and x-ratelimit-* headers, and an integration
that waits x-ratelimit-reset seconds before retrying gets every call through. Runs against a
second pinbox that scripts/sdk-interop starts with a config file allowing a Standard user two
calls a second (PINBOX_RATE_LIMITED_API_URI, PINBOX_RATE_LIMITED_TOKEN); skipped without it."""

import json
import os
import time

import pytest
from openapi_generated.pinterest_client.configuration import Configuration
from openapi_generated.pinterest_client.exceptions import ApiException
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board

URI = os.environ.get("PINBOX_RATE_LIMITED_API_URI")
TOKEN = os.environ.get("PINBOX_RATE_LIMITED_TOKEN")

pytestmark = pytest.mark.skipif(
    not (URI and TOKEN), reason="scripts/sdk-interop starts the rate-limited pinbox these need"
)


def sdk_client():
    return PinterestSDKClient(configuration=Configuration(access_token=TOKEN, host=URI))


def backing_off(call, waits):
    """Calls `call` until it is not refused, sleeping as long as x-ratelimit-reset says; each
    wait is recorded in `waits`, and one wait must be enough."""
    waited = False
    while True:
        try:
            return call()
        except ApiException as refused:
            if refused.status != 429:
                raise
            assert json.loads(refused.body)["code"] == 8
            headers = {k.lower(): v for k, v in refused.headers.items()}
            assert headers["x-ratelimit-limit"] == "2, 2;w=1, 1000;w=60"
            assert headers["x-ratelimit-remaining"] == "0"
            # As on Pinterest: no Retry-After, which urllib3 (under the SDK) would obey by itself.
            assert "retry-after" not in headers
            reset = int(headers["x-ratelimit-reset"])
            assert reset == 1, "a one-second window resets within a second"
            assert not waited, "waiting x-ratelimit-reset seconds was not enough"
            waits.append(reset)
            time.sleep(reset)
            waited = True


def test_an_integration_backing_off_by_the_reset_header_gets_every_call_through():
    client = sdk_client()
    name = f"SDK back-off {os.getpid()}"
    waits = []
    board = backing_off(lambda: Board.create(name=name, client=client), waits)
    for _ in range(7):
        boards, _ = backing_off(lambda: Board.get_all(client=client), waits)
        assert board.id in [b.id for b in boards]
    assert len(waits) >= 2, "eight calls at two a second meet the limit"
