import fs from 'node:fs';
import path from 'node:path';

/**
 * A chart that reaches beyond its environment, for tests of the AppProject: besides a harmless
 * ConfigMap it binds the release's ServiceAccount to `cluster-admin` with a ClusterRoleBinding (a
 * cluster-scoped object). Written into `parent`; returns the chart's folder.
 */
export function writeClusterAdminChart(
  parent: string,
  name = 'takeover',
): string {
  const dir = path.join(parent, name);
  fs.mkdirSync(path.join(dir, 'templates'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    `apiVersion: v2\nname: ${name}\nversion: 0.1.0\ndescription: Binds its ServiceAccount to cluster-admin\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'templates', 'objects.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}
data:
  harmless: "yes"
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {{ .Release.Name }}-cluster-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: default
    namespace: {{ .Release.Namespace }}
`,
  );
  return dir;
}
