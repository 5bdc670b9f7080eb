"""Kubernetes: deploy/k8s is what deploy/k8s/generate.py writes from the code, every core resource passes the
Kubernetes schemas (strict), every service and every contract topic with its DLQ is deployed, containers are
non-root with a read-only root filesystem, probes and resources, and each service's outbox has exactly one relay
(its own Deployment of one replica; the API replicas do not publish)."""

from __future__ import annotations

import subprocess

import yaml

from contracts.topics import TOPICS
from devstack.suite import SERVICES
from testkit.deploy import ROOT, generator

K8S = ROOT / "deploy/k8s"
GENERATE = generator("deploy/k8s/generate.py")
OVERLAYS, files = GENERATE.OVERLAYS, GENERATE.files


def test_the_manifests_are_generated_from_the_code() -> None:
    generated = files()
    committed = {p for p in K8S.rglob("*.yaml")}
    assert committed == set(generated), "run deploy/k8s/generate.py (files added or removed)"
    for path, text in generated.items():
        assert path.read_text(encoding="utf-8") == text, f"run deploy/k8s/generate.py ({path} is stale)"


def test_every_core_resource_passes_the_kubernetes_schemas() -> None:
    resources = [str(p) for p in sorted(K8S.glob("base/*/*.yaml")) if p.name != "kustomization.yaml"]
    assert len(resources) == 6 * len(SERVICES)
    checker = ROOT / ".venv/bin/kubernetes-validate"
    result = subprocess.run([str(checker), "--strict", "-k", "1.31.0", *resources], capture_output=True, text=True)
    assert result.returncode == 0 and "failed" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_every_service_is_deployed_safely() -> None:
    base = yaml.safe_load((K8S / "base/kustomization.yaml").read_text())
    assert base["resources"] == list(SERVICES)
    for name, port in SERVICES.items():
        d = yaml.safe_load((K8S / f"base/{name}/deployment.yaml").read_text())
        pod = d["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        assert c["args"] == [name, "serve"] and pod["initContainers"][0]["args"] == [name, "migrate"]
        assert c["ports"] == [{"name": "http", "containerPort": port}]
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        for container in (c, pod["initContainers"][0]):
            sc = container["securityContext"]
            assert sc["runAsNonRoot"] and sc["readOnlyRootFilesystem"] and not sc["allowPrivilegeEscalation"]
            assert container["resources"]["requests"] and container["resources"]["limits"]
        pdb = yaml.safe_load((K8S / f"base/{name}/pdb.yaml").read_text())
        assert pdb["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}


def test_each_database_has_exactly_one_relay_beside_its_api_replicas() -> None:
    for name, port in SERVICES.items():
        api = yaml.safe_load((K8S / f"base/{name}/deployment.yaml").read_text())
        relay = yaml.safe_load((K8S / f"base/{name}/relay.yaml").read_text())
        (api_container,) = api["spec"]["template"]["spec"]["containers"]
        api_env = {e["name"]: e.get("value") for e in api_container["env"]}
        assert api_env[f"SHUZHUAN_{name.upper()}_RELAY_EMBEDDED"] == "false"  # API replicas never publish
        pod = relay["spec"]["template"]["spec"]
        (c,) = pod["containers"]
        assert relay["metadata"]["name"] == f"{name}-relay" and c["args"] == [name, "relay"]
        assert relay["spec"]["replicas"] == 1 and relay["spec"]["strategy"] == {"type": "Recreate"}
        env = {e["name"]: e.get("value") for e in c["env"]}
        relay_port = int(env[f"SHUZHUAN_{name.upper()}_RELAY_PORT"])
        assert relay_port == port + 100 and c["ports"] == [{"name": "http", "containerPort": relay_port}]
        assert relay["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(relay_port)
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert c["securityContext"]["readOnlyRootFilesystem"] and c["resources"]["limits"]
        assert all(m["name"] != "keys" for m in c["volumeMounts"])  # it signs and verifies nothing
        # The overlays scale the API Deployment only: the relay stays at one replica.
        assert relay["metadata"]["name"] not in {
            p["target"]["name"]
            for overlay in OVERLAYS
            for p in yaml.safe_load((K8S / f"overlays/{overlay}/kustomization.yaml").read_text())["patches"]
        }


def test_every_topic_and_its_dlq_is_a_kafka_topic_in_each_overlay() -> None:
    for overlay, settings in OVERLAYS.items():
        docs = list(yaml.safe_load_all((K8S / f"overlays/{overlay}/topics.yaml").read_text()))
        topics = {d["spec"]["topicName"]: d["spec"] for d in docs}
        expected = {t.name: t.partitions * settings["scale"] for t in TOPICS} | {t.dlq: 1 for t in TOPICS}
        assert {n: s["partitions"] for n, s in topics.items()} == expected
        assert all(s["replicas"] == 3 and s["config"]["min.insync.replicas"] == "2" for s in topics.values())
        kustomization = yaml.safe_load((K8S / f"overlays/{overlay}/kustomization.yaml").read_text())
        assert kustomization["resources"] == ["../../base", "topics.yaml"]
        assert {p["target"]["name"] for p in kustomization["patches"]} == set(SERVICES)
