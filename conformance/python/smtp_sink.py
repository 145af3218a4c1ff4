#!/usr/bin/env python3
"""A real SMTP server for the iMIP suite (aiosmtpd): every accepted message is written to
DIR/NNNN.eml (the envelope sender and recipients in DIR/NNNN.env). The server runs until it is
killed. With --refuse N, the first N messages get a temporary 451 refusal (to see retries).

usage: smtp_sink.py PORT DIR [--refuse N]
"""
import argparse
import os
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, refuse):
        self.directory = directory
        self.refuse = refuse
        self.count = len([n for n in os.listdir(directory) if n.endswith(".eml")])

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later (smtp_sink --refuse)"
        self.count += 1
        base = os.path.join(self.directory, f"{self.count:04}")
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".env", "w") as f:
            f.write(envelope.mail_from + "\n" + "\n".join(envelope.rcpt_tos) + "\n")
        os.replace(base + ".tmp", base + ".eml")
        return "250 2.0.0 queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("dir")
    ap.add_argument("--refuse", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    controller = Controller(Sink(a.dir, a.refuse), hostname="127.0.0.1", port=a.port)
    controller.start()
    print(f"smtp sink on 127.0.0.1:{a.port}, writing {a.dir}", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
