"""A real SMTP server for the tests (Debian's python3-aiosmtpd), run in a namespace as its own process:
`smtp_sink.py ADDRESS PORT OUT [--refuse]` appends one JSON line per message it takes to OUT: the HELO/EHLO
name, the envelope (MAIL FROM, RCPT TO) and the message as received. With --refuse it answers every RCPT TO
with 550, as a server that knows no such user."""

import json
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, refuse):
        self.out, self.refuse = out, refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {"helo": session.host_name, "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                  "data": envelope.content.decode("utf-8", "replace")}
        with open(self.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def main():
    address, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Sink(out, "--refuse" in sys.argv), hostname=address, port=port)
    controller.start()
    print(f"listening on {address}:{port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
