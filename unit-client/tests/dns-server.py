#!/usr/bin/env python3
"""A DNS-over-TCP responder on loopback for the self-test's dns check: answers every query with the same
id, the response bit set and no records. Usage: dns-server.py PORT"""
import socketserver, struct, sys

class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        size = struct.unpack("!H", self.request.recv(2))[0]
        query = self.request.recv(size)
        answer = query[:2] + bytes([query[2] | 0x80, 0x80]) + query[4:]
        self.request.sendall(struct.pack("!H", len(answer)) + answer)

socketserver.ThreadingTCPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
