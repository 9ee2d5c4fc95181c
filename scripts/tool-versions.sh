# The helm and kustomize versions scripts/setup.sh builds into .tools/bin: those Argo CD v3.4 bundles in
# its repo-server image (argo-cd hack/tool-versions.sh at v3.4.0), the newest Argo CD release line that
# still renders with Helm 3 (v3.5 moved to Helm 4). The README says why.
HELM_VERSION=v3.19.4
KUSTOMIZE_VERSION=v5.8.1
