#!/usr/bin/env python3
"""browser_check.py API_URL STORY_ID COPY_ID ORIGINAL_ID EXPECTED_PASSAGE SCREENSHOT_DIR

Drives headless Chromium through chromedriver (the W3C WebDriver protocol, spoken with the
standard library: no Selenium) over nearwire-api's story browser, as a user would: loads the
page, waits for the live story list, clicks the story, checks its timeline (every member with
a relation badge), clicks "compare" on the copy, and checks that the shared passages are
highlighted in both texts, that EXPECTED_PASSAGE is among them, and that hovering a passage
lights its twin. Then the same at a phone's width: the two texts stack instead of sitting side
by side. Screenshots of the story, the comparison and the phone view land in SCREENSHOT_DIR. Prints one "ok"/"FAIL" line per check;
exits 1 if any failed, 2 if the browser could not be driven at all.
"""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

CSS = "css selector"


class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.sid = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.load(r).get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.read().decode(errors='replace')[:300]}")

    def session(self, width, height, phone=False):
        options = {"binary": os.environ.get("NW_CHROMIUM", "/usr/bin/chromium"),
                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", f"--window-size={width},{height}"]}
        if phone:  # a phone's viewport (a headless window is never narrower than 500)
            options["mobileEmulation"] = {"deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 2, "touch": True}}
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": options}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def s(self, path):
        return f"/session/{self.sid}{path}"

    def go(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def find_all(self, css):
        # an element reference is an object of one member, named by the W3C spec's key
        found = self.call("POST", self.s("/elements"), {"using": CSS, "value": css})
        for e in found:
            self.key = next(iter(e))
        return [next(iter(e.values())) for e in found]

    def wait_all(self, css, least=1, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            found = self.find_all(css)
            if len(found) >= least:
                return found
            time.sleep(0.2)
        return self.find_all(css)

    def text(self, el):
        return self.call("GET", self.s(f"/element/{el}/text"))

    def attr(self, el, name):
        return self.call("GET", self.s(f"/element/{el}/attribute/{name}"))

    def click(self, el):
        self.call("POST", self.s(f"/element/{el}/click"), {})

    def rect(self, el):
        return self.call("GET", self.s(f"/element/{el}/rect"))

    def hover(self, el):
        self.call("POST", self.s("/actions"), {"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "origin": {self.key: el}, "x": 0, "y": 0}]}]})

    def script(self, code):
        return self.call("POST", self.s("/execute/sync"), {"script": code, "args": []})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.call("GET", self.s("/screenshot"))))

    def quit(self):
        if self.sid:
            try:
                self.call("DELETE", self.s(""))
            except Exception:
                pass
            self.sid = None


failed = 0


def check(name, ok, detail=""):
    global failed
    print(("ok   - " if ok else "FAIL - ") + name + ("" if ok else f" ({detail})"))
    failed += not ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chromedriver():
    port = free_port()
    proc = subprocess.Popen([os.environ.get("NW_CHROMEDRIVER", "chromedriver"), f"--port={port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1) as r:
                if json.load(r)["value"]["ready"]:
                    return proc, port
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("chromedriver did not become ready")


def desktop(d, api, story, copy, original, passage, shots):
    d.go(api + "/")
    items = d.wait_all(f'#stories li[data-story="{story}"]')
    check("the live story list shows the seed story", len(items) == 1)
    if not items:
        return
    check("the list item names its size and sources",
          "4 articles, 4 sources" in d.text(items[0]), d.text(items[0]))
    d.click(items[0])
    members = d.wait_all("#timeline li", least=4)
    ids = [d.attr(m, "data-id") for m in members]
    check("the timeline lists the story's four members", len(ids) == 4, ids)
    badges = [d.text(b).lower() for b in d.find_all("#timeline li .badge")]
    check("every member has a relation badge", len(badges) == 4 and
          set(badges) <= {"new", "story", "duplicate"}, badges)
    check("the copy is marked a duplicate",
          any(i == copy and "duplicate" in d.text(m).lower() for i, m in zip(ids, members)))
    opened = d.wait_all("#compare-view[data-pair] mark", least=1)
    check("the story opens beside its first duplicate, passages lit", len(opened) >= 1)
    shown = d.text(d.find_all("#story-view")[0])
    check("the story view shows no null or undefined",
          "null" not in shown and "undefined" not in shown, shown[:200])
    d.screenshot(os.path.join(shots, "story-browser-story.png"))
    buttons = d.find_all(f'#timeline li[data-id="{copy}"] .compare-btn')
    check("the copy has a compare button", len(buttons) == 1)
    if not buttons:
        return
    d.click(buttons[0])
    # the story opened beside its first duplicate: wait for the pair clicked
    d.wait_all(f'#compare-view[data-pair="{original} {copy}"]')
    marks = d.wait_all(f'#compare-view[data-pair="{original} {copy}"] mark', least=2)
    texts = [d.text(m) for m in marks]
    check("shared passages are highlighted", len(marks) >= 2, len(marks))
    joined = " ".join(" ".join(t.split()) for t in texts)
    check("the expected shared passage is highlighted", passage in joined, passage)
    panes = d.find_all("#compare-view .compare > div")
    pane_text = [d.text(p) for p in panes]
    check("both articles are shown side by side",
          len(panes) == 2 and d.rect(panes[0])["y"] == d.rect(panes[1])["y"] and
          d.rect(panes[0])["x"] < d.rect(panes[1])["x"], [d.rect(p) for p in panes])
    check("each side names its article", len(pane_text) == 2 and all(pane_text))
    first = d.attr(marks[0], "data-passage")
    d.hover(marks[0])
    lit = d.script(f'return document.querySelectorAll(\'mark.on[data-passage="{first}"]\').length')
    check("hovering a passage lights it in both texts", lit >= 2, lit)
    d.screenshot(os.path.join(shots, "story-browser.png"))


def phone(d, api, copy, original, shots):
    d.go(f"{api}/#/compare/{original}/{copy}")
    marks = d.wait_all("#compare-view mark", least=2)
    check("phone width: the comparison loads from its link", len(marks) >= 2)
    panes = d.find_all("#compare-view .compare > div")
    if len(panes) == 2:
        a, b = d.rect(panes[0]), d.rect(panes[1])
        check("phone width: the two texts stack", b["y"] >= a["y"] + a["height"] - 1, (a, b))
    width = d.script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check("phone width: a 390-pixel screen, and nothing scrolls sideways",
          width[1] == 390 and width[0] <= width[1], width)
    d.screenshot(os.path.join(shots, "story-browser-phone.png"))


def main():
    api, story, copy, original, passage, shots = sys.argv[1:7]
    os.makedirs(shots, exist_ok=True)
    try:
        proc, port = start_chromedriver()
    except Exception as e:
        print(f"FAIL - headless Chromium runs ({e})")
        return 2
    d = None
    try:
        d = Driver(port)
        d.session(1280, 1000)
        desktop(d, api, story, copy, original, passage, shots)
        d.quit()
        d = Driver(port)
        d.session(390, 844, phone=True)
        phone(d, api, copy, original, shots)
    except Exception as e:
        check("the browser is driven to the end", False, e)
    finally:
        if d:
            d.quit()  # the browser itself: chromedriver's exit leaves it running
        proc.terminate()
        proc.wait(10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
