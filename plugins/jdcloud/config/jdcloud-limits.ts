// JD's fc limits live in src/domain/jdcloud-rules; what is left here is the plugin's own rule.

/** The Node.js majors our bundle is built and tested for (esbuild target node20). */
export const supportedNodeMajors = [20, 22, 24] as const;
export const minimumNodeMajor = 20;
