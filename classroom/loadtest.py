"""A class of simulated students on a JupyterHub that listens on 127.0.0.1 only.

The hub uses the two test classes that ship with JupyterHub: the dummy
authenticator (one shared password) and the simple local-process spawner (every
user's server is a process of this user, with its own home folder under a
temporary directory). The proxy is the npm package configurable-http-proxy.

Each student, in a thread of their own:

1. logs in through the hub's login form;
2. gets a server started (hub REST API) and a token for it;
3. gets the material by an nbgitpuller link (``/user/<name>/git-pull?repo=...``),
   whose repository is a local git repository made from ``material`` (a folder);
4. opens the notebook, starts a kernel (server REST API), runs every code cell over
   the kernel's websocket, and saves the notebook with its outputs every few cells
   and at the end (contents API);
5. reads the saved notebook back and checks that it holds every output it saw.

One student (``kill_one=True``) has their kernel killed (SIGKILL, by process id)
half-way through; that student restarts the kernel, as *Kernel → Restart* does, runs
the notebook again from the top and saves it. The notebook saved before the kill
must still be readable with the outputs it had.

Everything is bounded: ``students`` threads, ``deadline`` seconds for the whole
class (every request has a timeout), and the hub and its proxy are stopped when the
run ends, whatever happens. Nothing but 127.0.0.1 is contacted.

Command line (the test in tests/hub/ runs the same function):

    .venv/bin/python classroom/loadtest.py --students 10
    .venv/bin/python classroom/loadtest.py --students 5 --material notebooks --notebook 00-introduction.ipynb
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import requests
import websocket  # websocket-client, a dependency of jupyter_server

ROOT = Path(__file__).resolve().parents[1]
PROXY = ROOT / ".hub" / "node_modules" / "configurable-http-proxy" / "bin" / "configurable-http-proxy"
PASSWORD = "class-of-today"
TARGET = "tutorcluster-material"   # the folder nbgitpuller creates in each home


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def material_repository(material, where):
    """A git repository (branch main) holding a copy of the folder ``material``."""
    repo = where / "material"
    shutil.copytree(material, repo, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    env = dict(os.environ, GIT_AUTHOR_NAME="instructor", GIT_AUTHOR_EMAIL="instructor@localhost",
               GIT_COMMITTER_NAME="instructor", GIT_COMMITTER_EMAIL="instructor@localhost")
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", "material for today"]):
        subprocess.run(command, cwd=repo, env=env, check=True)
    return repo


def nbgitpuller_link(hub_url, repo, branch, notebook, targetpath=TARGET):
    """The link an instructor hands out (the same format for a real hub)."""
    query = urlencode({"repo": repo, "branch": branch, "targetpath": targetpath,
                       "urlpath": f"lab/tree/{targetpath}/{notebook}"})
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


HUB_CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{node!r}, {proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.environment = {environment!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "teacher", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "teacher", "services": ["teacher"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "list:users"]}}]
"""


