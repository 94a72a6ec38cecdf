"""A TLS client that says exactly how the server ended: it reads the TCP socket itself
and feeds TLS through memory BIOs, so a close_notify (TLS says so), a FIN without one
(the socket ends first: a truncation) and an RST (the socket reports a reset) are three
different answers. Python's ssl sockets report a reset as a truncation.

usage: tls_client.py HOST PORT CAFILE PATH [PROXY_PORT]
prints one JSON line: {"received": <base64>, "end": "close-notify" | "truncation" | "rst" | "error: ..."}
"""
import base64
import json
import socket
import ssl
import sys

host, port, cafile, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
proxy = int(sys.argv[5]) if len(sys.argv) > 5 else None


def report(received, end):
    print(json.dumps({"received": base64.b64encode(received).decode(), "end": end}))
    sys.exit(0)


raw = socket.create_connection(("127.0.0.1", proxy or port), timeout=10)
if proxy:
    raw.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        more = raw.recv(1)
        if not more:
            report(b"", "error: the proxy closed after CONNECT")
        head += more

incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ssl.create_default_context(cafile=cafile).wrap_bio(incoming, outgoing, server_hostname=host)


def flush():
    data = outgoing.read()
    if data:
        raw.sendall(data)


def feed():
    """One read from the socket into TLS; returns the end kind when the socket ended."""
    try:
        data = raw.recv(65536)
    except ConnectionResetError:
        return "rst"
    if not data:
        return "fin"
    incoming.write(data)
    return None


while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        flush()
        if feed() is not None:
            report(b"", "error: the connection ended during the handshake")
flush()
tls.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
flush()

received = b""
while True:
    try:
        data = tls.read(65536)
        if not data:  # ssl returns b'' once close_notify was read
            report(received, "close-notify")
        received += data
        continue
    except ssl.SSLZeroReturnError:
        report(received, "close-notify")
    except ssl.SSLWantReadError:
        pass
    except ssl.SSLError as error:
        report(received, f"error: {error}")
    flush()
    ended = feed()
    if ended == "rst":
        report(received, "rst")
    if ended == "fin":
        # The socket ended: whatever TLS still holds is read, then it was a truncation.
        incoming.write_eof()
        try:
            while True:
                data = tls.read(65536)
                if not data:
                    report(received, "close-notify")
                received += data
        except ssl.SSLZeroReturnError:
            report(received, "close-notify")
        except ssl.SSLError:
            report(received, "truncation")
