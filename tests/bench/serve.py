"""`python -m tests.bench.serve ARGS`: the Argo CD simulator (`python -m tests.simulator ARGS`)
answering with TCP_NODELAY, as Argo CD does.

Go's net package turns Nagle's algorithm off on every TCP connection; Python's http.server
leaves it on and writes the headers and the body of an answer in two sends, so each answer's
body waited for the client's delayed ACK (about 40 ms on Linux, three times per app). That
delay belongs to neither argodiff nor Argo CD, so the benchmark serves without it.
"""

from __future__ import annotations

import sys

from tests.simulator import server
from tests.simulator.__main__ import main

if __name__ == "__main__":
    server._Handler.disable_nagle_algorithm = True
    sys.exit(main())