class Hub:
    """A JupyterHub on 127.0.0.1, started in its own process group, always stopped."""

    def __init__(self, where, kernel_path=None):
        self.where = where
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        bin_dir = Path(sys.executable).parent
        environment = {"PYTHONUNBUFFERED": "1"}
        if kernel_path:
            environment["JUPYTER_PATH"] = str(kernel_path)
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if name in os.environ:
                environment[name] = os.environ[name]
        config = HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), proxy_api_port=free_port(),
            node=shutil.which("node"), proxy=str(PROXY), pid_file=str(where / "proxy.pid"),
            db=where / "jupyterhub.sqlite", cookie=str(where / "cookie_secret"),
            password=PASSWORD, homes=str(where / "home"),
            singleuser=str(bin_dir / "jupyterhub-singleuser"),
            args=["--allow-root"] if os.getuid() == 0 else [],
            environment=environment, token=self.token)
        (where / "jupyterhub_config.py").write_text(config)
        (where / "home").mkdir()
        self.log = open(where / "jupyterhub.log", "w")
        self.process = subprocess.Popen(
            [str(bin_dir / "jupyterhub"), "-f", str(where / "jupyterhub_config.py")],
            cwd=where, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited; see {where / 'jupyterhub.log'}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("JupyterHub did not answer within 90 s")

    def api(self, method, path, **kwargs):
        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def stop(self):
        """SIGTERM to the hub (it stops the servers and the proxy), then SIGKILL to its group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)   # leftovers of this hub's group only
        except ProcessLookupError:
            pass
        self.process.wait()
        self.log.close()


class MemoryWatch(threading.Thread):
    """Samples the resident memory of every process of each user's server (server and kernels).

    A process belongs to user ``name`` when its environment holds ``JUPYTERHUB_USER=name``
    (the spawner sets it; kernels inherit it). Peak of the per-user sum, in bytes.
    """

    def __init__(self, interval=0.5):
        super().__init__(daemon=True)
        self.interval, self.peaks, self.owner = interval, {}, {}
        self.done = threading.Event()

    def _user(self, pid):
        if pid not in self.owner:
            try:
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            except OSError:
                return None
            user = next((e[16:].decode() for e in environ if e.startswith(b"JUPYTERHUB_USER=")), None)
            if user is None:
                return None   # not (yet: a spawn forks before it sets the environment) a user's process
            self.owner[pid] = user
        return self.owner[pid]

    def run(self):
        page = os.sysconf("SC_PAGE_SIZE")
        while not self.done.wait(self.interval):
            totals = {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                user = self._user(int(entry))
                if user is None:
                    continue
                try:
                    rss = int(Path(f"/proc/{entry}/statm").read_text().split()[1]) * page
                except OSError:
                    continue
                totals[user] = totals.get(user, 0) + rss
            for user, total in totals.items():
                self.peaks[user] = max(self.peaks.get(user, 0), total)


def kernel_process(kernel_id):
    """Process id of the kernel whose connection file names ``kernel_id``."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if f"kernel-{kernel_id}".encode() in command and b"ipykernel" in command:
                return int(entry)
    return None


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) chunks into one output, as Jupyter's front ends do."""
    merged = []
    for output in outputs:
        if (output.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == output.name):
            merged[-1].text += output.text
        else:
            merged.append(output)
    return merged


class KernelGone(Exception):
    """The kernel died while a cell ran."""


