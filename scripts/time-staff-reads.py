#!/usr/bin/env python3
"""Times the signal reads staff make against a running PostLoan (docs/benchmarks.md, "a customer's signals").

    python3 scripts/time-staff-reads.py BASE_URL USER CUSTOMER_ID [REPETITIONS]

Signs in with the form (the demo password, or POSTLOAN_PASSWORD) and prints, for each read, the status, the median,
minimum and maximum time and the size of the answer. Used on a book kept by `./postloan bench warning --keep`, served
with ConnectionStrings__PostLoan pointing at it.
"""
import http.cookiejar
import os
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

base, user, customer = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
repetitions = int(sys.argv[4]) if len(sys.argv) > 4 else 5


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), KeepRedirects)
login = opener.open(base + "/account/login").read().decode()
token = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', login).group(1)
form = {"_handler": "login", "__RequestVerificationToken": token, "Input.UserName": user,
        "Input.Password": os.environ.get("POSTLOAN_PASSWORD", "PostLoan@2026")}
try:
    opener.open(base + "/account/login", urllib.parse.urlencode(form).encode())
    sys.exit("sign-in failed: the login page answered without redirecting")
except urllib.error.HTTPError as redirect:
    if redirect.code != 302:
        sys.exit(f"sign-in failed: {redirect.code}")

reads = [
    "/api/warning/signals",
    "/api/warning/signals?status=open",
    f"/api/warning/signals?customerId={customer}",
    f"/api/warning/signals?customerId={customer}&status=all",
    f"/customers/{customer}",
    f"/warning/signals?customerId={customer}&status=all",
    "/api/warning/signals?mine=true",
]
for read in reads:
    seconds = []
    for _ in range(repetitions):
        started = time.perf_counter()
        try:
            response = opener.open(base + read)
            status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        seconds.append(time.perf_counter() - started)
    print(f"{user:10} {status} {statistics.median(seconds) * 1000:7.0f} ms median (min {min(seconds) * 1000:.0f}, "
          f"max {max(seconds) * 1000:.0f}) {len(body):7d} B  {read}", flush=True)
