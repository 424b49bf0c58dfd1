#!/usr/bin/env python3
"""Builds the API responses `tests/snapshot.rs` replays: what a cluster's API server answers to
`routec inventory snapshot` after `kubectl apply -n bookinfo -f` of bookinfo's `bookinfo.yaml`
and `bookinfo-versions.yaml` (from ../manifests/bookinfo/platform-kube/).

The objects get what the API server adds on create: namespace, uid, resourceVersion,
creationTimestamp, a managedFields entry, the Service defaults (clusterIP, type, protocol,
targetPort, ...), the Deployment defaults and a status. The cluster also has the namespaces,
service accounts and objects of a fresh kind/kubeadm cluster (kube-system's DNS and proxy) and
two nodes in one region but different zones. Lists are shaped as the API server shapes them:
items without `kind`/`apiVersion`, metadata-only lists as PartialObjectMetadataList.

Services are split over two pages to exercise paging. Run from this folder:
    python3 generate.py     (needs PyYAML)
"""
import copy
import json
import uuid
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MANIFESTS = HERE.parent / "manifests" / "bookinfo" / "platform-kube"
CREATED = "2026-11-20T09:30:00Z"
counter = [41000]


def stamp(obj, namespace):
    counter[0] += 7
    meta = obj.setdefault("metadata", {})
    if namespace is not None:
        meta["namespace"] = namespace
    meta["uid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{obj['kind']}/{namespace}/{meta['name']}"))
    meta["resourceVersion"] = str(counter[0])
    meta["creationTimestamp"] = CREATED
    if obj["kind"] in ("Service", "Deployment", "DaemonSet", "ServiceAccount"):
        meta["managedFields"] = [{
            "manager": "kubectl-client-side-apply", "operation": "Update",
            "apiVersion": obj["apiVersion"], "time": CREATED, "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {}},
        }]
    return obj


def service_defaults(svc, cluster_ip):
    spec = svc.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec["clusterIP"] = cluster_ip
    spec["clusterIPs"] = [cluster_ip]
    spec.setdefault("sessionAffinity", "None")
    spec["ipFamilies"] = ["IPv4"]
    spec["ipFamilyPolicy"] = "SingleStack"
    spec["internalTrafficPolicy"] = "Cluster"
    for port in spec.get("ports", []):
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port["port"])
    svc["status"] = {"loadBalancer": {}}
    return svc


def pod_defaults(template):
    spec = template.setdefault("spec", {})
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    if "serviceAccountName" in spec:
        spec["serviceAccount"] = spec["serviceAccountName"]  # the API server mirrors it
    for c in spec.get("containers", []):
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        c.setdefault("resources", {})
        for p in c.get("ports", []):
            p.setdefault("protocol", "TCP")
    template.setdefault("metadata", {})["creationTimestamp"] = None
    return template


def deployment_defaults(dep):
    spec = dep["spec"]
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    spec.setdefault("strategy", {"type": "RollingUpdate",
                                 "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
    pod_defaults(spec["template"])
    dep["metadata"]["generation"] = 1
    dep["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = "1"
    dep["status"] = {"observedGeneration": 1, "replicas": spec["replicas"],
                     "updatedReplicas": spec["replicas"], "readyReplicas": spec["replicas"],
                     "availableReplicas": spec["replicas"]}
    return dep


def item(obj):
    """A list item: the API server leaves out kind and apiVersion."""
    obj = copy.deepcopy(obj)
    obj.pop("kind", None)
    obj.pop("apiVersion", None)
    return obj


def typed_list(kind, api_version, objects, cont=None):
    meta = {"resourceVersion": "42001"}
    if cont:
        meta["continue"] = cont
        meta["remainingItemCount"] = 1
    return {"kind": kind, "apiVersion": api_version, "metadata": meta,
            "items": [item(o) for o in objects]}


def metadata_list(objects):
    return {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "42001"},
            "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                       "metadata": o["metadata"]} for o in objects]}


docs = []
for name in ("bookinfo.yaml", "bookinfo-versions.yaml"):
    docs += [d for d in yaml.safe_load_all((MANIFESTS / name).read_text()) if d]

namespaces = []
for name, labels in [("default", {}), ("kube-system", {}), ("kube-public", {}),
                     ("kube-node-lease", {}), ("bookinfo", {"istio-injection": "enabled"})]:
    ns = {"apiVersion": "v1", "kind": "Namespace",
          "metadata": {"name": name,
                       "labels": {"kubernetes.io/metadata.name": name, **labels}}}
    namespaces.append(stamp(ns, None))

services, deployments, accounts = [], [], []
ip = [10, 96, 0, 10]


def next_ip():
    ip[3] += 1
    return ".".join(map(str, ip))


services.append(stamp(service_defaults(
    {"apiVersion": "v1", "kind": "Service",
     "metadata": {"name": "kubernetes", "labels": {"component": "apiserver",
                                                   "provider": "kubernetes"}},
     "spec": {"ports": [{"name": "https", "port": 443, "targetPort": 6443}]}},
    "10.96.0.1"), "default"))
services.append(stamp(service_defaults(
    {"apiVersion": "v1", "kind": "Service",
     "metadata": {"name": "kube-dns", "labels": {"k8s-app": "kube-dns",
                                                 "kubernetes.io/name": "CoreDNS"}},
     "spec": {"selector": {"k8s-app": "kube-dns"},
              "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                        {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                        {"name": "metrics", "port": 9153, "protocol": "TCP",
                         "targetPort": 9153}]}},
    "10.96.0.10"), "kube-system"))
deployments.append(stamp(deployment_defaults(
    {"apiVersion": "apps/v1", "kind": "Deployment",
     "metadata": {"name": "coredns", "labels": {"k8s-app": "kube-dns"}},
     "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
              "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
                           "spec": {"serviceAccountName": "coredns",
                                    "containers": [{"name": "coredns",
                                                    "image": "registry.k8s.io/coredns/coredns:v1.12.1"}]}}}}),
    "kube-system"))
