#!/bin/sh
# shellcheck disable=SC2016
# pullfix: kubectl commands for the pull Secret and the imagePullSecrets patches.
# It holds passwords, which also show up in `ps` and shell history while it runs: keep it private.
# Run it from the directory that holds k8s/, with kubectl pointed at the cluster.
set -eu

# Secret regcred in namespace default
# (create --dry-run | apply: also updates an existing Secret)
kubectl create secret docker-registry regcred --docker-server=harbor.example.net '--docker-username=robot$ci' --docker-password=S3cret -n default --dry-run=client -o yaml | kubectl apply -f -