class Student:
    def __init__(self, hub, name, repo, notebook, kernel_name, deadline, kill=False, save_every=5):
        self.hub, self.name, self.repo, self.notebook = hub, name, repo, notebook
        self.kernel_name, self.deadline, self.kill, self.save_every = kernel_name, deadline, kill, save_every
        self.result = {"name": name, "finished": False, "killed": False}
        self.path = f"{TARGET}/{notebook}"

    # -- HTTP helpers ---------------------------------------------------------------
    def timeout(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{self.name}: out of time")
        return min(left, 120)

    def server(self, method, path, **kwargs):
        url = f"{self.hub.url}/user/{self.name}/{path}"
        response = self.http.request(method, url, timeout=self.timeout(), **kwargs)
        response.raise_for_status()
        return response

    # -- what a student does ---------------------------------------------------------
    def log_in(self):
        self.http = requests.Session()
        self.http.get(f"{self.hub.url}/hub/login", timeout=self.timeout()).raise_for_status()
        response = self.http.post(f"{self.hub.url}/hub/login", allow_redirects=False, timeout=self.timeout(),
                                  data={"username": self.name, "password": PASSWORD,
                                        "_xsrf": self.http.cookies.get("_xsrf", "")})
        assert response.status_code == 302, f"{self.name}: login answered {response.status_code}"
        assert any(c.name.startswith("jupyterhub-hub-login") for c in self.http.cookies), "no login cookie"

    def start_server(self):
        self.hub.api("POST", f"/users/{self.name}/server")
        while not self.hub.api("GET", f"/users/{self.name}")["servers"].get("", {}).get("ready"):
            self.timeout()
            time.sleep(0.5)
        token = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "load test"})["token"]
        self.http.headers["Authorization"] = f"token {token}"
        self.token = token

    def pull(self):
        # The link the instructor handed out; the page it opens drives the pull's API.
        link = nbgitpuller_link(self.hub.url, f"file://{self.repo}", "main", self.notebook)
        page = self.http.get(link.replace("/hub/user-redirect/", f"/user/{self.name}/"), timeout=self.timeout())
        page.raise_for_status()
        query = urlencode({"repo": f"file://{self.repo}", "branch": "main", "targetpath": TARGET})
        phase = None
        with self.server("GET", f"git-pull/api?{query}", stream=True) as events:
            for line in events.iter_lines(decode_unicode=True):
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    phase = event.get("phase")
                    if phase in ("finished", "error"):
                        break
        assert phase == "finished", f"{self.name}: nbgitpuller ended with {phase}: {event}"

    def open_kernel(self):
        session = self.server("POST", "api/sessions", json={
            "path": self.path, "name": self.notebook, "type": "notebook",
            "kernel": {"name": self.kernel_name}}).json()
        self.kernel_id = session["kernel"]["id"]
        self.connect()

    def connect(self):
        url = f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {self.token}"],
                                              timeout=self.timeout())
        self.session_id = uuid.uuid4().hex
        # Wait until the kernel answers (it may still be starting or restarting).
        while True:
            try:
                self.request("kernel_info_request", {}, channel="shell", wait_for="kernel_info_reply", limit=10)
                return
            except (TimeoutError, websocket.WebSocketTimeoutException):
                self.timeout()

    def request(self, msg_type, content, channel="shell", wait_for=None, limit=None, outputs=None):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": self.name,
                       "session": self.session_id, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        reply, idle = None, wait_for == "kernel_info_reply"
        end = time.monotonic() + (limit or self.timeout())
        while reply is None or not idle:
            self.ws.settimeout(max(0.1, min(end - time.monotonic(), self.timeout())))
            if time.monotonic() > end:
                raise TimeoutError(f"{self.name}: no {wait_for} within {limit} s")
            try:
                raw = self.ws.recv()
            except websocket.WebSocketConnectionClosedException as error:
                raise KernelGone(str(error)) from error
            if isinstance(raw, bytes):   # a binary frame (widget buffers): not an output
                continue
            message = json.loads(raw)
            kind = message["header"]["msg_type"]
            if kind == "status" and message["content"]["execution_state"] in ("restarting", "dead"):
                raise KernelGone(message["content"]["execution_state"])
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == wait_for:
                reply = message
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            elif outputs is not None and kind in ("stream", "display_data", "execute_result", "error"):
                outputs.append(message)
            elif outputs is not None and kind == "clear_output":
                outputs.clear()
        return reply

    def run_cells(self, notebook, kill_at=None):
        import nbformat

        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        for number, cell in enumerate(code):
            if kill_at is not None and number == kill_at:
                self.save(notebook)
                self.saved_before_kill = json.loads(json.dumps(self.read()))
                pid = kernel_process(self.kernel_id)
                assert pid, f"{self.name}: kernel process not found"
                os.kill(pid, signal.SIGKILL)
                self.result["killed"] = True
            messages = []
            reply = self.request("execute_request", {"code": cell.source, "silent": False, "store_history": True,
                                                     "user_expressions": {}, "allow_stdin": False,
                                                     "stop_on_error": True},
                                 wait_for="execute_reply", outputs=messages)
            cell.outputs = merge_streams([nbformat.v4.output_from_msg(m) for m in messages])
            cell.execution_count = reply["content"].get("execution_count")
            if reply["content"]["status"] != "ok" and "nbgrader" not in cell.metadata:
                raise AssertionError(f"{self.name}: cell {number} failed: {reply['content'].get('evalue')}")
            if (number + 1) % self.save_every == 0:
                self.save(notebook)
        self.save(notebook)
        return code

    def save(self, notebook):
        self.server("PUT", f"api/contents/{quote(self.path)}",
                    json={"type": "notebook", "format": "json", "content": notebook})

    def read(self):
        return self.server("GET", f"api/contents/{quote(self.path)}?content=1").json()["content"]

    def restart(self):
        """Kernel → Restart, after the kernel died: ask until the server accepts, then reconnect."""
        self.ws.close()
        while True:
            response = self.http.post(f"{self.hub.url}/user/{self.name}/api/kernels/{self.kernel_id}/restart",
                                      timeout=self.timeout())
            if response.ok:
                break
            time.sleep(1)
        self.connect()

    def run(self):
        import nbformat

        start = time.monotonic()
        try:
            self.log_in()
            self.start_server()
            self.result["server_s"] = time.monotonic() - start
            self.pull()
            notebook = nbformat.from_dict(self.read())
            self.open_kernel()
            run_start = time.monotonic()
            n_code = sum(cell.cell_type == "code" for cell in notebook.cells)
            try:
                code = self.run_cells(notebook, kill_at=n_code // 2 if self.kill else None)
            except KernelGone:
                before = self.saved_before_kill
                assert sum(bool(c.get("outputs")) for c in before["cells"] if c["cell_type"] == "code"), \
                    f"{self.name}: the notebook saved before the kill lost its outputs"
                # Restart and run again, as a student does. The server may be
                # restarting the killed kernel on its own at the same moment, and
                # then reports "restarting" once more during the rerun: the student
                # restarts again (at most three times).
                for attempt in range(3):
                    self.restart()
                    for cell in notebook.cells:
                        if cell.cell_type == "code":
                            cell.outputs, cell.execution_count = [], None
                    try:
                        code = self.run_cells(notebook)
                        break
                    except KernelGone:
                        if attempt == 2:
                            raise
            self.result["run_s"] = time.monotonic() - run_start
            saved = self.read()
            saved_code = [c for c in saved["cells"] if c["cell_type"] == "code"]
            assert len(saved_code) == len(code), f"{self.name}: saved notebook lost cells"
            for number, (mine, theirs) in enumerate(zip(code, saved_code)):
                assert theirs["execution_count"] is not None, f"{self.name}: cell {number} saved unexecuted"
                assert len(theirs["outputs"]) == len(mine.outputs), f"{self.name}: cell {number} lost outputs"
            self.result["outputs"] = sum(len(c["outputs"]) for c in saved_code)
            self.result["cells_with_outputs"] = sum(bool(c["outputs"]) for c in saved_code)
            self.server("DELETE", f"api/kernels/{self.kernel_id}")
            self.result["finished"] = True
        except Exception as error:   # reported, and the class assertion fails on it
            self.result["error"] = f"{type(error).__name__}: {error}"
        finally:
            self.result["total_s"] = time.monotonic() - start
            if getattr(self, "ws", None):
                self.ws.close()


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def run_class(students=10, material=ROOT / "notebooks", notebook="00-introduction.ipynb",
              kernel_name="python3", kernel_path=None, deadline=600, kill_one=True, keep=None):
    """Run the class; returns a report dict (it does not assert: the caller does)."""
    if not PROXY.exists():
        raise RuntimeError("configurable-http-proxy is missing: run `make test-hub` (it installs it in .hub/)")
    where = Path(keep or tempfile.mkdtemp(prefix="tutorcluster-hub-"))
    where.mkdir(parents=True, exist_ok=True)
    repo = material_repository(Path(material), where)
    hub = Hub(where, kernel_path=kernel_path)
    watch = MemoryWatch()
    watch.start()
    end = time.monotonic() + deadline
    try:
        class_ = [Student(hub, f"student{n:02d}", repo, notebook, kernel_name, end, kill=kill_one and n == 0)
                  for n in range(students)]
        threads = [threading.Thread(target=s.run, daemon=True) for s in class_]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0, end - time.monotonic()) + 5)
    finally:
        watch.done.set()
        hub.stop()
        watch.join()
    results = [s.result for s in class_]
    for r in results:
        r["peak_bytes"] = watch.peaks.get(r["name"], 0)
    done = [r for r in results if r["finished"]]
    times = [r["total_s"] for r in done] or [float("nan")]
    peaks = [r["peak_bytes"] for r in results]
    report = {"students": students, "notebook": notebook, "finished": len(done),
              "p50_s": statistics.median(times), "p95_s": percentile(times, 0.95),
              "peak_per_user_mib_median": statistics.median(peaks) / 2**20,
              "peak_per_user_mib_max": max(peaks) / 2**20,
              "results": results, "log": str(where / "jupyterhub.log")}
    if keep is None and len(done) == students:
        shutil.rmtree(where, ignore_errors=True)
    return report


