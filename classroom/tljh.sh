#!/bin/bash
# A hub on one server with The Littlest JupyterHub (TLJH), for one course.
# Run on the server after TLJH's own installer, as a user who may sudo:
#   sudo bash classroom/tljh.sh https://github.com/OWNER/REPO
# Sizing: see the README's "A class on a JupyterHub" table (memory and cores per student).
set -euo pipefail
REPO="${1:?usage: tljh.sh <repository address>}"
COURSE=tutorcluster
COURSE_DIR=/opt/courses/$COURSE

# Per-user limits (TLJH enforces them with systemd): every notebook's kernel peaks
# below 410 MiB and a user's server adds about 150 MiB, so 1 GiB leaves room for
# two open notebooks; one core each caps a student who loops forever.
tljh-config set limits.memory 1G
tljh-config set limits.cpu 1
# Shut down servers idle for 30 minutes (frees their memory between classes).
tljh-config set services.cull.timeout 1800
tljh-config set user_environment.default_app jupyterlab

# The course's own environment and kernel: nothing is installed into the hub's user
# environment (/opt/tljh/user), which other courses share.
git clone --depth 1 "$REPO" "$COURSE_DIR/src" 2>/dev/null || git -C "$COURSE_DIR/src" pull --ff-only
python3 -m venv "$COURSE_DIR/venv"
"$COURSE_DIR/venv/bin/python" -m pip install --quiet --upgrade pip
"$COURSE_DIR/venv/bin/python" -m pip install --quiet "$COURSE_DIR/src[fast]" "ipykernel>=6.0"
# A kernel every user sees (TLJH's user environment is /opt/tljh/user).
"$COURSE_DIR/venv/bin/python" -m ipykernel install --prefix /opt/tljh/user \
    --name "$COURSE" --display-name "Python ($COURSE)"
# nbgitpuller serves the links that hand out the material.
/opt/tljh/user/bin/python -m pip install --quiet "nbgitpuller>=1.2"
# One BLAS / OpenMP thread per kernel (one core per user: more threads only contend).
cat > /opt/tljh/config/jupyterhub_config.d/tutorcluster-threads.py <<'PY'
c.Spawner.environment = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                         "MKL_NUM_THREADS": "1"}
PY
tljh-config reload
echo "Done. Hand out links made by: python classroom/link.py --hub https://YOUR-HUB --repo $REPO"
