#!/usr/bin/python3
"""A local HTTP endpoint for the push tests: json_sink.py MODE PORTFILE OUTDIR LIFETIME [CERT KEY].
Listens on 127.0.0.1 (a free port, written to PORTFILE). MODE ok: 200 and records each
request body (OUTDIR/body.N) and whether an Authorization header came (OUTDIR/auth.N:
the header's value); 500: answers 500; slow: sleeps 30 s before answering. Exits after
LIFETIME seconds. With CERT and KEY (PEM files) it speaks HTTPS."""
import http.server
import os
import ssl
import sys
import threading
import time

mode, portfile, outdir, lifetime = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        count[0] += 1
        k = count[0]
        with open(os.path.join(outdir, f"requests"), "a") as f:
            f.write(f"{self.command} {self.path}\n")
        if mode == "slow":
            time.sleep(30)
        if mode == "500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        with open(os.path.join(outdir, f"body.{k}"), "wb") as f:
            f.write(body)
        with open(os.path.join(outdir, f"auth.{k}"), "w") as f:
            f.write(self.headers.get("Authorization", ""))
        with open(os.path.join(outdir, f"type.{k}"), "w") as f:
            f.write(self.headers.get("Content-Type", ""))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    do_PUT = do_POST

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 6:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[5], sys.argv[6])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
threading.Timer(lifetime, server.shutdown).start()
server.serve_forever()