daemonset = {"apiVersion": "apps/v1", "kind": "DaemonSet",
             "metadata": {"name": "kube-proxy", "labels": {"k8s-app": "kube-proxy"}},
             "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                      "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                                   "spec": {"serviceAccountName": "kube-proxy",
                                            "containers": [{"name": "kube-proxy",
                                                            "image": "registry.k8s.io/kube-proxy:v1.33.4"}]}},
                      "updateStrategy": {"type": "RollingUpdate",
                                         "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
                      "revisionHistoryLimit": 10}}
pod_defaults(daemonset["spec"]["template"])
daemonset["metadata"]["generation"] = 1
daemonset["status"] = {"currentNumberScheduled": 2, "desiredNumberScheduled": 2,
                       "numberMisscheduled": 0, "numberReady": 2, "observedGeneration": 1}
stamp(daemonset, "kube-system")

for d in docs:
    kind = d["kind"]
    if kind == "Service":
        services.append(stamp(service_defaults(d, next_ip()), "bookinfo"))
    elif kind == "Deployment":
        deployments.append(stamp(deployment_defaults(d), "bookinfo"))
    elif kind == "ServiceAccount":
        accounts.append(stamp(d, "bookinfo"))

for ns in ("default", "kube-system", "kube-public", "kube-node-lease", "bookinfo"):
    accounts.append(stamp({"apiVersion": "v1", "kind": "ServiceAccount",
                           "metadata": {"name": "default"}}, ns))
for name in ("coredns", "kube-proxy"):
    accounts.append(stamp({"apiVersion": "v1", "kind": "ServiceAccount",
                           "metadata": {"name": name}}, "kube-system"))

nodes = []
for name, zone in [("node-a", "us-east1-b"), ("node-b", "us-east1-c")]:
    nodes.append(stamp({"apiVersion": "v1", "kind": "Node",
                        "metadata": {"name": name, "labels": {
                            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                            "topology.kubernetes.io/region": "us-east1",
                            "topology.kubernetes.io/zone": zone}}}, None))

half = len(services) // 2
out = {
    "namespaces.json": metadata_list(namespaces),
    "services-page-1.json": typed_list("ServiceList", "v1", services[:half], cont="page-2-token"),
    "services-page-2.json": typed_list("ServiceList", "v1", services[half:]),
    "deployments.json": typed_list("DeploymentList", "apps/v1", deployments),
    "statefulsets.json": typed_list("StatefulSetList", "apps/v1", []),
    "daemonsets.json": typed_list("DaemonSetList", "apps/v1", [daemonset]),
    "serviceaccounts.json": metadata_list(accounts),
    "nodes.json": metadata_list(nodes),
}
for name, body in out.items():
    (HERE / "bookinfo" / name).parent.mkdir(exist_ok=True)
    (HERE / "bookinfo" / name).write_text(json.dumps(body, indent=2) + "\n")
