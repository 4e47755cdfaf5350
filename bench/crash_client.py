"""Crash safety of Korpus: writers log hours and apply to offers over the API, recording every write the
server acknowledged (201), while the server is killed with SIGKILL at random moments and started again. At
the end every acknowledged write must be in the database, and SQLite's integrity check must pass. Then a
SIGTERM in the middle of the same load: requests in flight finish (none is cut off), and what they
acknowledged is kept.

Run by bench/crash.sh, which builds, seeds and passes what this needs:
  crash_client.py BINARY PORT DATA_DIR MEMBER_TOKEN VOLUNTEER_TOKEN KILLS [DATABASE_URL]
Prints one summary line per phase, and exits non-zero when anything acknowledged is missing."""
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

binary, port, data_dir, member_token, volunteer_token, kills = sys.argv[1:7]
port, kills = int(port), int(kills)
database_url = sys.argv[7] if len(sys.argv) > 7 else ""
lock = threading.Lock()
acknowledged = {"hour_entries": set(), "offer_applications": set()}
failures = {"refused": 0, "cut": 0, "other": 0}


def request(method, path, token, body=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def start():
    log = open(os.path.join(data_dir, "server.log"), "ab")
    server = subprocess.Popen([binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log,
                              stdin=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if request("GET", "/health", "", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not start; see server.log")


def call(method, path, token, body=None):
    """One request; errors are counted by kind: refused (no server), cut (a request in flight lost its
    answer), other."""
    try:
        return request(method, path, token, body)
    except ConnectionRefusedError:
        kind = "refused"
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError, http.client.IncompleteRead):
        kind = "cut"
    except OSError:
        kind = "other"
    with lock:
        failures[kind] += 1
    time.sleep(0.05)
    return None, b""


def hour_writer(stop, engagement, days):
    while not stop.is_set():
        day = random.choice(days)
        status, body = call("POST", "/api/v1/hours", member_token,
                            {"engagementID": engagement, "workedOn": day, "hours": 0.25, "description": "Dyżur (test awarii)"})
        if status == 201:
            with lock:
                acknowledged["hour_entries"].add(json.loads(body)["id"].lower())
        elif status == 422:
            days.remove(day) if day in days and len(days) > 1 else None


def application_writer(stop, offers):
    while not stop.is_set() and offers:
        with lock:
            offer = offers.pop() if offers else None
        if offer is None:
            return
        status, body = call("POST", f"/api/v1/offers/{offer}/applications", volunteer_token, {"message": "Test awarii"})
        if status == 201:
            with lock:
                acknowledged["offer_applications"].add(json.loads(body)["id"].lower())
        elif status is None:
            with lock:
                offers.append(offer)


def stored(table):
    if database_url:
        out = subprocess.run(["psql", database_url, "-At", "-c", f"SELECT id FROM {table}"], check=True, capture_output=True, text=True)
        return {line.strip().lower() for line in out.stdout.splitlines() if line.strip()}
    db = sqlite3.connect(os.path.join(data_dir, "korpus.sqlite"))
    try:
        ids = set()
        for (value,) in db.execute(f"SELECT id FROM {table}"):
            ids.add(str(uuid.UUID(bytes=value)) if isinstance(value, bytes) else str(value).lower())
        return ids
    finally:
        db.close()


def integrity():
    if database_url:
        return "n/a (PostgreSQL)"
    db = sqlite3.connect(os.path.join(data_dir, "korpus.sqlite"))
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def load(seconds, engagement, days, offers, during):
    """Writers write while `during` (a function run in its own thread) does its work, and `seconds` more."""
    stop = threading.Event()
    writers = [threading.Thread(target=hour_writer, args=(stop, engagement, days)) for _ in range(3)]
    writers += [threading.Thread(target=application_writer, args=(stop, offers)) for _ in range(3)]
    for writer in writers:
        writer.start()
    action = threading.Thread(target=during)
    action.start()
    action.join()
    time.sleep(seconds)
    stop.set()
    for writer in writers:
        writer.join()


def lost():
    missing = {table: ids - stored(table) for table, ids in acknowledged.items()}
    return sum(len(ids) for ids in missing.values()), missing


def main():
    holder = [start()]
    # What to write: the member's engagement and days it covers; published offers to apply to.
    status, body = request("GET", "/api/v1/hours?limit=1000", member_token)
    entries = json.loads(body)["items"]
    engagement = entries[0]["engagementID"]
    days = sorted({e["workedOn"] for e in entries if e["engagementID"] == engagement})
    offers = []
    for page in range(1, 30):
        status, body = request("GET", f"/api/v1/offers?page={page}", "")
        offers += [o["id"] for o in json.loads(body)["items"]]
    random.shuffle(offers)

    def killer():
        for _ in range(kills):
            time.sleep(random.uniform(1.0, 4.0))
            holder[0].send_signal(signal.SIGKILL)
            holder[0].wait()
            holder[0] = start()

    load(2, engagement, days, offers, killer)
    holder[0].send_signal(signal.SIGKILL)
    holder[0].wait()
    holder[0] = start()
    count, missing = lost()
    writes = sum(len(ids) for ids in acknowledged.values())
    print(f"CRASH writes_acknowledged={writes} kills={kills} rows_lost={count} integrity={integrity()} "
          f"refused_while_down={failures['refused']} cut={failures['cut']}")
    if count:
        print("missing:", {table: sorted(ids)[:5] for table, ids in missing.items() if ids})

    # Graceful shutdown: SIGTERM under the same load; requests in flight finish.
    before_cut = failures["cut"]
    before = writes

    def terminator():
        time.sleep(2)
        holder[0].send_signal(signal.SIGTERM)
        holder[0].wait(timeout=60)

    load(1, engagement, days, offers, terminator)
    code = holder[0].returncode
    holder[0] = start()
    count_after, _ = lost()
    writes_after = sum(len(ids) for ids in acknowledged.values())
    cut = failures["cut"] - before_cut
    print(f"SIGTERM exit_code={code} writes_acknowledged={writes_after - before} requests_cut={cut} rows_lost={count_after - count}")
    holder[0].send_signal(signal.SIGTERM)
    holder[0].wait(timeout=60)
    sys.exit(1 if count or count_after or cut or code != 0 else 0)


main()
