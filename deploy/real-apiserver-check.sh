#!/usr/bin/env bash
# Submits everything deploy/ makes, and every object execution-service's Kubernetes runtime creates, to a real
# kube-apiserver (server-side dry run: full API validation and admission, nothing is stored but the CRDs and the two
# namespaces). Not part of ./mvnw verify: it needs the API server that ../shared/tools/real-apiserver.sh builds from
# Debian's kubernetes source package (v1.20.2, offline; about 8 minutes on 2 cores, once).
#   W=/some/scratch deploy/real-apiserver-check.sh      # builds (once), starts, checks, stops
# Output: one line per object ("... created (server dry run)") and a summary; exits non-zero on the first refusal.
# The result recorded in docs/deploy.md ("A real API server") came from this script.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export W=${W:?set W to a scratch folder for the API server build}
tool=${REAL_APISERVER:-$(cd "$repo/.." && pwd)/shared/tools/real-apiserver.sh}
kubectl=${KUBECTL:-kubectl}
# Debian's kubernetes 1.20 vendors reflect2 1.0.1, which crashes a binary built with Go 1.18 or later (SIGSEGV in
# mapiterinit) on the first custom resource it decodes; Debian's reflect2 1.0.2 is the fix, swapped into the
# vendored sources before the build.
fix_reflect2() {
  local v; v=$(ls -d "$W"/k8s-src/kubernetes-*/vendor/github.com/modern-go/reflect2 | head -1)
  [ -f "$v/go_above_118.go" ] && return 0
  (cd "$W/debs" && apt-get download golang-github-modern-go-reflect2-dev)
  mkdir -p "$W/reflect2" && dpkg -x "$W"/debs/golang-github-modern-go-reflect2-dev_*.deb "$W/reflect2"
  rm -f "$v"/*.go "$v"/*.s
  cp "$W"/reflect2/usr/share/gocode/src/github.com/modern-go/reflect2/*.{go,s} "$v/"
  rm -f "$v"/*_test.go "$W/bin/kube-apiserver"
}
[ -d "$W/k8s-src" ] || nice -n 19 bash "$tool" fetch
fix_reflect2
[ -x "$W/bin/kube-apiserver" ] || nice -n 19 bash "$tool" build
# stop waits for the processes to be gone: a server still shutting down holds the port the next run needs
stop() {
  bash "$tool" stop
  for p in "$W"/run/apiserver.pid "$W"/run/etcd.pid; do
    while [ -f "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; do sleep 1; done
  done
}
stop
rm -rf "$W/run/etcd"   # a fresh store: CRDs and namespaces of an earlier run would be "already exists"
bash "$tool" run
trap stop EXIT
export KUBECONFIG=$W/run/kubeconfig.yaml
k() { "$kubectl" --kubeconfig "$KUBECONFIG" "$@"; }

echo "== API server: $(k version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1)"
echo "== CRDs (deploy/crds, see its README)"
out=$(mktemp -d)
# Two concessions to an API server older than the CRDs (1.20): their CEL rules (x-kubernetes-validations, 1.25+)
# are not known to it, so kubectl may not validate them client-side (the server drops them: those rules go
# unchecked here); and it reads an empty-string default as null and refuses it, so those lines go. `create`, not
# `apply`: the Kafka CRD is larger than apply's last-applied annotation allows.
mkdir "$out/crds"
for f in "$repo"/deploy/crds/*.yaml; do sed '/^ *default: ""$/d' "$f" > "$out/crds/$(basename "$f")"; done
k create --validate=false -f "$out/crds/"
k wait --for condition=established --timeout=60s -f "$out/crds/" >/dev/null
# And one to its age: 1.20 serves PodDisruptionBudgets only as policy/v1beta1 (policy/v1, with the same fields, came
# in 1.21; the manifests keep policy/v1, which 1.25 and later require), so they are submitted as v1beta1.
for overlay in dev prod; do
  k kustomize "$repo/deploy/overlays/$overlay" | sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' \
      > "$out/$overlay.yaml"
done
echo "== namespaces (created: namespaced objects need them even in a dry run)"
k apply -f "$repo/deploy/base/namespaces.yaml"
for overlay in dev prod; do
  echo "== deploy/overlays/$overlay: $(grep -c '^kind:' "$out/$overlay.yaml") objects"
  k apply --dry-run=server -f "$out/$overlay.yaml"
done
echo "== execution-service's objects for every compute spec of the catalogue (PodFactory, HomeSave)"
(cd "$repo" && nice -n 19 ./mvnw -B -o -q test -pl execution-service -am -Dtest=CataloguePodsDump \
    -Dsurefire.failIfNoSpecifiedTests=false -Dhyperai.dump-pods="$out/pods")
for f in "$out"/pods/*.yaml; do
  echo "-- $(basename "$f" .yaml)"
  k apply --dry-run=server -n hyperai-executions -f "$f"
done
echo "== every object accepted"
