#!/usr/bin/env python3
"""A label printer's raw TCP port on loopback (no package provides one): answers ~HS with a ready host status and
writes every ZPL stream it receives to a file in FOLDER. Writes its port to PORT_FILE once listening."""
import os, socket, sys, threading

folder, port_file = sys.argv[1:3]
os.makedirs(folder, exist_ok=True)
READY = (b"\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
         b"\x02001,0,0,0,0,2,6,0,00000000,1,000\x03\r\n"
         b"\x021234,0\x03\r\n")
count = 0

def serve(conn):
    global count
    data = b""
    with conn:
        conn.settimeout(10)
        try:
            while chunk := conn.recv(65536):
                data += chunk
                if b"~HS" in chunk:
                    conn.sendall(READY)
        except OSError:
            pass
    if b"^XA" in data:
        count += 1
        with open(os.path.join(folder, f"label-{count}.zpl"), "wb") as f:
            f.write(data)

server = socket.create_server(("127.0.0.1", 0))
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.getsockname()[1]))
os.replace(port_file + ".tmp", port_file)
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
