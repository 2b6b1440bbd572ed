"""Plain JupyterHub on one server, one course, with per-user limits.

    jupyterhub -f classroom/jupyterhub_config.py

Limits need a spawner that enforces them: SystemdSpawner (`pip install
jupyterhub-systemdspawner`, the spawner TLJH uses) runs each user's server in a
systemd unit with a memory and CPU cap. The course kernel comes from `make kernel`
(one virtual environment for the course, outside the hub's environment) installed
with `KERNEL_FLAGS="--prefix /usr/local"`, so every user sees "Python (tutorcluster)".
Numbers below come from the measured table in the README.
"""

c = get_config()  # noqa: F821 (JupyterHub provides it)

c.JupyterHub.bind_url = "https://0.0.0.0:443"
c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/HUB.EXAMPLE.EDU/fullchain.pem"
c.JupyterHub.ssl_key = "/etc/letsencrypt/live/HUB.EXAMPLE.EDU/privkey.pem"

# Who may log in: the course's accounts on this machine (PAM), listed here or in a group.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_groups = {"tutorcluster-students"}
c.Authenticator.admin_users = {"instructor"}

c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.mem_limit = "1G"        # peak kernel <= 410 MiB + server about 150 MiB, two notebooks open
c.SystemdSpawner.cpu_limit = 1.0
# One BLAS / OpenMP thread per kernel: with one core per user (and more kernels than
# cores in a lab), extra BLAS threads only contend; a small product such as FCM's
# objective then waits milliseconds for threads that have no core to run on.
c.Spawner.environment = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                         "MKL_NUM_THREADS": "1"}
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
# Do not let a whole class spawn at the same instant on a small server.
c.JupyterHub.concurrent_spawn_limit = 20

# Stop servers idle for 30 minutes (pip install jupyterhub-idle-culler).
c.JupyterHub.load_roles = [{"name": "idle-culler",
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                            "services": ["idle-culler"]}]
c.JupyterHub.services = [{"name": "idle-culler",
                          "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=1800"]}]
