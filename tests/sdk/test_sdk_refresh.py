"""The SDK's token refresh path against pinbox. scripts/sdk-interop runs the OAuth flow unattended
and sets PINTEREST_REFRESH_ACCESS_TOKEN, PINTEREST_APP_ID and PINTEREST_APP_SECRET; the SDK then
refreshes at POST {PINTEREST_API_URI}/oauth/token with HTTP Basic, exactly as it would against
api.pinterest.com, and uses the new access token."""

import os
import subprocess
import sys
import uuid

import pytest
from pinterest.client import PinterestSDKClient
from pinterest.organic.boards import Board
from pinterest.utils.sdk_exceptions import SdkException

REFRESH = os.environ.get("PINTEREST_REFRESH_ACCESS_TOKEN")
pytestmark = pytest.mark.skipif(
    not REFRESH, reason="scripts/sdk-interop sets the refresh credentials"
)


def unique(prefix):
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def test_a_client_made_from_a_refresh_token_gets_a_working_access_token():
    client = PinterestSDKClient.create_client_with_refresh_token(
        REFRESH, os.environ["PINTEREST_APP_ID"], os.environ["PINTEREST_APP_SECRET"]
    )
    token = client.configuration.access_token
    assert token.startswith("pina_")
    assert token != os.environ["PINTEREST_ACCESS_TOKEN"]
    name = unique("Refreshed")
    board = Board.create(name=name, client=client)
    assert Board(board_id=board.id, client=client).name == name


def test_the_default_client_refreshes_from_the_environment_alone():
    env = {k: v for k, v in os.environ.items() if k != "PINTEREST_ACCESS_TOKEN"}
    name = unique("From the refresh token")
    script = (
        "import sys\n"
        "from pinterest.organic.boards import Board\n"
        "print(Board.create(name=sys.argv[1]).id)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, name],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # The same user's board, read back with the access token the CLI issued.
    assert Board(board_id=done.stdout.strip()).name == name


def test_refreshing_can_go_on_with_the_same_refresh_token():
    first = PinterestSDKClient.create_client_with_refresh_token(
        REFRESH, os.environ["PINTEREST_APP_ID"], os.environ["PINTEREST_APP_SECRET"]
    )
    second = PinterestSDKClient.create_client_with_refresh_token(
        REFRESH, os.environ["PINTEREST_APP_ID"], os.environ["PINTEREST_APP_SECRET"]
    )
    assert first.configuration.access_token != second.configuration.access_token


def test_a_wrong_app_secret_is_an_authentication_error():
    with pytest.raises(SdkException) as raised:
        PinterestSDKClient.create_client_with_refresh_token(
            REFRESH, os.environ["PINTEREST_APP_ID"], "0" * 40
        )
    assert raised.value.status == 401
