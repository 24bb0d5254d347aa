/**
 * @flott/rm-kubernetes: the Kubernetes ResourceManagerDriver (`resourcemanager.type: kubernetes`)
 * will live here; it comes in a later issue (see README.md). Nothing is exported yet.
 */
export {};