def describe(report):
    return (f"{report['finished']}/{report['students']} students finished {report['notebook']}: "
            f"p50 {report['p50_s']:.1f} s, p95 {report['p95_s']:.1f} s per student (login to saved); "
            f"peak memory per user (server + kernel) median {report['peak_per_user_mib_median']:.0f} MiB, "
            f"max {report['peak_per_user_mib_max']:.0f} MiB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--material", type=Path, default=ROOT / "notebooks",
                        help="the folder the students pull (the student edition once it is built)")
    parser.add_argument("--notebook", default="00-introduction.ipynb", help="path inside --material")
    parser.add_argument("--kernel", default="python3", help="kernel name (e.g. the course kernel of `make kernel`)")
    parser.add_argument("--kernel-path", help="a share/jupyter folder that holds that kernel (JUPYTER_PATH)")
    parser.add_argument("--deadline", type=int, default=600, help="seconds for the whole class")
    parser.add_argument("--no-kill", action="store_true", help="do not kill one student's kernel")
    parser.add_argument("--keep", help="keep the hub's folder (config, log, homes) here")
    args = parser.parse_args(argv)
    report = run_class(args.students, args.material, args.notebook, args.kernel, args.kernel_path,
                       args.deadline, not args.no_kill, args.keep)
    print(json.dumps(report["results"], indent=1))
    print(describe(report))
    return 0 if report["finished"] == report["students"] else 1


if __name__ == "__main__":
    sys.exit(main())
