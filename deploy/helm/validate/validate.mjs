// Validates Kubernetes manifests offline against Kubernetes' own schemas (npm kubernetes-models,
// and @kubernetes-models/prometheus-operator for ServiceMonitor and PrometheusRule).
//   node validate.mjs manifests.json     (a JSON array of manifest objects)
// Prints one line per manifest; exits 1 when any is invalid or of an unknown apiVersion/kind.
import { readFileSync } from "node:fs";

const manifests = JSON.parse(readFileSync(process.argv[2], "utf8"));

async function modelClass(apiVersion, kind) {
  const module = apiVersion.startsWith("monitoring.coreos.com/")
    ? `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`
    : `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return (await import(module))[kind];
  } catch (e) {
    return undefined;
  }
}

let failed = 0;
for (const manifest of manifests) {
  const id = `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata?.name}`;
  const Model = manifest.apiVersion && manifest.kind
    ? await modelClass(manifest.apiVersion, manifest.kind) : undefined;
  if (!Model) {
    console.log(`INVALID ${id}: no schema for this apiVersion/kind`);
    failed++;
    continue;
  }
  try {
    new Model(manifest).validate();
    console.log(`ok ${id}`);
  } catch (e) {
    console.log(`INVALID ${id}: ${e.message}`);
    failed++;
  }
}
console.log(`${manifests.length - failed} valid, ${failed} invalid`);
process.exit(failed ? 1 : 0);
