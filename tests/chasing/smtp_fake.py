"""A small SMTP server for tests that need real SMTP between processes (the worker cluster).

It answers just enough of RFC 5321 for Django's SMTP backend, takes `delay` seconds before
greeting each connection (a slow mail server), and keeps every message it accepted.
"""

import email
import socketserver
import threading
import time
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    server: "SmtpFake._Server"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        time.sleep(self.server.fake.delay)
        self.reply("220 fake ESMTP")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 fake")
            elif command.startswith("DATA"):
                self.reply("354 end with .")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.fake.accept(email.message_from_bytes(b"".join(lines)))
                self.reply("250 queued")
            elif command.startswith("QUIT"):
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")


class SmtpFake:
    class _Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True
        fake: "SmtpFake"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server = self._Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port = self._server.server_address[1]

    def accept(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def __enter__(self) -> "SmtpFake":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
