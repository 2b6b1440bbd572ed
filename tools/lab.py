"""Serve JupyterLab for ``make lab``: rooted at the repository, opening the working copy.

JupyterLab's log goes to ``.venv/jupyterlab.log``; once the server answers, this prints
the address to open and how to stop the server, as the last lines on the screen.

    python tools/lab.py [--ip 127.0.0.1] [--port 8888] [--allow-root]
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPEN = "my-notebooks/00-introduction.ipynb"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--allow-root", action="store_true")
    parser.add_argument("--log", default=str(ROOT / ".venv" / "jupyterlab.log"))
    args = parser.parse_args(argv)

    token = secrets.token_hex(24)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser",
               f"--ServerApp.root_dir={ROOT}", f"--ip={args.ip}", f"--port={args.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--LabApp.default_url=/lab/tree/{OPEN}"]
    if args.allow_root:
        command.append("--allow-root")
    log = open(args.log, "w")
    # stdin and stdout stay on the terminal, so Jupyter's own "Shut down this server?"
    # prompt after the first Ctrl+C is seen; its log goes to the file.
    server = subprocess.Popen(command, cwd=ROOT, stderr=log)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C is for the server, not for us
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())   # so is a kill
    host = "localhost" if args.ip in ("127.0.0.1", "0.0.0.0", "localhost") else args.ip
    status = f"http://127.0.0.1:{args.port}/api/status?token={token}"
    deadline = time.monotonic() + 120
    while True:
        if server.poll() is not None:
            log.close()
            sys.stderr.write(Path(args.log).read_text()[-3000:])
            sys.exit(f"JupyterLab did not start (see above and {args.log}); "
                     f"if the port is taken, try: make lab PORT={args.port + 1}")
        try:
            with urllib.request.urlopen(status, timeout=2) as reply:
                json.load(reply)
            break
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                sys.exit(f"JupyterLab did not answer within two minutes; its log is {args.log}")
            time.sleep(0.5)
    print(f"\nJupyterLab's log: {args.log}")
    print("Your notebooks are in my-notebooks/ (solutions in my-notebooks/solutions/);")
    print("notebooks/ holds the instructor source: edit and save in my-notebooks/.")
    if args.ip == "127.0.0.1":
        print(f"(On a remote server: ssh -L {args.port}:localhost:{args.port} you@server, "
              f"then open the address below on your own machine.)")
    print("To stop the server: press Ctrl+C twice in this terminal.")
    print("Open this address in your browser:\n")
    print(f"    http://{host}:{args.port}/lab/tree/{OPEN}?token={token}\n", flush=True)
    sys.exit(server.wait())


if __name__ == "__main__":
    main()
