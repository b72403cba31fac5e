#!/bin/sh
# shellcheck disable=SC2016
# pullfix: kubectl commands for the pull Secret and the imagePullSecrets patches.
# It holds passwords, which also show up in `ps` and shell history while it runs: keep it private.
# Run it from the directory that holds k8s/, with kubectl pointed at the cluster.
set -eu

# Secret regcred in namespace default
# kubectl create secret docker-registry takes one --docker-server; this Secret holds 2 registries.
kubectl apply -f k8s/secret-regcred-default.yaml
