/**
 * @flott/rm-yarn: the YARN ResourceManagerDriver (`resourcemanager.type: yarn`) will live here; it
 * comes in a later issue (see README.md). Nothing is exported yet.
 */
export {};
