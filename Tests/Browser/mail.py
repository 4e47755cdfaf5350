"""Reads the messages Korpus wrote to its outbox folder (KORPUS_DATA_DIR/outbox/*.eml)."""
import email
import email.policy
import glob
import os
import re
import time

DATA_DIR = os.environ.get("KORPUS_DATA_DIR", "")


def messages_to(address):
    found = []
    for path in sorted(glob.glob(os.path.join(DATA_DIR, "outbox", "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def wait_for_link(address, fragment, timeout=60):
    """The path of the newest link to `address` containing `fragment`, waiting for the mail worker."""
    assert DATA_DIR, "KORPUS_DATA_DIR must name the server's data folder"
    deadline = time.time() + timeout
    while time.time() < deadline:
        for message in reversed(messages_to(address)):
            text = message.get_body(preferencelist=("plain",)).get_content()
            for url in re.findall(r"https?://\S+", text):
                if fragment in url:
                    return re.sub(r"^https?://[^/]+", "", url)
        time.sleep(0.5)
    raise AssertionError(f"no mail to {address} with {fragment} within {timeout} s")


def wait_for_subject(subject, since=0, timeout=60):
    """The recipient of the newest message with `subject` written after `since` (a time.time()), waiting for
    the mail worker."""
    assert DATA_DIR, "KORPUS_DATA_DIR must name the server's data folder"
    deadline = time.time() + timeout
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(DATA_DIR, "outbox", "*.eml")), key=os.path.getmtime, reverse=True):
            if os.path.getmtime(path) < since:
                break
            with open(path, "rb") as f:
                message = email.message_from_binary_file(f, policy=email.policy.default)
            if message["Subject"] == subject:
                return message["To"]
        time.sleep(0.5)
    raise AssertionError(f"no mail with the subject {subject} within {timeout} s")
