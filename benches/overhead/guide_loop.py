# The guide's Python sample (section 11) in a loop: one token, then goods detail N times, with
# requests.post as the guide writes it (a new connection per call), then with a Session
# (keep-alive), as a partner tuning it would. Prints the seconds per call of each.
import base64
import sys
import time

import requests

GATEWAY, TENANT_ID, CLIENT_ID, CLIENT_SECRET, CALLS = sys.argv[1:6]
CALLS = int(CALLS)

basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
token_resp = requests.post(
    f"{GATEWAY}/open-api/system/oauth2/token",
    headers={"Authorization": f"Basic {basic}", "tenant-id": TENANT_ID},
    data={"grant_type": "client_credentials", "scope": "goods:detail:read"},
)
access_token = token_resp.json()["data"]["access_token"]
headers = {
    "Authorization": f"Bearer {access_token}",
    "tenant-id": TENANT_ID,
    "Content-Type": "application/json",
}


def loop(post):
    started = time.perf_counter()
    for _ in range(CALLS):
        body = post(f"{GATEWAY}/open-api/goods/detail", headers=headers,
                    json={"goodsId": "123456", "source": 1}).json()
        assert body["code"] == 0, body
    return (time.perf_counter() - started) / CALLS


print(loop(requests.post), loop(requests.Session().post))
