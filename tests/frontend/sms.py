"""An SMS backend for the live server in browser tests: texts go to a file the test process reads."""

import os
import threading

from accounts.sms import BaseSmsBackend

_lock = threading.Lock()


class FileBackend(BaseSmsBackend):
    def send(self, phone: str, text: str) -> None:
        line = f"{phone}\t{' '.join(str(text).split())}\n"
        with _lock, open(os.environ["SMS_OUTBOX_FILE"], "a", encoding="utf-8") as outbox:
            outbox.write(line)
