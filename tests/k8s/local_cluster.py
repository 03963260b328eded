"""An overlay's workloads run on this machine: the manifest's command and environment, localized.

This is the one place that joins the three steps for a container — what Kubernetes would give it
(manifest_env), what this machine changes (localizer) and the process that runs it (local_pods) —
so a test says "run this Job", "start these Deployments", "exec into auth" and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.k8s.local_pods import LocalPods, wait_ready
from tests.k8s.localizer import Localizer
from tests.k8s.manifest_env import Image, container_argv, container_env
from tests.k8s.rendered_manifest import Manifest, Workload

JOB_TIMEOUT_S = 60


@dataclass
class LocalCluster:
    """The overlay's workloads as local processes; `images` maps an image name to its local `Image`."""

    manifest: Manifest
    images: dict[str, Image]
    localizer: Localizer
    pods: LocalPods
    cwd: Path

    def manifest_env(self, w: Workload) -> dict[str, str]:
        """The environment as the manifest and image define it, before localizing."""
        return container_env(self.manifest, w, self.images[w.image])

    def command(self, w: Workload, extra: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str]]:
        """The localized argv (with `extra` arguments appended) and environment of a container."""
        env = self.manifest_env(w)
        argv = self.localizer.argv(w, container_argv(w, self.images[w.image], env), self.images[w.image])
        return [*argv, *extra], self.localizer.env(w, env)

    def run_job(self, w: Workload) -> str:
        """Run a Job's container to completion; fails unless it exits 0. Returns its output."""
        return self.pods.run(w.name, *self.command(w), self.cwd, timeout_s=JOB_TIMEOUT_S)

    def start(self, workloads: list[Workload], extra: tuple[str, ...] = ()) -> None:
        """Start the workloads' containers and wait until each passes its readinessProbe."""
        for w in workloads:
            self.pods.start(w.name, *self.command(w, extra), self.cwd)
        wait_ready(self.pods, workloads, self.localizer.pod_port)

    def exec(self, w: Workload, args: list[str]) -> str:
        """`kubectl exec` into the workload's pod: its executable, environment and volumes."""
        argv, env = self.command(w)
        return self.pods.run(f"exec-{w.name}", [argv[0], *args], env, self.cwd, timeout_s=JOB_TIMEOUT_S)
